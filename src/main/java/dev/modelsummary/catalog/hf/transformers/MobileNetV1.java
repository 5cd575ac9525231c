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
 * transformers 4.40 {@code models/mobilenet_v1/modeling_mobilenet_v1.py} with {@code MobileNetV1Config}'s
 * defaults (depth_multiplier 1.0, min_depth 8; 2 labels, as every {@code PretrainedConfig}).
 */
public final class MobileNetV1 implements HfFamily {
    static final String BASE = "MobileNetV1Model";
    static final String IMAGE_CLASSIFICATION = "MobileNetV1ForImageClassification";
    /** The depthwise convolutions' strides; a stride of 2 (and the first layer) doubles the depth. */
    private static final int[] STRIDES = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};

    @Override
    public String modelType() {
        return "mobilenet_v1";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, IMAGE_CLASSIFICATION);
    }

    @Override
    public Task task(String architecture) {
        return Heads.visionTask(architecture);
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
            case BASE -> new MobileNetV1Model(s);
            case IMAGE_CLASSIFICATION -> new MobileNetV1ForImageClassification(s, config);
            default -> throw new IllegalStateException(architecture);
        };
    }

    @Override
    public Shape imageInput(HfConfig config, long batch) {
        return defaultInput(config, batch);
    }

    /**
     * The input a model of this config takes: {@code pixel_values} {@code (batch, num_channels, image_size,
     * image_size)} from {@code MobileNetV1Config} (defaults 3 and 224).
     */
    public static Shape defaultInput(HfConfig config, long batch) {
        return Shape.of(batch, config.integer("num_channels", 3), config.integer("image_size", 224),
                config.integer("image_size", 224));
    }

    /** The sizes {@code MobileNetV1Config} gives, with its defaults. */
    static final class Sizes {
        final long numChannels;
        final double depthMultiplier;
        final long minDepth;
        final String hiddenAct;
        final boolean tfPadding;
        /** {@code config.output_hidden_states}: the models then also return every layer's output. */
        final boolean outputHiddenStates;

        Sizes(HfConfig c) {
            numChannels = c.integer("num_channels", 3);
            depthMultiplier = c.real("depth_multiplier", 1.0);
            minDepth = c.integer("min_depth", 8);
            hiddenAct = c.string("hidden_act", "relu6");
            tfPadding = c.bool("tf_padding", true);
            outputHiddenStates = c.bool("output_hidden_states", false);
            if (depthMultiplier <= 0) {
                throw new ConfigException("depth_multiplier must be greater than zero.");
            }
        }
    }

    /**
     * {@code MobileNetV1ForImageClassification}: the model, {@code dropout} (called, in place) on the pooled
     * output, then {@code classifier} ({@code nn.Identity} for no labels).
     */
    static final class MobileNetV1ForImageClassification extends Module {
        MobileNetV1ForImageClassification(Sizes s, HfConfig config) {
            MobileNetV1Model backbone = add("mobilenet_v1", new MobileNetV1Model(s));
            Sequential layers = (Sequential) backbone.child("layer");
            long lastHiddenSize = ((MobileNetV1ConvLayer) layers.child(String.valueOf(layers.size() - 1))).out;
            add("dropout", dropout(config.real("classifier_dropout_prob", 0.999)));
            long labels = config.numLabels();
            add("classifier", labels > 0 ? Layers.linear(lastHiddenSize, labels) : Layers.activation("Identity"));
        }

        /** {@code classifier(dropout(pooler_output))}, then the hidden states when the config asks for them. */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> outputs = callOutputs(t, "mobilenet_v1", xs.get(0));
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
     * {@code MobileNetV1Model}: the stem (3x3, stride 2), then 13 pairs of depthwise 3x3 (stride from the table)
     * and pointwise 1x1 convolutions (the {@code layer} ModuleList, iterated), then {@code pooler}; outputs
     * (last_hidden_state, pooler_output flattened to (batch, C), then the 26 layers' outputs when
     * {@code output_hidden_states}).
     */
    static final class MobileNetV1Model extends Module {
        private final int layers;
        private final boolean outputHiddenStates;

        MobileNetV1Model(Sizes s) {
            outputHiddenStates = s.outputHiddenStates;
            long depth = 32;
            long out = Math.max(Dims.trunc(depth * s.depthMultiplier), s.minDepth);
            add("conv_stem", new MobileNetV1ConvLayer(s, s.numChannels, out, 3, 2, 1));
            Sequential layer = add("layer", new Sequential());
            for (int i = 0; i < STRIDES.length; i++) {
                long in = out;
                if (STRIDES[i] == 2 || i == 0) {
                    depth = Dims.mul(depth, 2);
                    out = Math.max(Dims.trunc(depth * s.depthMultiplier), s.minDepth);
                }
                layer.append(new MobileNetV1ConvLayer(s, in, in, 3, STRIDES[i], in));
                layer.append(new MobileNetV1ConvLayer(s, in, out, 1, 1, 1));
            }
            layers = 2 * STRIDES.length;
            add("pooler", Layers.adaptiveAvgPool2d(1, 1));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = call(t, "conv_stem", xs.get(0));
            List<Shape> allHiddenStates = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                hiddenStates = call(t, "layer", Integer.toString(i), hiddenStates);
                allHiddenStates.add(hiddenStates);
            }
            // torch.flatten(self.pooler(last_hidden_state), start_dim=1)
            Shape pooledOutput = Reshape.flatten(call(t, "pooler", hiddenStates), 1, -1);
            List<Shape> outputs = new ArrayList<>(List.of(hiddenStates, pooledOutput));
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

    /** {@code nn.Dropout(p)}, which refuses a probability outside [0, 1]. */
    static Module dropout(double p) {
        try {
            return Layers.dropout(p);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * {@code apply_tf_padding(features, conv_layer)}: TensorFlow's "SAME" padding for this input, as
     * {@code F.pad} (0 FLOPs, no module call) before the convolution: along each of H and W,
     * {@code max(k - s, 0)} when the size divides by the stride, else {@code max(k - size % s, 0)}, times the
     * dilation ({@code MobileNetV2}; 1 here); the last two dims grow by it.
     */
    static Shape tfPad(Shape features, long kernel, long stride, long dilation) {
        if (features.rank() < 2) {
            throw new ShapeException("not enough values to unpack (expected 2, got " + features.rank() + ")");
        }
        long[] d = features.dims().clone();
        for (int i = d.length - 2; i < d.length; i++) {
            long size = d[i];
            long pad = Math.floorMod(size, stride) == 0 ? Math.max(kernel - stride, 0)
                    : Math.max(kernel - Math.floorMod(size, stride), 0);
            long before = Math.floorDiv(pad, 2);
            d[i] = Dims.add(size, Dims.add(Dims.mul(before, dilation), Dims.mul(pad - before, dilation)));
        }
        return Shape.of(d);
    }

    /**
     * {@code MobileNetV1ConvLayer(in, out, kernel_size, stride, groups)}: a bias-free convolution (padding 0 with
     * {@code tf_padding}, which pads each input as TF would, else {@code (k - 1) / 2}), its batch norm and
     * {@code ACT2FN[hidden_act]}.
     */
    static final class MobileNetV1ConvLayer extends Module {
        final long out;
        private final boolean tfPadding;
        private final long kernel;
        private final long stride;

        MobileNetV1ConvLayer(Sizes s, long in, long out, long kernel, long stride, long groups) {
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
            this.out = out;
            this.tfPadding = s.tfPadding;
            this.kernel = kernel;
            this.stride = stride;
            add("convolution", Layers.conv2d(in, out, kernel, groups, false).stride(stride)
                    .padding(s.tfPadding ? 0 : (kernel - 1) / 2));
            add("normalization", Layers.batchNorm2d(out));
            add("activation", Bert.act(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape features) {
            if (tfPadding) {
                features = tfPad(features, kernel, stride, 1);
            }
            features = call(t, "convolution", features);
            features = call(t, "normalization", features);
            return call(t, "activation", features);
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of();
    }
}
