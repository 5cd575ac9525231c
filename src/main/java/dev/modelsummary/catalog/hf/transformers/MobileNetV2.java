package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
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


    /** Its base model's {@code _prune_heads} raises NotImplementedError (no message). */
    @Override
    public void checkPrunedHeads(HfConfig config) {
        if (HfFamily.hasPrunedHeads(config)) {
            throw new ConfigException("NotImplementedError (pruned_heads: " + modelType()
                    + " models cannot prune heads)");
        }
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new MobileNetV2Model(s, true);
            case IMAGE_CLASSIFICATION -> new MobileNetV2ForImageClassification(s, config);
            case SEMANTIC_SEGMENTATION -> new MobileNetV2ForSemanticSegmentation(s, config);
            default -> throw new IllegalStateException(architecture);
        };
    }

    @Override
    public Shape imageInput(HfConfig config, long batch) {
        return defaultInput(config, batch);
    }

    /**
     * The input a model of this config takes: {@code pixel_values} {@code (batch, num_channels, image_size,
     * image_size)} from {@code MobileNetV2Config} (defaults 3 and 224).
     */
    public static Shape defaultInput(HfConfig config, long batch) {
        return MobileNetV1.defaultInput(config, batch);
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
        final long outputStride;
        final String hiddenAct;
        final boolean tfPadding;
        /** {@code config.output_hidden_states}: the models then also return every layer's output. */
        final boolean outputHiddenStates;

        Sizes(HfConfig c) {
            numChannels = c.integer("num_channels", 3);
            depthMultiplier = c.real("depth_multiplier", 1.0);
            depthDivisibleBy = c.integer("depth_divisible_by", 8);
            minDepth = c.integer("min_depth", 8);
            expandRatio = c.real("expand_ratio", 6.0);
            firstLayerIsExpansion = c.bool("first_layer_is_expansion", true);
            finegrainedOutput = c.bool("finegrained_output", true);
            outputStride = c.integer("output_stride", 32);
            hiddenAct = c.string("hidden_act", "relu6");
            tfPadding = c.bool("tf_padding", true);
            outputHiddenStates = c.bool("output_hidden_states", false);
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

    /** Strides of the depthwise layers. */
    private static final long[] STRIDES = {2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1};

    /**
     * {@code MobileNetV2ForImageClassification}: the model, {@code dropout} (in place) on the pooled output, then
     * {@code classifier} ({@code nn.Identity} for no labels).
     */
    static final class MobileNetV2ForImageClassification extends Module {
        MobileNetV2ForImageClassification(Sizes s, HfConfig config) {
            add("mobilenet_v2", new MobileNetV2Model(s, true));
            add("dropout", MobileNetV1.dropout(config.real("classifier_dropout_prob", 0.8)));
            long labels = config.numLabels();
            add("classifier", labels > 0 ? Layers.linear(s.outputChannels(), labels) : Layers.activation("Identity"));
        }

        /** {@code classifier(dropout(pooler_output))}, then the hidden states when the config asks for them. */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> outputs = callOutputs(t, "mobilenet_v2", xs.get(0));
            List<Shape> result = new ArrayList<>();
            result.add(call(t, "classifier", call(t, "dropout", outputs.get(1))));
            result.addAll(outputs.subList(2, outputs.size()));
            return result;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /**
     * {@code MobileNetV2ForSemanticSegmentation}: the model without pooler, called with
     * {@code output_hidden_states=True} (its output: last_hidden_state, then the 16 layers' hidden states), and
     * the DeepLabV3+ head on the last hidden state (layer 15's output, not conv_1x1's, which still runs). With
     * labels None no interpolation runs: the logits are {@code (batch, num_labels, H / s, W / s)}, s the
     * {@code output_stride} reached.
     */
    static final class MobileNetV2ForSemanticSegmentation extends Module {
        private final boolean outputHiddenStates;

        MobileNetV2ForSemanticSegmentation(Sizes s, HfConfig config) {
            outputHiddenStates = s.outputHiddenStates;
            add("mobilenet_v2", new MobileNetV2Model(s, false));
            add("segmentation_head", new MobileNetV2DeepLabV3Plus(s, config));
        }

        /** The logits, then the 16 hidden states when the config asks for them. */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            MobileNetV2Model model = (MobileNetV2Model) child("mobilenet_v2");
            boolean asked = model.outputHiddenStates;
            model.outputHiddenStates = true; // output_hidden_states=True: we need the intermediate hidden states
            List<Shape> outputs;
            try {
                outputs = callOutputs(t, "mobilenet_v2", xs.get(0));
            } finally {
                model.outputHiddenStates = asked;
            }
            List<Shape> result = new ArrayList<>();
            result.add(call(t, "segmentation_head", outputs.get(outputs.size() - 1)));
            if (outputHiddenStates) {
                result.addAll(outputs.subList(1, outputs.size()));
            }
            return result;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /**
     * {@code MobileNetV2Model(config, add_pooling_layer)}: the stem, 16 inverted residual blocks (the
     * {@code layer} ModuleList, iterated), the 1x1 convolution, then {@code pooler}; outputs (last_hidden_state,
     * pooler_output flattened to (batch, C) when pooling, the 16 layers' outputs when {@code output_hidden_states}).
     * Past {@code output_stride} the
     * depthwise layers keep stride 1 and dilate instead.
     */
    static final class MobileNetV2Model extends Module {
        boolean outputHiddenStates;
        private final boolean pooling;

        MobileNetV2Model(Sizes s, boolean addPoolingLayer) {
            outputHiddenStates = s.outputHiddenStates;
            long[] channels = new long[CHANNELS.length];
            for (int i = 0; i < channels.length; i++) {
                channels[i] = s.applyDepthMultiplier(CHANNELS[i]);
            }
            add("conv_stem", new MobileNetV2Stem(s, s.numChannels, s.applyDepthMultiplier(32), channels[0]));
            long currentStride = 2; // first conv layer has stride 2
            long dilation = 1;
            Sequential layer = add("layer", new Sequential());
            for (int i = 0; i < 16; i++) {
                long layerStride;
                long layerDilation;
                if (currentStride == s.outputStride) {
                    layerStride = 1;
                    layerDilation = dilation;
                    dilation = Dims.mul(dilation, STRIDES[i]); // larger dilation starts in next block
                } else {
                    layerStride = STRIDES[i];
                    layerDilation = 1;
                    currentStride = Dims.mul(currentStride, layerStride);
                }
                layer.append(new MobileNetV2InvertedResidual(s, channels[i], channels[i + 1], layerStride,
                        layerDilation));
            }
            add("conv_1x1", new MobileNetV2ConvLayer(s, channels[channels.length - 1], s.outputChannels(), 1, 1, 1,
                    false, 1, true, s.hiddenAct));
            pooling = addPoolingLayer;
            if (addPoolingLayer) {
                add("pooler", Layers.adaptiveAvgPool2d(1, 1));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = call(t, "conv_stem", xs.get(0));
            List<Shape> allHiddenStates = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                hiddenStates = call(t, "layer", Integer.toString(i), hiddenStates);
                allHiddenStates.add(hiddenStates);
            }
            Shape lastHiddenState = call(t, "conv_1x1", hiddenStates);
            List<Shape> outputs = new ArrayList<>();
            outputs.add(lastHiddenState);
            if (pooling) {
                // torch.flatten(self.pooler(last_hidden_state), start_dim=1)
                outputs.add(Reshape.flatten(call(t, "pooler", lastHiddenState), 1, -1));
            }
            if (outputHiddenStates) {
                outputs.addAll(allHiddenStates);
            }
            return outputs;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /**
     * {@code MobileNetV2Stem}: first_conv (3x3, stride 2), expand_1x1 (None when the first layer is the
     * expansion), the depthwise conv_3x3 and reduce_1x1 (no activation).
     */
    static final class MobileNetV2Stem extends Module {
        MobileNetV2Stem(Sizes s, long in, long expanded, long out) {
            add("first_conv", new MobileNetV2ConvLayer(s, in, expanded, 3, 2, 1, false, 1, true, s.hiddenAct));
            if (!s.firstLayerIsExpansion) {
                add("expand_1x1", new MobileNetV2ConvLayer(s, expanded, expanded, 1, 1, 1, false, 1, true,
                        s.hiddenAct));
            }
            add("conv_3x3", new MobileNetV2ConvLayer(s, expanded, expanded, 3, 1, expanded, false, 1, true,
                    s.hiddenAct));
            add("reduce_1x1", new MobileNetV2ConvLayer(s, expanded, out, 1, 1, 1, false, 1, true, null));
        }

        @Override
        public Shape forward(Trace t, Shape features) {
            features = call(t, "first_conv", features);
            if (childrenWithEmptyPlaces().get("expand_1x1") != null) {
                features = call(t, "expand_1x1", features);
            }
            features = call(t, "conv_3x3", features);
            return call(t, "reduce_1x1", features);
        }
    }

    /**
     * {@code MobileNetV2InvertedResidual(in, out, stride, dilation)}: expand, depthwise (stride, dilation),
     * reduce (no activation); {@code residual + features} when stride 1 and in == out.
     */
    static final class MobileNetV2InvertedResidual extends Module {
        private final boolean useResidual;

        MobileNetV2InvertedResidual(Sizes s, long in, long out, long stride, long dilation) {
            long expanded = makeDivisible(Dims.round(in * s.expandRatio), s.depthDivisibleBy, s.minDepth);
            useResidual = stride == 1 && in == out;
            add("expand_1x1", new MobileNetV2ConvLayer(s, in, expanded, 1, 1, 1, false, 1, true, s.hiddenAct));
            add("conv_3x3", new MobileNetV2ConvLayer(s, expanded, expanded, 3, stride, expanded, false, dilation,
                    true, s.hiddenAct));
            add("reduce_1x1", new MobileNetV2ConvLayer(s, expanded, out, 1, 1, 1, false, 1, true, null));
        }

        @Override
        public Shape forward(Trace t, Shape features) {
            Shape residual = features;
            features = call(t, "expand_1x1", features);
            features = call(t, "conv_3x3", features);
            features = call(t, "reduce_1x1", features);
            return useResidual ? Reshape.broadcast(residual, features) : features;
        }
    }

    /**
     * {@code MobileNetV2DeepLabV3Plus}: the image pooling branch (avg_pool to 1x1, conv_pool, functional bilinear
     * interpolate back to the input's H and W: 0 FLOPs, no call), the 1x1 ASPP branch, their concatenation,
     * conv_projection, {@code Dropout2d}, the classifier conv (bias, no norm, no activation).
     */
    static final class MobileNetV2DeepLabV3Plus extends Module {
        MobileNetV2DeepLabV3Plus(Sizes s, HfConfig config) {
            add("avg_pool", Layers.adaptiveAvgPool2d(1, 1));
            add("conv_pool", new MobileNetV2ConvLayer(s, s.applyDepthMultiplier(320), 256, 1, 1, 1, false, 1, true,
                    "relu"));
            add("conv_aspp", new MobileNetV2ConvLayer(s, s.applyDepthMultiplier(320), 256, 1, 1, 1, false, 1, true,
                    "relu"));
            add("conv_projection", new MobileNetV2ConvLayer(s, 512, 256, 1, 1, 1, false, 1, true, "relu"));
            add("dropout", MobileNetV1.dropout(config.real("classifier_dropout_prob", 0.8))
                    .forwardAs("Dropout2d", (t, x) -> x));
            add("classifier", new MobileNetV2ConvLayer(s, 256, config.numLabels(), 1, 1, 1, true, 1, false, null));
        }

        @Override
        public Shape forward(Trace t, Shape features) {
            if (features.rank() < 2) {
                throw new ShapeException("too many indices for tensor of dimension " + features.rank());
            }
            long[] d = features.dims();
            Shape featuresPool = call(t, "avg_pool", features);
            featuresPool = call(t, "conv_pool", featuresPool);
            // nn.functional.interpolate(features_pool, size=spatial_size, mode="bilinear", align_corners=True)
            long[] p = featuresPool.dims().clone();
            p[p.length - 2] = d[d.length - 2];
            p[p.length - 1] = d[d.length - 1];
            featuresPool = Shape.of(p);
            Shape featuresAspp = call(t, "conv_aspp", features);
            features = Reshape.cat(List.of(featuresPool, featuresAspp), 1);
            features = call(t, "conv_projection", features);
            features = call(t, "dropout", features);
            return call(t, "classifier", features);
        }
    }

    /**
     * {@code MobileNetV2ConvLayer(in, out, kernel_size, stride, groups, bias, dilation, use_normalization,
     * use_activation)}: the convolution (padding 0 with {@code tf_padding}, which pads each input as TF would, the
     * pad times the dilation; else {@code (k - 1) / 2 * dilation}), the batch norm when normalized, then
     * {@code ACT2FN[activation]} ({@code activation} null: none).
     */
    static final class MobileNetV2ConvLayer extends Module {
        private final boolean tfPadding;
        private final long kernel;
        private final long stride;
        private final long dilation;

        MobileNetV2ConvLayer(Sizes s, long in, long out, long kernel, long stride, long groups, boolean bias,
                             long dilation, boolean normalization, String activation) {
            if (groups == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (in % groups != 0) {
                throw new ConfigException("Input channels (" + in + ") are not divisible by " + groups + " groups.");
            }
            if (out % groups != 0) {
                throw new ConfigException("Output channels (" + out + ") are not divisible by " + groups
                        + " groups.");
            }
            this.tfPadding = s.tfPadding;
            this.kernel = kernel;
            this.stride = stride;
            this.dilation = dilation;
            add("convolution", Layers.conv2d(in, out, kernel, groups, bias).stride(stride).dilation(dilation)
                    .padding(s.tfPadding ? 0 : (kernel - 1) / 2 * dilation));
            if (normalization) {
                add("normalization", Layers.batchNorm2d(out));
            }
            if (activation != null) {
                add("activation", Bert.act(activation));
            }
        }

        @Override
        public Shape forward(Trace t, Shape features) {
            if (tfPadding) {
                features = MobileNetV1.tfPad(features, kernel, stride, dilation);
            }
            features = call(t, "convolution", features);
            if (childrenWithEmptyPlaces().get("normalization") != null) {
                features = call(t, "normalization", features);
            }
            if (childrenWithEmptyPlaces().get("activation") != null) {
                features = call(t, "activation", features);
            }
            return features;
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of();
    }
}
