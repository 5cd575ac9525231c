package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.torchvision.ops.Misc.conv2dNormActivation;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/efficientnet.py} (0.14.1): the {@code EfficientNet} class (V1 and V2) and its
 * eleven builders, {@code efficientnet_b0} to {@code efficientnet_b7} and {@code efficientnet_v2_s/m/l}.
 *
 * <p>The builders differ in {@code _efficientnet_conf}'s stage table (scaled by width and depth for B0-B7),
 * {@code last_channel}, the dropout rate and the norm layer: B5-B7 and V2 use {@code BatchNorm2d} with another
 * eps (and momentum), which registers the same tensors as the default, so the norm is always
 * {@code BatchNorm2d} here.
 *
 * <p>Keyword arguments: {@code num_classes}, and {@code stochastic_depth_prob}, which sets the rates of the
 * parameter-free {@code StochasticDepth} layers. {@code dropout} and {@code last_channel} are not declared
 * because the builders pass them to {@code _efficientnet} themselves, so Python refuses them ({@code TypeError:
 * got multiple values}). {@code EfficientNet.__init__} swallows any other name through its own
 * {@code **kwargs} without effect (even {@code width_mult}, which the builders fix); those are refused here
 * rather than silently ignored.
 */
public final class EfficientNet extends Module {
    /** The B0 stages before scaling: expand ratio, kernel, stride, input and output channels, layers. */
    private static final long[][] V1_STAGES = {
        {1, 3, 1, 32, 16, 1},
        {6, 3, 2, 16, 24, 2},
        {6, 5, 2, 24, 40, 2},
        {6, 3, 2, 40, 80, 3},
        {6, 5, 1, 80, 112, 3},
        {6, 5, 2, 112, 192, 4},
        {6, 3, 1, 192, 320, 1},
    };
    /** The last conv's width of every V2 model; V1 models take four times their last stage's width. */
    private static final long V2_LAST_CHANNEL = 1280;

    /** The public builders: B0-B7 by width and depth multiplier, V2 by stage table. */
    public static List<Builder> builders() {
        return List.of(
                v1("efficientnet_b0", 0.2, 1.0, 1.0, v1Weights("EfficientNet_B0_Weights", 224)),
                v1("efficientnet_b1", 0.2, 1.0, 1.1, Weights.of("EfficientNet_B1_Weights", Args.IMAGENET, 1,
                        "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2").withCropSize(240)),
                v1("efficientnet_b2", 0.3, 1.1, 1.2, v1Weights("EfficientNet_B2_Weights", 288)),
                v1("efficientnet_b3", 0.3, 1.2, 1.4, v1Weights("EfficientNet_B3_Weights", 300)),
                v1("efficientnet_b4", 0.4, 1.4, 1.8, v1Weights("EfficientNet_B4_Weights", 380)),
                v1("efficientnet_b5", 0.4, 1.6, 2.2, v1Weights("EfficientNet_B5_Weights", 456)),
                v1("efficientnet_b6", 0.5, 1.8, 2.6, v1Weights("EfficientNet_B6_Weights", 528)),
                v1("efficientnet_b7", 0.5, 2.0, 3.1, v1Weights("EfficientNet_B7_Weights", 600)),
                v2("efficientnet_v2_s", 0.2, "EfficientNet_V2_S_Weights", 384, List.of(
                        fusedMBConv(1, 3, 1, 24, 24, 2),
                        fusedMBConv(4, 3, 2, 24, 48, 4),
                        fusedMBConv(4, 3, 2, 48, 64, 4),
                        mbConv(4, 3, 2, 64, 128, 6, 1.0, 1.0),
                        mbConv(6, 3, 1, 128, 160, 9, 1.0, 1.0),
                        mbConv(6, 3, 2, 160, 256, 15, 1.0, 1.0))),
                v2("efficientnet_v2_m", 0.3, "EfficientNet_V2_M_Weights", 480, List.of(
                        fusedMBConv(1, 3, 1, 24, 24, 3),
                        fusedMBConv(4, 3, 2, 24, 48, 5),
                        fusedMBConv(4, 3, 2, 48, 80, 5),
                        mbConv(4, 3, 2, 80, 160, 7, 1.0, 1.0),
                        mbConv(6, 3, 1, 160, 176, 14, 1.0, 1.0),
                        mbConv(6, 3, 2, 176, 304, 18, 1.0, 1.0),
                        mbConv(6, 3, 1, 304, 512, 5, 1.0, 1.0))),
                v2("efficientnet_v2_l", 0.4, "EfficientNet_V2_L_Weights", 480, List.of(
                        fusedMBConv(1, 3, 1, 32, 32, 4),
                        fusedMBConv(4, 3, 2, 32, 64, 7),
                        fusedMBConv(4, 3, 2, 64, 96, 7),
                        mbConv(4, 3, 2, 96, 192, 10, 1.0, 1.0),
                        mbConv(6, 3, 1, 192, 224, 19, 1.0, 1.0),
                        mbConv(6, 3, 2, 224, 384, 25, 1.0, 1.0),
                        mbConv(6, 3, 1, 384, 640, 7, 1.0, 1.0))));
    }

    /** A V1 weights enum with the one member {@code IMAGENET1K_V1} ({@code min_size} 1), cropping {@code crop}. */
    private static Weights v1Weights(String className, long crop) {
        return Weights.of(className, Args.IMAGENET, 1, "IMAGENET1K_V1", "IMAGENET1K_V1").withCropSize(crop);
    }

    /**
     * {@code efficientnet_bN}: {@code _efficientnet_conf("efficientnet_bN", width_mult, depth_mult)} scales the
     * B0 stages; {@code last_channel} is None.
     */
    private static Builder v1(String name, double dropout, double widthMult, double depthMult, Weights weights) {
        List<BlockConfig> setting = new ArrayList<>();
        for (long[] s : V1_STAGES) {
            setting.add(mbConv(s[0], s[1], s[2], s[3], s[4], s[5], widthMult, depthMult));
        }
        return builder(name, dropout, setting, null, weights);
    }

    /**
     * {@code efficientnet_v2_*}: a fixed stage table, {@code last_channel} 1280, weights at min_size 33 cropping
     * {@code crop}.
     */
    private static Builder v2(String name, double dropout, String weightsClass, long crop,
                              List<BlockConfig> setting) {
        Weights weights = Weights.of(weightsClass, Args.IMAGENET, 33, "IMAGENET1K_V1", "IMAGENET1K_V1")
                .withCropSize(crop);
        return builder(name, dropout, setting, V2_LAST_CHANNEL, weights);
    }

    private static Builder builder(String name, double dropout, List<BlockConfig> setting, Long lastChannel, Weights weights) {
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Args.numClasses(1000),
                Arg.real("stochastic_depth_prob", 0.2,
                        "stochastic depth rate of the deepest block (no effect on the tensors)"));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args,
                kwargs -> efficientnet(setting, dropout, lastChannel, kwargs));
    }

    /** {@code _efficientnet(inverted_residual_setting, dropout, last_channel, weights, progress, **kwargs)}. */
    private static Module efficientnet(List<BlockConfig> setting, double dropout, Long lastChannel,
                                       Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new EfficientNet(setting, dropout, kwargs.integer("num_classes"), Layers::batchNorm2d, lastChannel);
    }

    /**
     * {@code EfficientNet(inverted_residual_setting, dropout, num_classes=..., norm_layer=..., last_channel=...)}:
     * {@code features} (the stem conv, one Sequential per stage, the 1x1 head conv), {@code avgpool},
     * {@code classifier} (Dropout, Linear).
     */
    private EfficientNet(List<BlockConfig> setting, double dropout, long numClasses, LongFunction<Module> norm,
                         Long lastChannel) {
        Sequential features = new Sequential(conv2dNormActivation(3, setting.get(0).inputChannels(), 3, 2, 1, norm,
                Layers::silu, 1));
        for (BlockConfig cnf : setting) {
            Sequential stage = new Sequential();
            for (long i = 0; i < cnf.numLayers(); i++) {
                // Every block but a stage's first continues from the stage's width, without striding.
                BlockConfig blockCnf = stage.size() == 0 ? cnf : cnf.continued();
                stage.append(blockCnf.block().create(blockCnf, norm));
            }
            features.append(stage);
        }
        long lastconvInputChannels = setting.get(setting.size() - 1).outChannels();
        long lastconvOutputChannels = lastChannel != null ? lastChannel : Dims.mul(4, lastconvInputChannels);
        features.append(conv2dNormActivation(lastconvInputChannels, lastconvOutputChannels, 1, 1, 1, norm,
                Layers::silu, 1));
        add("features", features);
        add("avgpool", Layers.adaptiveAvgPool2d(1, 1));
        add("classifier", new Sequential(Layers.dropout(dropout), linear(lastconvOutputChannels, numClasses)));
    }

    /** {@code _forward_impl}: features, avgpool, flatten, classifier. */
    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "features", x);
        x = call(t, "avgpool", x);
        x = Reshape.flatten(x, 1, -1);
        return call(t, "classifier", x);
    }

    /** {@code cnf.block}: {@code MBConv} or {@code FusedMBConv}, built from its config and the norm layer. */
    @FunctionalInterface
    private interface Block {
        Module create(BlockConfig cnf, LongFunction<Module> norm);
    }

    /**
     * {@code _MBConvConfig}: one stage's blocks, channels already adjusted. The stride leaves no trace in the
     * tensors but sets the depthwise (MBConv) or first (FusedMBConv) conv's stride and the residual.
     */
    private record BlockConfig(double expandRatio, long kernel, long stride, long inputChannels, long outChannels,
                               long numLayers, Block block) {
        /** The stage's later blocks: {@code block_cnf.input_channels = block_cnf.out_channels; stride = 1}. */
        BlockConfig continued() {
            return new BlockConfig(expandRatio, kernel, 1, outChannels, outChannels, numLayers, block);
        }
    }

    /**
     * {@code MBConvConfig(expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult,
     * depth_mult)}: channels scaled by width and layers by depth.
     */
    private static BlockConfig mbConv(double expandRatio, long kernel, long stride, long inputChannels,
                                      long outChannels, long numLayers, double widthMult, double depthMult) {
        return new BlockConfig(expandRatio, kernel, stride, adjustChannels(inputChannels, widthMult),
                adjustChannels(outChannels, widthMult), adjustDepth(numLayers, depthMult), EfficientNet::mbConvBlock);
    }

    /** {@code FusedMBConvConfig(expand_ratio, kernel, stride, input_channels, out_channels, num_layers)}: unscaled. */
    private static BlockConfig fusedMBConv(double expandRatio, long kernel, long stride, long inputChannels,
                                           long outChannels, long numLayers) {
        return new BlockConfig(expandRatio, kernel, stride, inputChannels, outChannels, numLayers,
                EfficientNet::fusedMBConvBlock);
    }

    /** {@code _MBConvConfig.adjust_channels(channels, width_mult)}: {@code _make_divisible(channels * width_mult, 8)}. */
    private static long adjustChannels(long channels, double widthMult) {
        return ModelUtils.makeDivisible(channels * widthMult, 8);
    }

    /** {@code MBConvConfig.adjust_depth(num_layers, depth_mult)}: {@code int(math.ceil(num_layers * depth_mult))}. */
    private static long adjustDepth(long numLayers, double depthMult) {
        return Dims.ceil(numLayers * depthMult);
    }

    /**
     * {@code MBConv(cnf, stochastic_depth_prob, norm_layer)}: Sequential {@code block} of the 1x1 expansion
     * (only when it changes the width), the depthwise conv, squeeze-and-excitation and the 1x1 projection
     * (no activation); then {@code stochastic_depth}, parameter-free and outside the Sequential.
     */
    private static Module mbConvBlock(BlockConfig cnf, LongFunction<Module> norm) {
        long expandedChannels = adjustChannels(cnf.inputChannels(), cnf.expandRatio());
        Sequential layers = new Sequential();
        if (expandedChannels != cnf.inputChannels()) {
            layers.append(conv2dNormActivation(cnf.inputChannels(), expandedChannels, 1, 1, 1, norm, Layers::silu,
                    1));
        }
        layers.append(conv2dNormActivation(expandedChannels, expandedChannels, cnf.kernel(), cnf.stride(),
                expandedChannels, norm, Layers::silu, 1));
        // Squeezed from the block's input width, not the expanded one.
        long squeezeChannels = Math.max(1, Math.floorDiv(cnf.inputChannels(), 4));
        layers.append(Misc.squeezeExcitation(expandedChannels, squeezeChannels, Layers::silu, Layers::sigmoid));
        layers.append(conv2dNormActivation(expandedChannels, cnf.outChannels(), 1, 1, 1, norm, null, 1));
        return new MBConv(layers, useResConnect(cnf));
    }

    /** {@code use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels}. */
    private static boolean useResConnect(BlockConfig cnf) {
        return cnf.stride() == 1 && cnf.inputChannels() == cnf.outChannels();
    }

    /**
     * {@code FusedMBConv(cnf, stochastic_depth_prob, norm_layer)}: Sequential {@code block} of a full conv
     * that expands and a 1x1 projection, or one conv straight to the output width when the ratio does not
     * expand; then {@code stochastic_depth}.
     */
    private static Module fusedMBConvBlock(BlockConfig cnf, LongFunction<Module> norm) {
        long expandedChannels = adjustChannels(cnf.inputChannels(), cnf.expandRatio());
        Sequential layers = new Sequential();
        if (expandedChannels != cnf.inputChannels()) {
            layers.append(conv2dNormActivation(cnf.inputChannels(), expandedChannels, cnf.kernel(), cnf.stride(), 1,
                    norm, Layers::silu, 1));
            layers.append(conv2dNormActivation(expandedChannels, cnf.outChannels(), 1, 1, 1, norm, null, 1));
        } else {
            layers.append(conv2dNormActivation(cnf.inputChannels(), cnf.outChannels(), cnf.kernel(), cnf.stride(), 1,
                    norm, Layers::silu, 1));
        }
        return new FusedMBConv(layers, useResConnect(cnf));
    }

    /**
     * The module of an MBConv or FusedMBConv: {@code block}, then the {@code StochasticDepth} layer, whose rate
     * ({@code stochastic_depth_prob} scaled by the block's depth) leaves no trace in the tensors. Its forward:
     * {@code result = self.block(input)}; with a residual, {@code self.stochastic_depth(result) + input}.
     */
    private static class WithStochasticDepth extends Module {
        private final boolean useResConnect;

        WithStochasticDepth(Sequential layers, boolean useResConnect) {
            this.useResConnect = useResConnect;
            add("block", layers);
            add("stochastic_depth", Layers.stochasticDepth());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape result = call(t, "block", x);
            if (useResConnect) {
                result = call(t, "stochastic_depth", result);
                result = Reshape.broadcast(result, x);
            }
            return result;
        }
    }

    /** {@code MBConv}. */
    private static final class MBConv extends WithStochasticDepth {
        MBConv(Sequential layers, boolean useResConnect) {
            super(layers, useResConnect);
        }
    }

    /** {@code FusedMBConv}. */
    private static final class FusedMBConv extends WithStochasticDepth {
        FusedMBConv(Sequential layers, boolean useResConnect) {
            super(layers, useResConnect);
        }
    }
}
