package dev.modelsummary.catalog.torchvision.video;

import static dev.modelsummary.catalog.nn.Layers.conv3d;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import java.util.List;

/** torchvision {@code models/video/s3d.py} (0.14.1): the {@code s3d} builder. */
public final class S3D extends Module {

    /** The public builder. */
    public static List<Builder> builders() {
        Weights weights = Weights.of("S3D_Weights", Args.KINETICS400, 224, "KINETICS400_V1", "KINETICS400_V1");
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Args.numClasses(400),
                Arg.real("dropout", 0.2, "dropout rate before the classifier, in [0, 1] (no effect on the tensors)"));
        return List.of(Builder.of("s3d", Task.VIDEO_CLASSIFICATION, args, S3D::s3d));
    }

    /**
     * {@code s3d}: weights fix num_classes; then the model, whose classifier's {@code nn.Dropout(p=dropout)}
     * refuses a rate outside [0, 1].
     */
    private static Module s3d(Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        Layers.dropout(kwargs.real("dropout"));
        return new S3D(kwargs.integer("num_classes"));
    }

    /**
     * {@code S3D(num_classes)} with its default norm layer, BatchNorm3d (eps and momentum leave no trace):
     * {@code features} (stem, max pools and the inception blocks), {@code avgpool}, {@code classifier}
     * (Dropout, then a 1x1x1 Conv3d with bias).
     */
    private S3D(long numClasses) {
        Sequential features = add("features", new Sequential());
        features.append(temporalSeparableConv(3, 64, 7));
        features.append(stateless());
        features.append(unitConv(64, 64));
        features.append(temporalSeparableConv(64, 192, 3));
        features.append(stateless());
        features.append(new SepInceptionBlock3D(192, 64, 96, 128, 16, 32, 32));
        features.append(new SepInceptionBlock3D(256, 128, 128, 192, 32, 96, 64));
        features.append(stateless());
        features.append(new SepInceptionBlock3D(480, 192, 96, 208, 16, 48, 64));
        features.append(new SepInceptionBlock3D(512, 160, 112, 224, 24, 64, 64));
        features.append(new SepInceptionBlock3D(512, 128, 128, 256, 24, 64, 64));
        features.append(new SepInceptionBlock3D(512, 112, 144, 288, 32, 64, 64));
        features.append(new SepInceptionBlock3D(528, 256, 160, 320, 32, 128, 128));
        features.append(stateless());
        features.append(new SepInceptionBlock3D(832, 256, 160, 320, 32, 128, 128));
        features.append(new SepInceptionBlock3D(832, 384, 192, 384, 48, 128, 128));
        add("avgpool", stateless());
        add("classifier", new Sequential(stateless(), conv3d(1024, numClasses, 1, 1, 1, 1, true)));
    }

    /**
     * {@code TemporalSeparableConv(in, out, k)}: a Sequential of two Conv3dNormActivation, a (1, k, k) spatial
     * conv then a (k, 1, 1) temporal one, both without bias, with BN and ReLU.
     */
    private static Sequential temporalSeparableConv(long in, long out, long kernel) {
        return new Sequential(
                Misc.conv3dNormActivation(in, out, 1, kernel, kernel, 1, Misc.BATCH_NORM, true),
                Misc.conv3dNormActivation(out, out, kernel, 1, 1, 1, Misc.BATCH_NORM, true));
    }

    /** {@code Conv3dNormActivation(in, out, kernel_size=1, norm_layer=norm_layer)}: conv, BN, ReLU. */
    private static Sequential unitConv(long in, long out) {
        return Misc.conv3dNormActivation(in, out, 1, 1, 1, 1, Misc.BATCH_NORM, true);
    }

    /**
     * {@code SepInceptionBlock3D}: four branches concatenated: a 1x1x1 conv; 1x1x1 then separable 3x3x3 (twice,
     * with their own widths); a max pool then a 1x1x1 conv.
     */
    private static final class SepInceptionBlock3D extends Module {
        SepInceptionBlock3D(long in, long b0Out, long b1Mid, long b1Out, long b2Mid, long b2Out, long b3Out) {
            add("branch0", unitConv(in, b0Out));
            add("branch1", new Sequential(unitConv(in, b1Mid), temporalSeparableConv(b1Mid, b1Out, 3)));
            add("branch2", new Sequential(unitConv(in, b2Mid), temporalSeparableConv(b2Mid, b2Out, 3)));
            add("branch3", new Sequential(stateless(), unitConv(in, b3Out)));
        }
    }
}
