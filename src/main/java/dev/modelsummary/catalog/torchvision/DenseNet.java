package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.avgPool2d;
import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.maxPool2d;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        features.add("conv0", conv2d(3, numInitFeatures, 7, 1, false).stride(2).padding(3));
        features.add("norm0", batchNorm2d(numInitFeatures));
        features.add("relu0", relu());
        features.add("pool0", maxPool2d(3, 2, 1));
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
        features.add("norm5", batchNorm2d(numFeatures));
        add("classifier", linear(numFeatures, numClasses));
    }

    @Override
    public Shape forward(Trace t, Shape x) {
        Shape features = call(t, "features", x);
        Shape out = features; // F.relu(features, inplace=True)
        out = Pool.adaptive(out, 1, 1); // F.adaptive_avg_pool2d(out, (1, 1))
        out = Reshape.flatten(out, 1, -1);
        out = call(t, "classifier", out);
        return out;
    }

    /** {@code _DenseBlock} (a ModuleDict): {@code denselayer1..n}, the i-th seeing i more growth_rate inputs. */
    private static Module denseBlock(long numLayers, long numInputFeatures, long bnSize, long growthRate) {
        return new DenseBlock(numLayers, numInputFeatures, bnSize, growthRate);
    }

    /** {@code _DenseBlock}: each layer sees the block input and every earlier layer's output. */
    static final class DenseBlock extends Module {
        DenseBlock(long numLayers, long numInputFeatures, long bnSize, long growthRate) {
            className("_DenseBlock");
            for (int i = 0; i < numLayers; i++) {
                add("denselayer" + (i + 1),
                        denseLayer(Dims.add(numInputFeatures, Dims.mul(i, growthRate)), growthRate, bnSize));
            }
        }

        @Override
        public Shape forward(Trace t, Shape initFeatures) {
            List<Shape> features = new ArrayList<>(List.of(initFeatures));
            for (Map.Entry<String, Module> layer : childrenWithEmptyPlaces().entrySet()) {
                Shape newFeatures = call(t, layer.getKey(), List.copyOf(features));
                features.add(newFeatures);
            }
            return Reshape.cat(features, 1);
        }
    }

    /** {@code _DenseLayer}: norm1, relu1, a 1x1 conv1 to the bottleneck, norm2, relu2, a 3x3 conv2 to growth. */
    private static Module denseLayer(long numInputFeatures, long growthRate, long bnSize) {
        return new DenseLayer(numInputFeatures, growthRate, bnSize);
    }

    /** {@code _DenseLayer}: its forward takes the list of every earlier feature map and concatenates it first. */
    static final class DenseLayer extends Module {
        DenseLayer(long numInputFeatures, long growthRate, long bnSize) {
            className("_DenseLayer");
            add("norm1", batchNorm2d(numInputFeatures));
            add("relu1", relu());
            add("conv1", conv2d(numInputFeatures, Dims.mul(bnSize, growthRate), 1, 1, false));
            add("norm2", batchNorm2d(Dims.mul(bnSize, growthRate)));
            add("relu2", relu());
            add("conv2", conv2d(Dims.mul(bnSize, growthRate), growthRate, 3, 1, false).padding(1));
        }

        /** {@code bn_function}: {@code conv1(relu1(norm1(torch.cat(inputs, 1))))}. */
        private Shape bnFunction(Trace t, List<Shape> inputs) {
            Shape concatedFeatures = Reshape.cat(inputs, 1);
            return call(t, "conv1", call(t, "relu1", call(t, "norm1", concatedFeatures)));
        }

        @Override
        public Shape forward(Trace t, Shape input) {
            return forward(t, List.of(input));
        }

        /** {@code forward(input)}: a tensor is a list of one; the functional dropout changes no shape. */
        @Override
        public Shape forward(Trace t, List<Shape> prevFeatures) {
            Shape bottleneckOutput = bnFunction(t, prevFeatures);
            return call(t, "conv2", call(t, "relu2", call(t, "norm2", bottleneckOutput)));
        }
    }

    /** {@code _Transition} (a Sequential of named layers): norm, relu, a 1x1 conv, average pooling. */
    private static Module transition(long numInputFeatures, long numOutputFeatures) {
        return new Transition(numInputFeatures, numOutputFeatures);
    }

    /** {@code _Transition(nn.Sequential)}: runs its layers in order. */
    static final class Transition extends Sequential {
        Transition(long numInputFeatures, long numOutputFeatures) {
            className("_Transition");
            add("norm", batchNorm2d(numInputFeatures));
            add("relu", relu());
            add("conv", conv2d(numInputFeatures, numOutputFeatures, 1, 1, false));
            add("pool", avgPool2d(2, 2));
        }
    }
}
