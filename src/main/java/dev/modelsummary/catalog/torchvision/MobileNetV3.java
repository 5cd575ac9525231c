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
 * torchvision {@code models/mobilenetv3.py} (0.14.1): mobilenet_v3_large and mobilenet_v3_small. Detection,
 * segmentation and quantization build theirs from {@link #conf} and {@link #MobileNetV3}.
 */
public final class MobileNetV3 extends Module {
    private boolean quantizable;

    /**
     * {@code InvertedResidualConfig} after {@code adjust_channels}; {@code useHs} (activation "HS": Hardswish,
     * else ReLU), stride and dilation leave no trace in the tensors but shape the forward.
     */
    public record BlockConfig(long inputChannels, long kernel, long expandedChannels, long outChannels,
                              boolean useSe, boolean useHs, long stride, long dilation) {
    }

    /** {@code _mobilenet_v3_conf}'s result: the block settings and {@code last_channel}. */
    public record Conf(List<BlockConfig> blocks, long lastChannel) {
    }

    /** {@code MobileNet_V3_Large_Weights}, also the backbone weights of the detection and segmentation models. */
    public static final Weights LARGE_WEIGHTS = Weights.of("MobileNet_V3_Large_Weights", Args.IMAGENET, 1,
            "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2");
    /** {@code MobileNet_V3_Small_Weights}. */
    public static final Weights SMALL_WEIGHTS = Weights.of("MobileNet_V3_Small_Weights", Args.IMAGENET, 1,
            "IMAGENET1K_V1", "IMAGENET1K_V1");

    /** The two public builders. */
    public static List<Builder> builders() {
        return List.of(builder("mobilenet_v3_large", LARGE_WEIGHTS), builder("mobilenet_v3_small", SMALL_WEIGHTS));
    }

    /** The keyword arguments of {@code _mobilenet_v3_conf} and {@code MobileNetV3.__init__}. */
    public static List<Arg> confArgs() {
        return List.of(
                Arg.real("width_mult", 1.0, "channel multiplier, rounded to multiples of 8"),
                Arg.bool("reduced_tail", false, "halve the channels of the last blocks"),
                Arg.bool("dilated", false, "dilate the last blocks (no effect on the tensors)"));
    }

    private static Builder builder(String arch, Weights weights) {
        List<Arg> args = new ArrayList<>(List.of(Args.weights(weights), Args.progress(), Args.numClasses(1000)));
        args.addAll(confArgs());
        args.add(Arg.real("dropout", 0.2, "classifier dropout (no effect on the tensors)"));
        return Builder.of(arch, Task.IMAGE_CLASSIFICATION, args, kwargs -> mobilenetV3(arch, kwargs));
    }

    /** {@code mobilenet_v3_large/small}: the configuration, then {@code _mobilenet_v3}. */
    private static Module mobilenetV3(String arch, Kwargs kwargs) {
        Conf conf = conf(arch, kwargs);
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new MobileNetV3(conf, kwargs.integer("num_classes"), MobileNetV3::batchNorm,
                kwargs.real("dropout"));
    }

    /** {@code _mobilenet_v3_conf(arch, width_mult, reduced_tail, dilated)}. */
    public static Conf conf(String arch, Kwargs kwargs) {
        double widthMult = kwargs.real("width_mult");
        long reduceDivider = kwargs.bool("reduced_tail") ? 2 : 1;
        long dilation = kwargs.bool("dilated") ? 2 : 1;
        List<BlockConfig> blocks = new ArrayList<>();
        long lastChannel;
        if (arch.equals("mobilenet_v3_large")) {
            bneck(blocks, widthMult, 16, 3, 16, 16, false, false, 1, 1);
            bneck(blocks, widthMult, 16, 3, 64, 24, false, false, 2, 1); // C1
            bneck(blocks, widthMult, 24, 3, 72, 24, false, false, 1, 1);
            bneck(blocks, widthMult, 24, 5, 72, 40, true, false, 2, 1); // C2
            bneck(blocks, widthMult, 40, 5, 120, 40, true, false, 1, 1);
            bneck(blocks, widthMult, 40, 5, 120, 40, true, false, 1, 1);
            bneck(blocks, widthMult, 40, 3, 240, 80, false, true, 2, 1); // C3
            bneck(blocks, widthMult, 80, 3, 200, 80, false, true, 1, 1);
            bneck(blocks, widthMult, 80, 3, 184, 80, false, true, 1, 1);
            bneck(blocks, widthMult, 80, 3, 184, 80, false, true, 1, 1);
            bneck(blocks, widthMult, 80, 3, 480, 112, true, true, 1, 1);
            bneck(blocks, widthMult, 112, 3, 672, 112, true, true, 1, 1);
            bneck(blocks, widthMult, 112, 5, 672, 160 / reduceDivider, true, true, 2, dilation); // C4
            bneck(blocks, widthMult, 160 / reduceDivider, 5, 960 / reduceDivider, 160 / reduceDivider,
                    true, true, 1, dilation);
            bneck(blocks, widthMult, 160 / reduceDivider, 5, 960 / reduceDivider, 160 / reduceDivider,
                    true, true, 1, dilation);
            lastChannel = adjustChannels(1280 / reduceDivider, widthMult); // C5
        } else if (arch.equals("mobilenet_v3_small")) {
            bneck(blocks, widthMult, 16, 3, 16, 16, true, false, 2, 1); // C1
            bneck(blocks, widthMult, 16, 3, 72, 24, false, false, 2, 1); // C2
            bneck(blocks, widthMult, 24, 3, 88, 24, false, false, 1, 1);
            bneck(blocks, widthMult, 24, 5, 96, 40, true, true, 2, 1); // C3
            bneck(blocks, widthMult, 40, 5, 240, 40, true, true, 1, 1);
            bneck(blocks, widthMult, 40, 5, 240, 40, true, true, 1, 1);
            bneck(blocks, widthMult, 40, 5, 120, 48, true, true, 1, 1);
            bneck(blocks, widthMult, 48, 5, 144, 48, true, true, 1, 1);
            bneck(blocks, widthMult, 48, 5, 288, 96 / reduceDivider, true, true, 2, dilation); // C4
            bneck(blocks, widthMult, 96 / reduceDivider, 5, 576 / reduceDivider, 96 / reduceDivider,
                    true, true, 1, dilation);
            bneck(blocks, widthMult, 96 / reduceDivider, 5, 576 / reduceDivider, 96 / reduceDivider,
                    true, true, 1, dilation);
            lastChannel = adjustChannels(1024 / reduceDivider, widthMult); // C5
        } else {
            throw kwargs.refuse("Unsupported model type " + arch);
        }
        return new Conf(blocks, lastChannel);
    }

    /** {@code bneck_conf = partial(InvertedResidualConfig, width_mult=width_mult)}. */
    private static void bneck(List<BlockConfig> blocks, double widthMult, long input, long kernel, long expanded,
                              long out, boolean useSe, boolean useHs, long stride, long dilation) {
        blocks.add(new BlockConfig(adjustChannels(input, widthMult), kernel, adjustChannels(expanded, widthMult),
                adjustChannels(out, widthMult), useSe, useHs, stride, dilation));
    }

    /** {@code InvertedResidualConfig.adjust_channels}: {@code _make_divisible(channels * width_mult, 8)}. */
    public static long adjustChannels(long channels, double widthMult) {
        return ModelUtils.makeDivisible(channels * widthMult, 8);
    }

    /** The default norm layer, {@code partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)}. */
    public static Module batchNorm(long channels) {
        return Layers.batchNorm2d(channels);
    }

    /**
     * {@code MobileNetV3(inverted_residual_setting, last_channel, num_classes, norm_layer=norm)}: {@code features}
     * (a first conv, one InvertedResidual per setting, a last 1x1 conv to six times the width), pooling, and the
     * {@code classifier}.
     */
    public MobileNetV3(Conf conf, long numClasses, LongFunction<Module> norm) {
        this(conf, numClasses, norm, 0.2);
    }

    /** {@link #MobileNetV3(Conf, long, LongFunction)} with the classifier's {@code dropout}. */
    public MobileNetV3(Conf conf, long numClasses, LongFunction<Module> norm, double dropout) {
        add("features", features(conf, norm));
        add("avgpool", Layers.adaptiveAvgPool2d(1, 1));
        long lastConvOutput = Dims.mul(6, conf.blocks().get(conf.blocks().size() - 1).outChannels());
        add("classifier", new Sequential(linear(lastConvOutput, conf.lastChannel()), Layers.hardswish(),
                Layers.dropout(dropout), linear(conf.lastChannel(), numClasses)));
    }

    /**
     * This model as torchvision's {@code QuantizableMobileNetV3} ({@code models/quantization/mobilenetv3.py},
     * {@code quantize=False}): {@code quant}/{@code dequant} around {@code _forward_impl}, each block a
     * {@code QuantizableInvertedResidual} (residual add through {@code skip_add}) and each SE a
     * {@code QuantizableSqueezeExcitation}. No tensor is added; returns this model.
     */
    public MobileNetV3 quantizable() {
        quantizable = true;
        className("QuantizableMobileNetV3");
        add("quant", Layers.quantStub());
        add("dequant", Layers.deQuantStub());
        for (Module block : child("features").childrenWithEmptyPlaces().values()) {
            if (block instanceof InvertedResidual residual) {
                residual.quantizable();
            }
        }
        return this;
    }

    /** {@code forward}: {@code _forward_impl}; the quantizable model calls quant before and dequant after. */
    @Override
    public Shape forward(Trace t, Shape x) {
        if (quantizable) {
            return call(t, "dequant", forwardImpl(t, call(t, "quant", x)));
        }
        return forwardImpl(t, x);
    }

    /** {@code _forward_impl}: features, avgpool, flatten, classifier. */
    private Shape forwardImpl(Trace t, Shape x) {
        x = call(t, "features", x);
        x = call(t, "avgpool", x);
        x = Reshape.flatten(x, 1, -1);
        return call(t, "classifier", x);
    }

    /** {@code MobileNetV3.features}, which the detection and segmentation backbones take alone. */
    public static Sequential features(Conf conf, LongFunction<Module> norm) {
        List<BlockConfig> blocks = conf.blocks();
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("The inverted_residual_setting should not be empty");
        }
        Sequential features = new Sequential(conv2dNormActivation(3, blocks.get(0).inputChannels(), 3, 2, 1, norm,
                Layers::hardswish, 1));
        for (BlockConfig block : blocks) {
            features.append(new InvertedResidual(block, norm));
        }
        long lastConvInput = blocks.get(blocks.size() - 1).outChannels();
        features.append(conv2dNormActivation(lastConvInput, Dims.mul(6, lastConvInput), 1, 1, 1, norm,
                Layers::hardswish, 1));
        return features;
    }

    /**
     * {@code InvertedResidual}: {@code block} holds the 1x1 expansion (only when it widens), the depthwise conv,
     * the squeeze-excitation (squeeze width {@code _make_divisible(expanded // 4, 8)}) and the 1x1 projection
     * without activation.
     */
    static final class InvertedResidual extends Module {
        private final boolean useResConnect;
        private boolean quantizable;

        InvertedResidual(BlockConfig cnf, LongFunction<Module> norm) {
            if (cnf.stride() < 1 || cnf.stride() > 2) {
                throw new IllegalArgumentException("illegal stride value");
            }
            useResConnect = cnf.stride() == 1 && cnf.inputChannels() == cnf.outChannels();
            java.util.function.Supplier<Module> activation = cnf.useHs() ? Layers::hardswish : Layers::relu;
            Sequential layers = new Sequential();
            if (cnf.expandedChannels() != cnf.inputChannels()) {
                layers.append(conv2dNormActivation(cnf.inputChannels(), cnf.expandedChannels(), 1, 1, 1, norm,
                        activation, 1));
            }
            long stride = cnf.dilation() > 1 ? 1 : cnf.stride();
            layers.append(conv2dNormActivation(cnf.expandedChannels(), cnf.expandedChannels(), cnf.kernel(), stride,
                    cnf.expandedChannels(), norm, activation, cnf.dilation()));
            if (cnf.useSe()) {
                long squeeze = ModelUtils.makeDivisible(Math.floorDiv(cnf.expandedChannels(), 4), 8);
                layers.append(Misc.squeezeExcitation(cnf.expandedChannels(), squeeze, Layers::relu,
                        Layers::hardsigmoid));
            }
            layers.append(conv2dNormActivation(cnf.expandedChannels(), cnf.outChannels(), 1, 1, 1, norm, null, 1));
            add("block", layers);
        }

        /** {@code result = self.block(input)}, plus the input when stride 1 keeps the width. */
        @Override
        public Shape forward(Trace t, Shape x) {
            if (quantizable && useResConnect) {
                // self.skip_add.add(x, self.block(x))
                Shape result = call(t, "block", x);
                return call(t, "skip_add", "activation_post_process", Reshape.broadcast(x, result));
            }
            Shape result = call(t, "block", x);
            return useResConnect ? Reshape.broadcast(result, x) : result;
        }

        /**
         * {@code QuantizableInvertedResidual}: adds {@code skip_add} (a FloatFunctional, called only with the
         * residual) and makes its SE a {@code QuantizableSqueezeExcitation}.
         */
        void quantizable() {
            quantizable = true;
            className("QuantizableInvertedResidual");
            add("skip_add", Layers.floatFunctional());
            for (Module layer : child("block").childrenWithEmptyPlaces().values()) {
                if (layer instanceof Misc.SqueezeExcitation se) {
                    se.quantizable();
                }
            }
        }
    }
}
