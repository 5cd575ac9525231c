package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
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
        return new SqueezeNet(version, kwargs.integer("num_classes"));
    }

    /**
     * {@code SqueezeNet(version, num_classes)}: features, then the classifier: Dropout, the final 1x1 conv,
     * ReLU, AdaptiveAvgPool2d.
     */
    private SqueezeNet(String version, long numClasses) {
        add("features", "1_0".equals(version) ? features10() : features11());
        add("classifier", new Sequential(stateless(), conv2d(512, numClasses, 1), stateless(), stateless()));
    }

    /** Version 1.0: a 7x7 stem to 96 channels; max pooling (a position each) after the stem, Fire 3 and Fire 7. */
    private static Sequential features10() {
        return new Sequential(
                conv2d(3, 96, 7), stateless(), stateless(),
                fire(96, 16, 64, 64),
                fire(128, 16, 64, 64),
                fire(128, 32, 128, 128),
                stateless(),
                fire(256, 32, 128, 128),
                fire(256, 48, 192, 192),
                fire(384, 48, 192, 192),
                fire(384, 64, 256, 256),
                stateless(),
                fire(512, 64, 256, 256));
    }

    /** Version 1.1: a 3x3 stem to 64 channels; max pooling after the stem, Fire 2 and Fire 4. */
    private static Sequential features11() {
        return new Sequential(
                conv2d(3, 64, 3), stateless(), stateless(),
                fire(64, 16, 64, 64),
                fire(128, 16, 64, 64),
                stateless(),
                fire(128, 32, 128, 128),
                fire(256, 32, 128, 128),
                stateless(),
                fire(256, 48, 192, 192),
                fire(384, 48, 192, 192),
                fire(384, 64, 256, 256),
                fire(512, 64, 256, 256));
    }

    /** {@code Fire(inplanes, squeeze, expand1x1, expand3x3)}: three convolutions, each with its ReLU. */
    private static Module fire(long inplanes, long squeezePlanes, long expand1x1Planes, long expand3x3Planes) {
        Module fire = new Module();
        fire.add("squeeze", conv2d(inplanes, squeezePlanes, 1));
        fire.add("squeeze_activation", stateless());
        fire.add("expand1x1", conv2d(squeezePlanes, expand1x1Planes, 1));
        fire.add("expand1x1_activation", stateless());
        fire.add("expand3x3", conv2d(squeezePlanes, expand3x3Planes, 3));
        fire.add("expand3x3_activation", stateless());
        return fire;
    }
}
