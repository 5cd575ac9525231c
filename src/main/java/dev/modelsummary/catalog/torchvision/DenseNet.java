package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.batchNorm;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

/** torchvision {@code models/densenet.py} (0.14.1): densenet121, densenet161, densenet169, densenet201. */
public final class DenseNet extends Module {

    /** The public builders: growth rate, layers per dense block, stem width, and the weights enum. */
    public static List<Builder> builders() {
        return List.of(
                builder("densenet121", 32, new long[] {6, 12, 24, 16}, 64, "DenseNet121_Weights"),
                builder("densenet161", 48, new long[] {6, 12, 36, 24}, 96, "DenseNet161_Weights"),
                builder("densenet169", 32, new long[] {6, 12, 32, 32}, 64, "DenseNet169_Weights"),
                builder("densenet201", 32, new long[] {6, 12, 48, 32}, 64, "DenseNet201_Weights"));
    }

    private static Builder builder(String name, long growthRate, long[] blockConfig, long numInitFeatures,
                                   String weightsClass) {
        List<Arg> args = List.of(
                Args.weights(Weights.of(weightsClass, Args.IMAGENET, 29, "IMAGENET1K_V1", "IMAGENET1K_V1")),
                Args.progress(),
                Arg.integer("bn_size", 4, "bottleneck width factor: each dense layer's 1x1 conv gives bn_size"
                        + " * growth_rate channels"),
                Arg.real("drop_rate", 0.0, "dropout rate after each dense layer (no effect on the tensors)"),
                Args.numClasses(1000),
                Arg.bool("memory_efficient", false, "checkpointing (no effect on the tensors)"));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args,
                kwargs -> densenet(growthRate, blockConfig, numInitFeatures, kwargs));
    }

    /**
     * {@code _densenet(growth_rate, block_config, num_init_features, weights, progress, **kwargs)}: weights fix
     * num_classes. (Their key renaming on loading changes no tensor.)
     */
    private static Module densenet(long growthRate, long[] blockConfig, long numInitFeatures, Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new DenseNet(growthRate, blockConfig, numInitFeatures, kwargs.integer("bn_size"),
                kwargs.integer("num_classes"));
    }

    /**
     * {@code DenseNet(growth_rate, block_config, num_init_features, bn_size, num_classes)}: {@code features}
     * (stem, dense blocks with transitions between them, {@code norm5}), then the {@code classifier}.
     */
    private DenseNet(long growthRate, long[] blockConfig, long numInitFeatures, long bnSize, long numClasses) {
        Sequential features = add("features", new Sequential());
        features.add("conv0", conv2d(3, numInitFeatures, 7, 1, false));
        features.add("norm0", batchNorm(numInitFeatures));
        features.add("relu0", stateless());
        features.add("pool0", stateless());
        long numFeatures = numInitFeatures;
        for (int i = 0; i < blockConfig.length; i++) {
            features.add("denseblock" + (i + 1), denseBlock(blockConfig[i], numFeatures, bnSize, growthRate));
            numFeatures = Dims.add(numFeatures, Dims.mul(blockConfig[i], growthRate));
            // Every block but the last is followed by a transition that halves the channels.
            if (i != blockConfig.length - 1) {
                features.add("transition" + (i + 1), transition(numFeatures, numFeatures / 2));
                numFeatures /= 2;
            }
        }
        features.add("norm5", batchNorm(numFeatures));
        add("classifier", linear(numFeatures, numClasses));
    }

    /** {@code _DenseBlock} (a ModuleDict): {@code denselayer1..n}, the i-th seeing i more growth_rate inputs. */
    private static Module denseBlock(long numLayers, long numInputFeatures, long bnSize, long growthRate) {
        Module block = new Module();
        for (int i = 0; i < numLayers; i++) {
            block.add("denselayer" + (i + 1), denseLayer(Dims.add(numInputFeatures, Dims.mul(i, growthRate)), growthRate, bnSize));
        }
        return block;
    }

    /** {@code _DenseLayer}: norm1, relu1, a 1x1 conv1 to the bottleneck, norm2, relu2, a 3x3 conv2 to growth. */
    private static Module denseLayer(long numInputFeatures, long growthRate, long bnSize) {
        Module layer = new Module();
        layer.add("norm1", batchNorm(numInputFeatures));
        layer.add("relu1", stateless());
        layer.add("conv1", conv2d(numInputFeatures, Dims.mul(bnSize, growthRate), 1, 1, false));
        layer.add("norm2", batchNorm(Dims.mul(bnSize, growthRate)));
        layer.add("relu2", stateless());
        layer.add("conv2", conv2d(Dims.mul(bnSize, growthRate), growthRate, 3, 1, false));
        return layer;
    }

    /** {@code _Transition} (a Sequential of named layers): norm, relu, a 1x1 conv, average pooling. */
    private static Module transition(long numInputFeatures, long numOutputFeatures) {
        Sequential transition = new Sequential();
        transition.add("norm", batchNorm(numInputFeatures));
        transition.add("relu", stateless());
        transition.add("conv", conv2d(numInputFeatures, numOutputFeatures, 1, 1, false));
        transition.add("pool", stateless());
        return transition;
    }
}
