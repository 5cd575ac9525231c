package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

/**
 * transformers 4.40 {@code models/mobilenet_v2/modeling_mobilenet_v2.py} with {@code MobileNetV2Config}'s
 * defaults. Strides and dilations ({@code output_stride}) change no shape, so they are not followed here.
 */
public final class MobileNetV2 implements HfFamily {
    static final String BASE = "MobileNetV2Model";
    static final String IMAGE_CLASSIFICATION = "MobileNetV2ForImageClassification";
    static final String SEMANTIC_SEGMENTATION = "MobileNetV2ForSemanticSegmentation";
    /** Output channels of the projection layers, before the depth multiplier. */
    private static final long[] CHANNELS = {16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160, 320};

    @Override
    public String modelType() {
        return "mobilenet_v2";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, IMAGE_CLASSIFICATION, SEMANTIC_SEGMENTATION);
    }

    @Override
    public Task task(String architecture) {
        return architecture.equals(SEMANTIC_SEGMENTATION) ? Task.SEMANTIC_SEGMENTATION : Heads.visionTask(architecture);
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        switch (architecture) {
            case BASE -> {
                return model(s);
            }
            case IMAGE_CLASSIFICATION -> {
                Module model = new Module();
                model.add("mobilenet_v2", model(s));
                model.add("dropout", MobileNetV1.dropout(config.real("classifier_dropout_prob", 0.8)));
                long labels = config.numLabels();
                model.add("classifier", labels > 0 ? Layers.linear(s.outputChannels(), labels)
                        : Layers.stateless());
                return model;
            }
            case SEMANTIC_SEGMENTATION -> {
                Module model = new Module();
                model.add("mobilenet_v2", model(s));
                model.add("segmentation_head", deepLabV3Plus(s, config));
                return model;
            }
            default -> throw new IllegalStateException(architecture);
        }
    }

    /** The sizes {@code MobileNetV2Config} gives, with its defaults. */
    static final class Sizes {
        final long numChannels;
        final double depthMultiplier;
        final long depthDivisibleBy;
        final long minDepth;
        final double expandRatio;
        final boolean firstLayerIsExpansion;
        final boolean finegrainedOutput;

        Sizes(HfConfig c) {
            numChannels = c.integer("num_channels", 3);
            depthMultiplier = c.real("depth_multiplier", 1.0);
            depthDivisibleBy = c.integer("depth_divisible_by", 8);
            minDepth = c.integer("min_depth", 8);
            expandRatio = c.real("expand_ratio", 6.0);
            firstLayerIsExpansion = c.bool("first_layer_is_expansion", true);
            finegrainedOutput = c.bool("finegrained_output", true);
            if (depthMultiplier <= 0) {
                throw new ConfigException("depth_multiplier must be greater than zero.");
            }
        }

        /** {@code apply_depth_multiplier(config, channels)}. */
        long applyDepthMultiplier(long channels) {
            return makeDivisible(Dims.round(channels * depthMultiplier), depthDivisibleBy, minDepth);
        }

        /** {@code conv_1x1}'s output channels. */
        long outputChannels() {
            return finegrainedOutput && depthMultiplier < 1.0 ? 1280 : applyDepthMultiplier(1280);
        }
    }

    /**
     * {@code make_divisible(value, divisor, min_value)}: the nearest multiple of divisor, at least min_value,
     * and not more than 10% below value. ({@code round} in Python rounds half to even, as {@code Math.rint}.)
     */
    static long makeDivisible(long value, long divisor, long minValue) {
        if (divisor == 0) {
            throw new ConfigException("integer division or modulo by zero");
        }
        long newValue = Math.max(minValue,
                Dims.mul(Math.floorDiv(Dims.trunc(value + divisor / 2.0), divisor), divisor));
        if (newValue < 0.9 * value) {
            newValue = Dims.add(newValue, divisor);
        }
        return newValue;
    }

    /** {@code MobileNetV2Model}: the stem, 16 inverted residual blocks, then the 1x1 convolution. */
    private static Module model(Sizes s) {
        long[] channels = new long[CHANNELS.length];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = s.applyDepthMultiplier(CHANNELS[i]);
        }
        Module model = new Module();
        model.add("conv_stem", stem(s, s.numChannels, s.applyDepthMultiplier(32), channels[0]));
        Sequential layer = model.add("layer", new Sequential());
        for (int i = 0; i < 16; i++) {
            layer.append(invertedResidual(s, channels[i], channels[i + 1]));
        }
        model.add("conv_1x1", conv(channels[channels.length - 1], s.outputChannels(), 1, 1, false, true));
        return model;
    }

    /** {@code MobileNetV2Stem}: first_conv, expand_1x1 (None when the first layer is the expansion), ... */
    private static Module stem(Sizes s, long in, long expanded, long out) {
        Module stem = new Module();
        stem.add("first_conv", conv(in, expanded, 3, 1, false, true));
        if (!s.firstLayerIsExpansion) {
            stem.add("expand_1x1", conv(expanded, expanded, 1, 1, false, true));
        }
        stem.add("conv_3x3", conv(expanded, expanded, 3, expanded, false, true));
        stem.add("reduce_1x1", conv(expanded, out, 1, 1, false, true));
        return stem;
    }

    /** {@code MobileNetV2InvertedResidual}: expand, depthwise, reduce. */
    private static Module invertedResidual(Sizes s, long in, long out) {
        long expanded = makeDivisible(Dims.round(in * s.expandRatio), s.depthDivisibleBy, s.minDepth);
        Module block = new Module();
        block.add("expand_1x1", conv(in, expanded, 1, 1, false, true));
        block.add("conv_3x3", conv(expanded, expanded, 3, expanded, false, true));
        block.add("reduce_1x1", conv(expanded, out, 1, 1, false, true));
        return block;
    }

    /** {@code MobileNetV2DeepLabV3Plus}: pooling, ASPP and projection convolutions, then the classifier. */
    private static Module deepLabV3Plus(Sizes s, HfConfig config) {
        Module head = new Module();
        head.add("conv_pool", conv(s.applyDepthMultiplier(320), 256, 1, 1, false, true));
        head.add("conv_aspp", conv(s.applyDepthMultiplier(320), 256, 1, 1, false, true));
        head.add("conv_projection", conv(512, 256, 1, 1, false, true));
        head.add("dropout", MobileNetV1.dropout(config.real("classifier_dropout_prob", 0.8)));
        head.add("classifier", conv(256, config.numLabels(), 1, 1, true, false));
        return head;
    }

    /** {@code MobileNetV2ConvLayer}: a convolution, then its batch norm when normalized. */
    private static Module conv(long in, long out, long kernel, long groups, boolean bias, boolean normalization) {
        if (groups == 0) {
            throw new ConfigException("integer division or modulo by zero");
        }
        if (in % groups != 0) {
            throw new ConfigException("Input channels (" + in + ") are not divisible by " + groups + " groups.");
        }
        if (out % groups != 0) {
            throw new ConfigException("Output channels (" + out + ") are not divisible by " + groups + " groups.");
        }
        Module conv = new Module();
        conv.add("convolution", Layers.conv2d(in, out, kernel, groups, bias));
        if (normalization) {
            conv.add("normalization", Layers.batchNorm(out));
        }
        return conv;
    }
}
