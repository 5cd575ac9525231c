package dev.modelsummary.catalog.torchvision.video;

import static dev.modelsummary.catalog.nn.Layers.avgPool3d;
import static dev.modelsummary.catalog.nn.Layers.conv3d;
import static dev.modelsummary.catalog.nn.Layers.maxPool3d;

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
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
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
        double dropout = kwargs.real("dropout");
        Layers.dropout(dropout);
        return new S3D(kwargs.integer("num_classes"), dropout);
    }

    /**
     * {@code S3D(num_classes)} with its default norm layer, BatchNorm3d (eps and momentum leave no trace):
     * {@code features} (stem, max pools and the inception blocks), {@code avgpool} (AvgPool3d((2, 7, 7),
     * stride=1)), {@code classifier} (Dropout, then a 1x1x1 Conv3d with bias).
     */
    private S3D(long numClasses, double dropout) {
        Sequential features = add("features", new Sequential());
        features.append(new TemporalSeparableConv(3, 64, 7, 2, 3));
        features.append(maxPool3d(new long[] {1, 3, 3}, new long[] {1, 2, 2}, new long[] {0, 1, 1}));
        features.append(unitConv(64, 64));
        features.append(new TemporalSeparableConv(64, 192, 3, 1, 1));
        features.append(maxPool3d(new long[] {1, 3, 3}, new long[] {1, 2, 2}, new long[] {0, 1, 1}));
        features.append(new SepInceptionBlock3D(192, 64, 96, 128, 16, 32, 32));
        features.append(new SepInceptionBlock3D(256, 128, 128, 192, 32, 96, 64));
        features.append(maxPool3d(new long[] {3, 3, 3}, new long[] {2, 2, 2}, new long[] {1, 1, 1}));
        features.append(new SepInceptionBlock3D(480, 192, 96, 208, 16, 48, 64));
        features.append(new SepInceptionBlock3D(512, 160, 112, 224, 24, 64, 64));
        features.append(new SepInceptionBlock3D(512, 128, 128, 256, 24, 64, 64));
        features.append(new SepInceptionBlock3D(512, 112, 144, 288, 32, 64, 64));
        features.append(new SepInceptionBlock3D(528, 256, 160, 320, 32, 128, 128));
        features.append(maxPool3d(new long[] {2, 2, 2}, new long[] {2, 2, 2}, new long[] {0, 0, 0}));
        features.append(new SepInceptionBlock3D(832, 256, 160, 320, 32, 128, 128));
        features.append(new SepInceptionBlock3D(832, 384, 192, 384, 48, 128, 128));
        add("avgpool", avgPool3d(new long[] {2, 7, 7}, new long[] {1}, new long[] {0}));
        add("classifier", new Sequential(Layers.dropout(dropout),
                conv3d(1024, numClasses, 1, 1, 1, 1, true)));
    }

    /** {@code features}, {@code avgpool}, {@code classifier}, then {@code torch.mean(x, dim=(2, 3, 4))}. */
    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "features", x);
        x = call(t, "avgpool", x);
        x = call(t, "classifier", x);
        if (x.rank() != 5) {
            throw new dev.modelsummary.compute.ShapeException("Dimension out of range (expected to be in range of ["
                    + -x.rank() + ", " + (x.rank() - 1) + "], but got 4)");
        }
        return Shape.of(x.dim(0), x.dim(1));
    }

    /**
     * {@code TemporalSeparableConv(in, out, k, stride, padding)}: a Sequential of two Conv3dNormActivation,
     * a (1, k, k) spatial conv then a (k, 1, 1) temporal one, both without bias, with BatchNorm3d and ReLU.
     */
    static final class TemporalSeparableConv extends Sequential {
        TemporalSeparableConv(long in, long out, long kernel, long stride, long padding) {
            super(Misc.conv3dNormActivation(in, out, new long[] {1, kernel, kernel}, new long[] {1, stride, stride},
                            new long[] {0, padding, padding}),
                    Misc.conv3dNormActivation(out, out, new long[] {kernel, 1, 1}, new long[] {stride, 1, 1},
                            new long[] {padding, 0, 0}));
        }
    }

    /** {@code Conv3dNormActivation(in, out, kernel_size=1, stride=1, norm_layer=norm_layer)}: conv, BN, ReLU. */
    private static Sequential unitConv(long in, long out) {
        return Misc.conv3dNormActivation(in, out, new long[] {1, 1, 1}, new long[] {1}, new long[] {0});
    }

    /**
     * {@code SepInceptionBlock3D}: four branches concatenated along the channels: a 1x1x1 conv; 1x1x1 then
     * separable 3x3x3 (twice, with their own widths); a 3x3x3 max pool (stride 1, padding 1) then a 1x1x1 conv.
     */
    static final class SepInceptionBlock3D extends Module {
        SepInceptionBlock3D(long in, long b0Out, long b1Mid, long b1Out, long b2Mid, long b2Out, long b3Out) {
            add("branch0", unitConv(in, b0Out));
            add("branch1", new Sequential(unitConv(in, b1Mid), new TemporalSeparableConv(b1Mid, b1Out, 3, 1, 1)));
            add("branch2", new Sequential(unitConv(in, b2Mid), new TemporalSeparableConv(b2Mid, b2Out, 3, 1, 1)));
            add("branch3", new Sequential(maxPool3d(new long[] {3, 3, 3}, new long[] {1}, new long[] {1}),
                    unitConv(in, b3Out)));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape x0 = call(t, "branch0", x);
            Shape x1 = call(t, "branch1", x);
            Shape x2 = call(t, "branch2", x);
            Shape x3 = call(t, "branch3", x);
            return Reshape.cat(List.of(x0, x1, x2, x3), 1);
        }
    }
}
