package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/vit/modeling_vit.py} with {@code ViTConfig}'s defaults (ViT-B/16 at 224):
 * ViTModel (pooler by default), ViTForImageClassification (no pooler, {@code classifier} on the first token),
 * ViTForMaskedImageModeling (mask token, no pooler, a 1x1 conv + PixelShuffle decoder). Its input is
 * {@code pixel_values} {@code (batch, num_channels, image_size, image_size)}; eager attention is a function, so its
 * two matmuls count in {@code ViTSelfAttention}.
 */
public final class Vit implements HfFamily {
    static final String BASE = "ViTModel";
    static final String IMAGE_CLASSIFICATION = "ViTForImageClassification";
    static final String MASKED_IMAGE_MODELING = "ViTForMaskedImageModeling";

    /**
     * Upstream defines {@code _prune_heads} for this family, which this port does not mirror: refused as not
     * supported, rather than listed unpruned.
     */
    @Override
    public void checkPrunedHeads(HfConfig config) {
        if (HfFamily.hasPrunedHeads(config)) {
            throw new ConfigException("pruned_heads is not supported for " + modelType() + " models yet (transformers "
                    + "prunes their attention heads at construction); remove it to list the unpruned model");
        }
    }

    @Override
    public String modelType() {
        return "vit";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, IMAGE_CLASSIFICATION, MASKED_IMAGE_MODELING);
    }

    @Override
    public Task task(String architecture) {
        return Heads.visionTask(architecture);
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new ViTModel(s, true, false);
            case IMAGE_CLASSIFICATION -> new ViTForImageClassification(s, config.numLabels());
            case MASKED_IMAGE_MODELING -> new ViTForMaskedImageModeling(s, config.integer("encoder_stride", 16));
            default -> throw new IllegalStateException(architecture);
        };
    }

    @Override
    public Shape imageInput(HfConfig config, long batch) {
        Sizes s = new Sizes(config);
        return Shape.of(batch, s.numChannels, s.imageHeight, s.imageWidth);
    }

    /** {@code image_size}/{@code patch_size}: an int, or a pair (height, width) as the config allows. */
    static long[] pair(HfConfig c, String key, long defaultValue) {
        JsonNode node = c.node(key);
        if (node != null && node.isArray() && node.size() == 2 && node.get(0).canConvertToLong()
                && node.get(1).canConvertToLong()) {
            return new long[] {node.get(0).longValue(), node.get(1).longValue()};
        }
        long v = c.integer(key, defaultValue);
        return new long[] {v, v};
    }

    /** The sizes {@code ViTConfig} gives. */
    static final class Sizes {
        final long hidden;
        final long layers;
        final long heads;
        final long intermediate;
        final String hiddenAct;
        final long imageHeight;
        final long imageWidth;
        final long patchHeight;
        final long patchWidth;
        final long numChannels;
        final boolean qkvBias;
        final long poolerOutputSize;
        final String poolerAct;

        Sizes(HfConfig c) {
            hidden = c.integer("hidden_size", 768);
            layers = c.integer("num_hidden_layers", 12);
            heads = c.integer("num_attention_heads", 12);
            intermediate = c.integer("intermediate_size", 3072);
            hiddenAct = c.string("hidden_act", "gelu");
            long[] image = pair(c, "image_size", 224);
            long[] patch = pair(c, "patch_size", 16);
            imageHeight = image[0];
            imageWidth = image[1];
            patchHeight = patch[0];
            patchWidth = patch[1];
            numChannels = c.integer("num_channels", 3);
            qkvBias = c.bool("qkv_bias", true);
            poolerOutputSize = c.integer("pooler_output_size", hidden);
            poolerAct = c.string("pooler_act", "tanh");
            if (heads == 0) {
                throw new ConfigException("integer modulo by zero");
            }
            if (hidden % heads != 0 && !c.keys().contains("embedding_size")) {
                throw new ConfigException("The hidden size " + hidden + " is not a multiple of the number of "
                        + "attention heads " + heads + ".");
            }
        }

        long numPatches() {
            return Dims.mul(imageWidth / patchWidth, imageHeight / patchHeight);
        }
    }

    /** {@code ViTForImageClassification}: ViTModel without pooler, {@code classifier} on {@code [:, 0, :]}. */
    static final class ViTForImageClassification extends Module {
        ViTForImageClassification(Sizes s, long labels) {
            add("vit", new ViTModel(s, false, false));
            add("classifier", labels > 0 ? Layers.linear(s.hidden, labels) : Layers.activation("Identity"));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            Shape sequenceOutput = callOutputs(t, "vit", pixelValues).get(0);
            return call(t, "classifier", Shape.of(sequenceOutput.dim(0), sequenceOutput.dim(2)));
        }
    }

    /**
     * {@code ViTForMaskedImageModeling} without {@code bool_masked_pos}: the sequence output without its first
     * token, as a (b, C, floor(sqrt(L)), same) map, through the decoder (Conv2d 1x1 to stride^2 * channels,
     * PixelShuffle(stride)).
     */
    static final class ViTForMaskedImageModeling extends Module {
        ViTForMaskedImageModeling(Sizes s, long encoderStride) {
            add("vit", new ViTModel(s, false, true));
            Sequential decoder = add("decoder", new Sequential());
            decoder.append(Layers.conv2d(s.hidden, Dims.mul(Dims.mul(encoderStride, encoderStride), s.numChannels),
                    1));
            decoder.append(Layers.stateless().forwardAs("PixelShuffle", (t, x) -> {
                long r2 = encoderStride * encoderStride;
                if (x.dim(1) % r2 != 0) {
                    throw new ShapeException("pixel_shuffle expects its input's 'channel' dimension to be divisible "
                            + "by the square of upscale_factor, but input.size(-3)=" + x.dim(1) + " is not divisible "
                            + "by " + r2);
                }
                return Shape.of(x.dim(0), x.dim(1) / r2, x.dim(2) * encoderStride, x.dim(3) * encoderStride);
            }));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            Shape sequenceOutput = callOutputs(t, "vit", pixelValues).get(0);
            long batch = sequenceOutput.dim(0);
            long length = sequenceOutput.dim(1) - 1;
            long side = (long) Math.floor(Math.sqrt((double) length));
            if (side * side != length) {
                throw new ShapeException("shape '[" + batch + ", " + sequenceOutput.dim(2) + ", " + side + ", " + side
                        + "]' is invalid for input of size " + batch * length * sequenceOutput.dim(2));
            }
            return call(t, "decoder", Shape.of(batch, sequenceOutput.dim(2), side, side));
        }
    }

    /**
     * {@code ViTModel(config, add_pooling_layer, use_mask_token)}: embeddings, encoder, layernorm, pooler; returns
     * (last_hidden_state, pooler_output when there is a pooler).
     */
    static final class ViTModel extends Module {
        ViTModel(Sizes s, boolean pooling, boolean maskToken) {
            add("embeddings", new ViTEmbeddings(s, maskToken));
            add("encoder", new ViTEncoder(s));
            add("layernorm", Layers.layerNormForward(s.hidden));
            if (pooling) {
                add("pooler", new ViTPooler(s));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape embeddingOutput = call(t, "embeddings", xs.get(0));
            Shape sequenceOutput = call(t, "layernorm", call(t, "encoder", embeddingOutput));
            List<Shape> outputs = new ArrayList<>(List.of(sequenceOutput));
            if (childrenWithEmptyPlaces().containsKey("pooler")) {
                outputs.add(call(t, "pooler", sequenceOutput));
            }
            return outputs;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forwardOutputs(t, List.of(x)).get(0);
        }
    }

    /**
     * {@code ViTEmbeddings}: {@code cls_token}, {@code mask_token} (MIM only), patch_embeddings,
     * {@code position_embeddings} (1, patches + 1, hidden), dropout. Forward: patches, the class token
     * concatenated in front, the positions added, dropout.
     */
    static final class ViTEmbeddings extends Module {
        ViTEmbeddings(Sizes s, boolean maskToken) {
            parameter("cls_token", 1, 1, s.hidden);
            if (maskToken) {
                parameter("mask_token", 1, 1, s.hidden);
            }
            add("patch_embeddings", new ViTPatchEmbeddings(s));
            parameter("position_embeddings", 1, Dims.add(s.numPatches(), 1), s.hidden);
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            Shape embeddings = call(t, "patch_embeddings", pixelValues);
            Shape withCls = Shape.of(embeddings.dim(0), Dims.add(embeddings.dim(1), 1), embeddings.dim(2));
            // embeddings + self.position_embeddings
            return call(t, "dropout", Reshape.broadcast(withCls, tensorShape("position_embeddings")));
        }

        private Shape tensorShape(String name) {
            return tensors().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().shape();
        }
    }

    /**
     * {@code ViTPatchEmbeddings}: {@code projection} Conv2d(num_channels, hidden, kernel = stride = patch).
     * Refuses another channel count or image size as upstream does; output (b, patches, hidden).
     */
    static final class ViTPatchEmbeddings extends Module {
        private final Sizes s;

        ViTPatchEmbeddings(Sizes s) {
            this.s = s;
            add("projection", Layers.conv2d(s.numChannels, s.hidden, s.patchHeight, s.patchWidth, 1, true)
                    .stride(s.patchHeight, s.patchWidth));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            if (pixelValues.rank() != 4) {
                throw new ShapeException("not enough values to unpack (expected 4, got " + pixelValues.rank() + ")");
            }
            if (pixelValues.dim(1) != s.numChannels) {
                throw new ShapeException("Make sure that the channel dimension of the pixel values match with the one "
                        + "set in the configuration. Expected " + s.numChannels + " but got " + pixelValues.dim(1)
                        + ".");
            }
            if (pixelValues.dim(2) != s.imageHeight || pixelValues.dim(3) != s.imageWidth) {
                throw new ShapeException("Input image size (" + pixelValues.dim(2) + "*" + pixelValues.dim(3)
                        + ") doesn't match model (" + s.imageHeight + "*" + s.imageWidth + ").");
            }
            Shape y = call(t, "projection", pixelValues);
            return Shape.of(y.dim(0), Dims.mul(y.dim(2), y.dim(3)), y.dim(1));
        }
    }

    /** {@code ViTEncoder}: the layers in turn (an iterated {@code nn.ModuleList}). */
    static final class ViTEncoder extends Module {
        ViTEncoder(Sizes s) {
            Sequential layer = add("layer", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layer.append(new ViTLayer(s));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            for (String i : child("layer").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "layer", i, hiddenStates);
            }
            return hiddenStates;
        }
    }

    /**
     * {@code ViTLayer} (pre-norm): layernorm_before, attention, residual, layernorm_after, intermediate, output
     * (which adds the residual).
     */
    static final class ViTLayer extends Module {
        ViTLayer(Sizes s) {
            add("attention", new ViTAttention(s));
            add("intermediate", new ViTIntermediate(s));
            add("output", new ViTOutput(s));
            add("layernorm_before", Layers.layerNormForward(s.hidden));
            add("layernorm_after", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape attentionOutput = call(t, "attention", call(t, "layernorm_before", hiddenStates));
            hiddenStates = Reshape.broadcast(attentionOutput, hiddenStates);
            Shape layerOutput = call(t, "intermediate", call(t, "layernorm_after", hiddenStates));
            return call(t, "output", List.of(layerOutput, hiddenStates));
        }
    }

    /** {@code ViTAttention}: {@code attention} (ViTSelfAttention), then {@code output} (ViTSelfOutput). */
    static final class ViTAttention extends Module {
        ViTAttention(Sizes s) {
            add("attention", new ViTSelfAttention(s));
            add("output", new ViTSelfOutput(s));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape selfAttnOutput = callOutputs(t, "attention", hiddenStates).get(0);
            return call(t, "output", List.of(selfAttnOutput, hiddenStates));
        }
    }

    /**
     * {@code ViTSelfAttention} with eager attention: key, value, query (in that call order), {@code QK^T} and
     * {@code AV} matmuls; outputs (context (b, s, all_head_size), probs (b, heads, s, s)).
     */
    static final class ViTSelfAttention extends Module {
        private final long heads;
        private final long headSize;

        ViTSelfAttention(Sizes s) {
            heads = s.heads;
            headSize = s.hidden / s.heads;
            long all = Dims.mul(heads, headSize);
            add("query", Layers.linear(s.hidden, all, s.qkvBias));
            add("key", Layers.linear(s.hidden, all, s.qkvBias));
            add("value", Layers.linear(s.hidden, all, s.qkvBias));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape key = call(t, "key", hiddenStates);
            call(t, "value", hiddenStates);
            call(t, "query", hiddenStates);
            return List.of(Vit.eagerAttention(t, key.dim(0), heads, key.dim(1), key.dim(1), headSize),
                    Shape.of(key.dim(0), heads, key.dim(1), key.dim(1)));
        }
    }

    /**
     * {@code eager_attention_forward} on (b, heads, q_len, head_dim) queries and (b, heads, k_len, head_dim)
     * keys/values: {@code QK^T} and {@code AV} counted in the calling module; returns the context reshaped to
     * (b, q_len, heads * head_dim).
     */
    static Shape eagerAttention(Trace t, long batch, long heads, long queryLength, long keyLength, long headDim) {
        Shape query = Shape.of(batch, heads, queryLength, headDim);
        Shape keyT = Shape.of(batch, heads, headDim, keyLength);
        Shape weights = MatMul.matmul(query, keyT);
        t.flops(MatMul.matmulFlops(query, keyT));
        Shape value = Shape.of(batch, heads, keyLength, headDim);
        MatMul.matmul(weights, value);
        t.flops(MatMul.matmulFlops(weights, value));
        return Shape.of(batch, queryLength, Dims.mul(heads, headDim));
    }

    /** {@code ViTSelfOutput}: dense, dropout (the residual is added in ViTLayer). */
    static final class ViTSelfOutput extends Module {
        ViTSelfOutput(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            return call(t, "dropout", call(t, "dense", xs.get(0)));
        }
    }

    /** {@code ViTIntermediate}: dense, {@code ACT2FN[hidden_act]}. */
    static final class ViTIntermediate extends Module {
        ViTIntermediate(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.intermediate));
            add("intermediate_act_fn", Bert.act(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            return call(t, "intermediate_act_fn", call(t, "dense", hiddenStates));
        }
    }

    /** {@code ViTOutput(hidden_states, input_tensor)}: dense, dropout, plus the residual. */
    static final class ViTOutput extends Module {
        ViTOutput(Sizes s) {
            add("dense", Layers.linear(s.intermediate, s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape hiddenStates = call(t, "dropout", call(t, "dense", xs.get(0)));
            return Reshape.broadcast(hiddenStates, xs.get(1));
        }
    }

    /** {@code ViTPooler}: the first token through dense (to pooler_output_size) and {@code ACT2FN[pooler_act]}. */
    static final class ViTPooler extends Module {
        ViTPooler(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.poolerOutputSize));
            add("activation", Bert.act(s.poolerAct));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            return call(t, "activation", call(t, "dense", Shape.of(hiddenStates.dim(0), hiddenStates.dim(2))));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("ViTEmbeddings", "ViTLayer");
    }
}
