package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.flatten;
import static dev.modelsummary.catalog.nn.Layers.gelu;
import static dev.modelsummary.catalog.nn.Layers.layerNorm2d;
import static dev.modelsummary.catalog.nn.Layers.layerNormForward;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.permute;
import static dev.modelsummary.catalog.nn.Layers.stochasticDepth;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/** torchvision {@code models/convnext.py} (0.14.1): the four ConvNeXt builders. */
public final class ConvNeXt extends Module {
    /** The public builders: each one's block settings, default stochastic depth and weights enum. */
    public static List<Builder> builders() {
        return List.of(
                builder("convnext_tiny", 0.1, "ConvNeXt_Tiny_Weights", List.of(
                        new CNBlockConfig(96, 192L, 3),
                        new CNBlockConfig(192, 384L, 3),
                        new CNBlockConfig(384, 768L, 9),
                        new CNBlockConfig(768, null, 3))),
                builder("convnext_small", 0.4, "ConvNeXt_Small_Weights", List.of(
                        new CNBlockConfig(96, 192L, 3),
                        new CNBlockConfig(192, 384L, 3),
                        new CNBlockConfig(384, 768L, 27),
                        new CNBlockConfig(768, null, 3))),
                builder("convnext_base", 0.5, "ConvNeXt_Base_Weights", List.of(
                        new CNBlockConfig(128, 256L, 3),
                        new CNBlockConfig(256, 512L, 3),
                        new CNBlockConfig(512, 1024L, 27),
                        new CNBlockConfig(1024, null, 3))),
                builder("convnext_large", 0.5, "ConvNeXt_Large_Weights", List.of(
                        new CNBlockConfig(192, 384L, 3),
                        new CNBlockConfig(384, 768L, 3),
                        new CNBlockConfig(768, 1536L, 27),
                        new CNBlockConfig(1536, null, 3))));
    }

    /**
     * {@code CNBlockConfig(input_channels, out_channels, num_layers)}: one stage; {@code outChannels} null
     * ({@code None}) means no downsampling layer after it.
     */
    record CNBlockConfig(long inputChannels, Long outChannels, int numLayers) {
    }

    /** One public builder; every weights enum of this file has the single member IMAGENET1K_V1 (min size 32). */
    private static Builder builder(String name, double stochasticDepthProb, String weightsClass,
                                   List<CNBlockConfig> blockSetting) {
        Weights weights = Weights.of(weightsClass, Args.IMAGENET, 32, "IMAGENET1K_V1", "IMAGENET1K_V1");
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Arg.real("stochastic_depth_prob", stochasticDepthProb,
                        "stochastic depth rate (no effect on the tensors)"),
                Arg.real("layer_scale", 1e-6, "initial layer scale value (no effect on the tensors)"),
                Args.numClasses(1000));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args, kwargs -> convnext(blockSetting, kwargs));
    }

    /** {@code _convnext}: weights fix num_classes; then the model. */
    private static Module convnext(List<CNBlockConfig> blockSetting, Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new ConvNeXt(blockSetting, kwargs.integer("num_classes"));
    }

    /**
     * {@code ConvNeXt(block_setting, num_classes=num_classes)} with the default CNBlock and LayerNorm2d. The
     * stochastic depth rates and the layer scale value only fill in values: they are not arguments here.
     */
    ConvNeXt(List<CNBlockConfig> blockSetting, long numClasses) {
        Sequential layers = new Sequential();
        // Stem: Conv2dNormActivation(3, c, kernel_size=4, norm_layer=LayerNorm2d, activation_layer=None, bias=True).
        long first = blockSetting.get(0).inputChannels();
        layers.append(new Conv2dNormActivation(conv2d(3, first, 4, 4, 1, true).stride(4, 4), layerNorm2d(first)));
        for (CNBlockConfig cnf : blockSetting) {
            Sequential stage = new Sequential();
            for (int i = 0; i < cnf.numLayers(); i++) {
                stage.append(new CNBlock(cnf.inputChannels()));
            }
            layers.append(stage);
            if (cnf.outChannels() != null) {
                // Downsampling: LayerNorm2d, then a 2x2 stride-2 convolution.
                layers.append(new Sequential(layerNorm2d(cnf.inputChannels()),
                        conv2d(cnf.inputChannels(), cnf.outChannels(), 2).stride(2, 2)));
            }
        }
        add("features", layers);
        add("avgpool", adaptiveAvgPool2d(1, 1));
        CNBlockConfig lastBlock = blockSetting.get(blockSetting.size() - 1);
        long lastConvOutputChannels = lastBlock.outChannels() != null
                ? lastBlock.outChannels() : lastBlock.inputChannels();
        // LayerNorm2d, Flatten, Linear.
        add("classifier", new Sequential(layerNorm2d(lastConvOutputChannels), flatten(1),
                linear(lastConvOutputChannels, numClasses)));
    }

    /** {@code forward}: features, avgpool, classifier. */
    @Override
    public Shape forward(Trace t, Shape x) {
        return call(t, "classifier", call(t, "avgpool", call(t, "features", x)));
    }

    /** The stem's {@code Conv2dNormActivation}: a Sequential under torch's class name. */
    static final class Conv2dNormActivation extends Sequential {
        Conv2dNormActivation(Module... layers) {
            super(layers);
        }
    }

    /**
     * {@code CNBlock(dim, layer_scale, stochastic_depth_prob)}: {@code block} is depthwise 7x7 conv, Permute,
     * LayerNorm, Linear up 4x, GELU, Linear down, Permute (the Permutes and GELU take indices 1, 4 and 6);
     * then the {@code layer_scale} parameter (dim, 1, 1) and the StochasticDepth layer.
     */
    private static final class CNBlock extends Module {
        private final long dim;

        CNBlock(long dim) {
            this.dim = dim;
            add("block", new Sequential(
                    conv2d(dim, dim, 7, dim, true).padding(3),
                    permute(0, 2, 3, 1),
                    layerNormForward(dim),
                    linear(dim, Dims.mul(4, dim)),
                    gelu(),
                    linear(Dims.mul(4, dim), dim),
                    permute(0, 3, 1, 2)));
            parameter("layer_scale", dim, 1, 1);
            add("stochastic_depth", stochasticDepth());
        }

        /** {@code layer_scale * block(input)}, {@code stochastic_depth}, then {@code += input}. */
        @Override
        public Shape forward(Trace t, Shape input) {
            Shape result = Reshape.broadcast(Shape.of(dim, 1, 1), call(t, "block", input));
            result = call(t, "stochastic_depth", result);
            return Reshape.broadcast(result, input);
        }
    }
}
