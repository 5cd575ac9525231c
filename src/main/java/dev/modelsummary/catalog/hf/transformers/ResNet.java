package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
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
 * transformers 4.40 {@code models/resnet/modeling_resnet.py} with {@code ResNetConfig}'s defaults (ResNet-50).
 * Every {@code nn.BatchNorm2d} keeps its running statistics and {@code num_batches_tracked} as buffers.
 */
public final class ResNet implements HfFamily {
    static final String BASE = "ResNetModel";
    static final String IMAGE_CLASSIFICATION = "ResNetForImageClassification";
    static final String BACKBONE = "ResNetBackbone";

    @Override
    public String modelType() {
        return "resnet";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, IMAGE_CLASSIFICATION, BACKBONE);
    }

    @Override
    public Task task(String architecture) {
        return Heads.visionTask(architecture);
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new ResNetModel(s);
            case IMAGE_CLASSIFICATION -> new ResNetForImageClassification(s, config.numLabels());
            case BACKBONE -> new ResNetBackbone(s);
            default -> throw new IllegalStateException(architecture);
        };
    }

    @Override
    public Shape imageInput(HfConfig config, long batch) {
        return defaultInput(config, batch);
    }

    /**
     * The input a model of this config takes: {@code pixel_values} {@code (batch, num_channels, 224, 224)}
     * ({@code ResNetConfig} has no {@code image_size}; 224 is the size its image processor crops to).
     */
    public static Shape defaultInput(HfConfig config, long batch) {
        return Shape.of(batch, new Sizes(config).numChannels, 224, 224);
    }

    /** {@code ResNetForImageClassification}: the model, then {@code classifier} on the pooled output. */
    static final class ResNetForImageClassification extends Module {
        ResNetForImageClassification(Sizes s, long labels) {
            add("resnet", new ResNetModel(s));
            // nn.Sequential(nn.Flatten(), nn.Linear(hidden_sizes[-1], num_labels) or nn.Identity())
            Sequential classifier = add("classifier", new Sequential());
            classifier.append(Layers.flatten(1));
            classifier.append(labels > 0
                    ? Layers.linear(s.hiddenSizes.get(s.hiddenSizes.size() - 1), labels)
                    : Layers.activation("Identity"));
        }

        /**
         * {@code logits = classifier(outputs.pooler_output)}; labels None: the output is the logits (and the
         * hidden states when the config asks for them).
         */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> outputs = callOutputs(t, "resnet", xs.get(0));
            List<Shape> result = new ArrayList<>();
            result.add(call(t, "classifier", outputs.get(1)));
            result.addAll(outputs.subList(2, outputs.size()));
            return result;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /**
     * {@code ResNetBackbone} (a {@code BackboneMixin}): embedder and encoder, no pooler. Forward: the embedder,
     * the encoder with {@code output_hidden_states=True} (so its call returns the last hidden state and every
     * stage's input and the last output), then the feature maps: {@code hidden_states[idx]} for each stage name
     * ({@code stem}, {@code stage1} ...) in {@code out_features}; the output is those maps, then the hidden
     * states when the config asks for them.
     */
    static final class ResNetBackbone extends Module {
        private final List<Integer> outIndices;
        private final boolean outputHiddenStates;

        ResNetBackbone(Sizes s) {
            outIndices = s.outIndices;
            outputHiddenStates = s.outputHiddenStates;
            add("embedder", new ResNetEmbeddings(s));
            add("encoder", new ResNetEncoder(s, true));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape embeddingOutput = call(t, "embedder", xs.get(0));
            List<Shape> encoderOutputs = callOutputs(t, "encoder", embeddingOutput);
            List<Shape> hiddenStates = encoderOutputs.subList(1, encoderOutputs.size());
            List<Shape> outputs = new ArrayList<>();
            for (int idx : outIndices) {
                if (idx >= hiddenStates.size()) {
                    throw new ShapeException("tuple index out of range");
                }
                outputs.add(hiddenStates.get(idx));
            }
            if (outputHiddenStates) {
                outputs.addAll(hiddenStates);
            }
            return outputs;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /**
     * {@code ResNetModel}: embedder, encoder, pooler; outputs (last_hidden_state, pooler_output, then the
     * encoder's hidden states when {@code output_hidden_states}).
     */
    static final class ResNetModel extends Module {
        ResNetModel(Sizes s) {
            add("embedder", new ResNetEmbeddings(s));
            add("encoder", new ResNetEncoder(s));
            add("pooler", Layers.adaptiveAvgPool2d(1, 1));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape embeddingOutput = call(t, "embedder", xs.get(0));
            List<Shape> encoderOutputs = callOutputs(t, "encoder", embeddingOutput);
            Shape lastHiddenState = encoderOutputs.get(0);
            Shape pooledOutput = call(t, "pooler", lastHiddenState);
            List<Shape> outputs = new ArrayList<>(List.of(lastHiddenState, pooledOutput));
            outputs.addAll(encoderOutputs.subList(1, encoderOutputs.size()));
            return outputs;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /** {@code ResNetEmbeddings}: the channel check, the 7x7/2 conv layer, {@code MaxPool2d(3, 2, 1)}. */
    static final class ResNetEmbeddings extends Module {
        private final long numChannels;

        ResNetEmbeddings(Sizes s) {
            numChannels = s.numChannels;
            add("embedder", new ResNetConvLayer(s.numChannels, s.embeddingSize, 7, 2, s.hiddenAct));
            add("pooler", Layers.maxPool2d(3, 2, 1));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            if (pixelValues.rank() < 2) {
                throw new ShapeException("tuple index out of range");
            }
            if (pixelValues.dim(1) != numChannels) {
                throw new ShapeException("Make sure that the channel dimension of the pixel values match with the "
                        + "one set in the configuration.");
            }
            Shape embedding = call(t, "embedder", pixelValues);
            return call(t, "pooler", embedding);
        }
    }

    /**
     * {@code ResNetEncoder}: the stages (an iterated {@code nn.ModuleList}), one after the other; outputs
     * (last_hidden_state, then with {@code output_hidden_states} the input and every stage's output).
     */
    static final class ResNetEncoder extends Module {
        private final int stages;
        private final boolean outputHiddenStates;

        ResNetEncoder(Sizes s) {
            this(s, s.outputHiddenStates);
        }

        /** @param outputHiddenStates the call's {@code output_hidden_states} (the backbone's is always True) */
        ResNetEncoder(Sizes s, boolean outputHiddenStates) {
            Sequential list = add("stages", new Sequential());
            // downsample_in_first_stage: the first layer's stride, which decides whether it needs a shortcut
            list.append(new ResNetStage(s, s.embeddingSize, s.hiddenSizes.get(0), s.downsampleInFirstStage ? 2 : 1,
                    s.depths.get(0)));
            int pairs = Math.min(s.hiddenSizes.size() - 1, s.depths.size() - 1);
            for (int i = 0; i < pairs; i++) {
                list.append(new ResNetStage(s, s.hiddenSizes.get(i), s.hiddenSizes.get(i + 1), 2,
                        s.depths.get(i + 1)));
            }
            stages = pairs + 1;
            this.outputHiddenStates = outputHiddenStates;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            List<Shape> hiddenStates = new ArrayList<>();
            for (int i = 0; i < stages; i++) {
                hiddenStates.add(x);
                x = call(t, "stages", Integer.toString(i), x);
            }
            hiddenStates.add(x);
            List<Shape> outputs = new ArrayList<>(List.of(x));
            if (outputHiddenStates) {
                outputs.addAll(hiddenStates);
            }
            return outputs;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /**
     * {@code ResNetStage}: the first layer maps in to out (with the stride), depth - 1 more out to out; forward
     * iterates {@code self.layers} (the Sequential itself is never called).
     */
    static final class ResNetStage extends Module {
        private final long depth;

        ResNetStage(Sizes s, long in, long out, long stride, long depth) {
            Sequential layers = add("layers", new Sequential());
            layers.append(layer(s, in, out, stride));
            for (long i = 0; i < depth - 1; i++) {
                layers.append(layer(s, out, out, 1));
            }
            this.depth = Math.max(depth, 1);
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            for (long i = 0; i < depth; i++) {
                x = call(t, "layers", Long.toString(i), x);
            }
            return x;
        }
    }

    /** {@code ResNetBottleNeckLayer} or {@code ResNetBasicLayer}. */
    private static Module layer(Sizes s, long in, long out, long stride) {
        return s.bottleneck ? new ResNetBottleNeckLayer(s, in, out, stride) : new ResNetBasicLayer(s, in, out, stride);
    }

    /**
     * A residual layer: shortcut (a {@code ResNetShortCut} when channels or stride change, else an
     * {@code nn.Identity}), the {@code layer} Sequential, then {@code layer(x) + shortcut(x)} and the activation.
     */
    abstract static class ResidualLayer extends Module {
        ResidualLayer(long in, long out, long stride) {
            if (in != out || stride != 1) {
                add("shortcut", new ResNetShortCut(in, out, stride));
            } else {
                add("shortcut", Layers.activation("Identity"));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenState) {
            Shape residual = hiddenState;
            hiddenState = call(t, "layer", hiddenState);
            residual = call(t, "shortcut", residual);
            hiddenState = inPlaceAdd(hiddenState, residual); // hidden_state += residual
            return call(t, "activation", hiddenState);
        }
    }

    /** {@code a += b}: b broadcasts to a's shape, which stays. */
    static Shape inPlaceAdd(Shape a, Shape b) {
        Shape sum = Reshape.broadcast(a, b);
        if (!sum.equals(a)) {
            throw new ShapeException("output with shape " + a + " doesn't match the broadcast shape " + sum);
        }
        return a;
    }

    /** {@code ResNetBottleNeckLayer}: 1x1 to out // 4, 3x3 with the stride, 1x1 to out without activation. */
    static final class ResNetBottleNeckLayer extends ResidualLayer {
        ResNetBottleNeckLayer(Sizes s, long in, long out, long stride) {
            super(in, out, stride);
            long reduced = Math.floorDiv(out, 4);
            Sequential convs = add("layer", new Sequential());
            convs.append(new ResNetConvLayer(in, reduced, 1, 1, "relu"));
            convs.append(new ResNetConvLayer(reduced, reduced, 3, stride, "relu"));
            convs.append(new ResNetConvLayer(reduced, out, 1, 1, null));
            add("activation", Bert.act(s.hiddenAct));
        }
    }

    /** {@code ResNetBasicLayer}: 3x3 with the stride, 3x3 without activation. */
    static final class ResNetBasicLayer extends ResidualLayer {
        ResNetBasicLayer(Sizes s, long in, long out, long stride) {
            super(in, out, stride);
            Sequential convs = add("layer", new Sequential());
            convs.append(new ResNetConvLayer(in, out, 3, stride, "relu"));
            convs.append(new ResNetConvLayer(out, out, 3, 1, null));
            add("activation", Bert.act(s.hiddenAct));
        }
    }

    /** {@code ResNetShortCut}: a 1x1 bias-free convolution with the stride and its batch norm. */
    static final class ResNetShortCut extends Module {
        ResNetShortCut(long in, long out, long stride) {
            add("convolution", Layers.conv2d(in, out, 1, 1, false).stride(stride));
            add("normalization", Layers.batchNorm2d(out));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            x = call(t, "convolution", x);
            return call(t, "normalization", x);
        }
    }

    /**
     * {@code ResNetConvLayer(in, out, kernel_size, stride, activation)}: a bias-free convolution with padding
     * {@code kernel_size // 2}, its batch norm, then {@code ACT2FN[activation]} or {@code nn.Identity} for None.
     */
    static final class ResNetConvLayer extends Module {
        ResNetConvLayer(long in, long out, long kernel, long stride, String activation) {
            add("convolution", Layers.conv2d(in, out, kernel, 1, false).stride(stride).padding(kernel / 2));
            add("normalization", Layers.batchNorm2d(out));
            add("activation", activation != null ? Bert.act(activation) : Layers.activation("Identity"));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            x = call(t, "convolution", x);
            x = call(t, "normalization", x);
            return call(t, "activation", x);
        }
    }

    /** The sizes {@code ResNetConfig} gives, with its defaults and its check of {@code layer_type}. */
    static final class Sizes {
        final long numChannels;
        final long embeddingSize;
        final List<Long> hiddenSizes;
        final List<Long> depths;
        final boolean bottleneck;
        final boolean downsampleInFirstStage;
        final String hiddenAct;
        /** {@code config.output_hidden_states}: the models then also return every stage's input and output. */
        final boolean outputHiddenStates;
        /** {@code stem}, {@code stage1} ... one per depth: {@code ResNetConfig.stage_names}. */
        final List<String> stageNames = new ArrayList<>();
        /** The aligned {@code out_indices} ({@code out_features}' places in the stage names). */
        final List<Integer> outIndices;

        Sizes(HfConfig c) {
            numChannels = c.integer("num_channels", 3);
            embeddingSize = c.integer("embedding_size", 64);
            hiddenSizes = integers(c, "hidden_sizes", List.of(256L, 512L, 1024L, 2048L));
            depths = integers(c, "depths", List.of(3L, 4L, 6L, 3L));
            String layerType = c.string("layer_type", "bottleneck");
            if (!layerType.equals("basic") && !layerType.equals("bottleneck")) {
                throw new ConfigException("layer_type=" + layerType + " is not one of basic,bottleneck");
            }
            bottleneck = layerType.equals("bottleneck");
            downsampleInFirstStage = c.bool("downsample_in_first_stage", false);
            hiddenAct = c.string("hidden_act", "relu");
            outputHiddenStates = c.bool("output_hidden_states", false);
            if (hiddenSizes.isEmpty() || depths.isEmpty()) {
                // ResNetEncoder indexes hidden_sizes[0] and depths[0]
                throw new ConfigException("list index out of range");
            }
            stageNames.add("stem");
            for (int i = 1; i <= depths.size(); i++) {
                stageNames.add("stage" + i);
            }
            outIndices = BackboneOutputs.aligned(c, stageNames);
        }
    }

    /** A list of integers ({@code hidden_sizes}, {@code depths}); missing or null gives the default. */
    static List<Long> integers(HfConfig c, String key, List<Long> defaultValue) {
        JsonNode node = c.node(key);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        List<Long> values = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (item.isIntegralNumber() && item.canConvertToLong()) {
                    values.add(item.longValue());
                    continue;
                }
                values = null;
                break;
            }
        } else {
            values = null;
        }
        if (values == null) {
            throw new ConfigException("Config key '" + key + "' must be a list of integers; got " + node + ".");
        }
        return values;
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("ResNetConvLayer", "ResNetShortCut");
    }
}
