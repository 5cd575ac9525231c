package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.maxPool2d;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/** torchvision {@code models/squeezenet.py} (0.14.1): {@code squeezenet1_0} and {@code squeezenet1_1}. */
public final class SqueezeNet extends Module {

    /** The two builders: the version and its weights enum ({@code min_size} 21 and 17). */
    public static List<Builder> builders() {
        return List.of(
                builder("squeezenet1_0", "1_0", "SqueezeNet1_0_Weights", 21),
                builder("squeezenet1_1", "1_1", "SqueezeNet1_1_Weights", 17));
    }

    private static Builder builder(String name, String version, String weightsClass, long minSize) {
        List<Arg> args = List.of(
                Args.weights(Weights.of(weightsClass, Args.IMAGENET, minSize, "IMAGENET1K_V1", "IMAGENET1K_V1")),
                Args.progress(),
                Args.numClasses(1000),
                Arg.real("dropout", 0.5, "dropout rate (no effect on the tensors)"));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args, kwargs -> squeezenet(version, kwargs));
    }

    /** {@code _squeezenet(version, weights, progress, **kwargs)}: weights fix num_classes. */
    private static Module squeezenet(String version, Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        try {
            return new SqueezeNet(version, kwargs.integer("num_classes"), kwargs.real("dropout"));
        } catch (IllegalArgumentException e) {
            throw kwargs.refuse(e.getMessage());
        }
    }

    /**
     * {@code SqueezeNet(version, num_classes)}: features, then the classifier: Dropout, the final 1x1 conv,
     * ReLU, AdaptiveAvgPool2d.
     */
    private SqueezeNet(String version, long numClasses, double dropout) {
        add("features", "1_0".equals(version) ? features10() : features11());
        add("classifier", new Sequential(dropout(dropout), conv2d(512, numClasses, 1), relu(),
                adaptiveAvgPool2d(1, 1)));
    }

    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "features", x);
        x = call(t, "classifier", x);
        return Reshape.flatten(x, 1, -1);
    }

    /** {@code nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)}. */
    private static Module pool() {
        return maxPool2d(3, 2, 0, true);
    }

    /** Version 1.0: a 7x7 stem to 96 channels; max pooling (a position each) after the stem, Fire 3 and Fire 7. */
    private static Sequential features10() {
        return new Sequential(
                conv2d(3, 96, 7).stride(2), relu(), pool(),
                fire(96, 16, 64, 64),
                fire(128, 16, 64, 64),
                fire(128, 32, 128, 128),
                pool(),
                fire(256, 32, 128, 128),
                fire(256, 48, 192, 192),
                fire(384, 48, 192, 192),
                fire(384, 64, 256, 256),
                pool(),
                fire(512, 64, 256, 256));
    }

    /** Version 1.1: a 3x3 stem to 64 channels; max pooling after the stem, Fire 2 and Fire 4. */
    private static Sequential features11() {
        return new Sequential(
                conv2d(3, 64, 3).stride(2), relu(), pool(),
                fire(64, 16, 64, 64),
                fire(128, 16, 64, 64),
                pool(),
                fire(128, 32, 128, 128),
                fire(256, 32, 128, 128),
                pool(),
                fire(256, 48, 192, 192),
                fire(384, 48, 192, 192),
                fire(384, 64, 256, 256),
                fire(512, 64, 256, 256));
    }

    /** {@code Fire(inplanes, squeeze, expand1x1, expand3x3)}: three convolutions, each with its ReLU. */
    private static Module fire(long inplanes, long squeezePlanes, long expand1x1Planes, long expand3x3Planes) {
        return new Fire(inplanes, squeezePlanes, expand1x1Planes, expand3x3Planes);
    }

    /** {@code Fire}: a 1x1 squeeze, then a 1x1 and a 3x3 (padding 1) expansion concatenated on channels. */
    static final class Fire extends Module {
        Fire(long inplanes, long squeezePlanes, long expand1x1Planes, long expand3x3Planes) {
            add("squeeze", conv2d(inplanes, squeezePlanes, 1));
            add("squeeze_activation", relu());
            add("expand1x1", conv2d(squeezePlanes, expand1x1Planes, 1));
            add("expand1x1_activation", relu());
            add("expand3x3", conv2d(squeezePlanes, expand3x3Planes, 3).padding(1));
            add("expand3x3_activation", relu());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            x = call(t, "squeeze_activation", call(t, "squeeze", x));
            return Reshape.cat(List.of(
                    call(t, "expand1x1_activation", call(t, "expand1x1", x)),
                    call(t, "expand3x3_activation", call(t, "expand3x3", x))), 1);
        }
    }
}
