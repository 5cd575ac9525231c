package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/siglip/modeling_siglip.py}: {@code SiglipVisionModel} with
 * {@code SiglipVisionConfig}'s defaults, as Gemma 3's {@code vision_tower} ({@code AutoModel.from_config}).
 * {@code position_ids} is a non-persistent buffer; the attention-pooling {@code head} exists unless the config
 * says {@code vision_use_head: false}. Forward on {@code pixel_values} (eager attention): patch conv, flatten,
 * plus {@code position_embedding(position_ids)}; the encoder layers; {@code post_layernorm}. The head's forward
 * (a cross-attention {@code nn.MultiheadAttention} from the probe) is not written: Gemma 3's tower has none.
 */
final class Siglip {
    private Siglip() {
    }

    /** {@code SiglipVisionModel}: {@code vision_model}, a {@code SiglipVisionTransformer}. */
    static Module visionModel(HfConfig c) {
        return new VisionModel(c);
    }

    static final class VisionModel extends Module {
        VisionModel(HfConfig c) {
            className("SiglipVisionModel");
            add("vision_model", new VisionTransformer(c));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            return callOutputs(t, "vision_model", xs);
        }
    }

    static final class VisionTransformer extends Module {
        private final boolean useHead;

        VisionTransformer(HfConfig c) {
            className("SiglipVisionTransformer");
            long hidden = c.integer("hidden_size", 768);
            long intermediate = c.integer("intermediate_size", 3072);
            long layers = c.integer("num_hidden_layers", 12);
            long heads = c.integer("num_attention_heads", 12);
            String act = c.string("hidden_act", "gelu_pytorch_tanh");
            if (heads == 0 || Math.floorDiv(hidden, heads) * heads != hidden) {
                throw new ConfigException("embed_dim must be divisible by num_heads (got `embed_dim`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
            add("embeddings", new Embeddings(c, hidden));
            Module encoder = add("encoder", new Encoder());
            Sequential list = encoder.add("layers", new Sequential());
            for (long i = 0; i < layers; i++) {
                list.append(new EncoderLayer(hidden, intermediate, heads, act));
            }
            add("post_layernorm", Layers.layerNormForward(hidden));
            // use_head = True if not hasattr(config, "vision_use_head") else config.vision_use_head
            useHead = c.node("vision_use_head") == null || c.bool("vision_use_head", true);
            if (useHead) {
                Module head = add("head", new PoolingHead(hidden));
                head.add("attention", Layers.multiheadAttention(hidden));
                head.add("layernorm", Layers.layerNorm(hidden));
                head.add("mlp", new Mlp(hidden, intermediate, act));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hidden = call(t, "embeddings", xs.get(0));
            hidden = call(t, "encoder", hidden);
            hidden = call(t, "post_layernorm", hidden);
            if (useHead) {
                throw new UnsupportedOperationException("SiglipMultiheadAttentionPoolingHead has no forward pass yet");
            }
            return List.of(hidden);
        }
    }

    /** {@code SiglipVisionEmbeddings}: {@code patch_embedding} (a patch-size stride conv), {@code position_embedding}. */
    static final class Embeddings extends Module {
        private final long hidden;
        private final long numPatches;

        Embeddings(HfConfig c, long hidden) {
            className("SiglipVisionEmbeddings");
            this.hidden = hidden;
            long channels = c.integer("num_channels", 3);
            long imageSize = c.integer("image_size", 224);
            long patch = c.integer("patch_size", 16);
            if (patch == 0) {
                throw new ConfigException("integer division or modulo by zero (patch_size is 0)");
            }
            add("patch_embedding", Layers.conv2d(channels, hidden, patch, patch, 1, true).stride(patch, patch));
            long side = Math.floorDiv(imageSize, patch);
            numPatches = Dims.mul(side, side);
            add("position_embedding", Layers.embeddingForward(numPatches, hidden));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            Shape patches = call(t, "patch_embedding", pixelValues);
            Shape embeddings = Shape.of(patches.dim(0), patches.dim(2) * patches.dim(3), hidden);
            Shape positions = call(t, "position_embedding", Shape.of(1, numPatches));
            return Reshape.broadcast(embeddings, positions);
        }
    }

    /** {@code SiglipEncoder}: its layers, iterated; returns the last hidden state. */
    static final class Encoder extends Module {
        Encoder() {
            className("SiglipEncoder");
        }

        @Override
        public Shape forward(Trace t, Shape hidden) {
            for (String name : child("layers").childrenWithEmptyPlaces().keySet()) {
                hidden = call(t, "layers", name, hidden);
            }
            return hidden;
        }
    }

    /** {@code SiglipEncoderLayer}: pre-norm attention and MLP with residuals; returns the tensor. */
    static final class EncoderLayer extends Module {
        EncoderLayer(long hidden, long intermediate, long heads, String act) {
            className("SiglipEncoderLayer");
            add("layer_norm1", Layers.layerNormForward(hidden));
            add("self_attn", new Attention(hidden, heads));
            add("layer_norm2", Layers.layerNormForward(hidden));
            add("mlp", new Mlp(hidden, intermediate, act));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape h = callOutputs(t, "self_attn", call(t, "layer_norm1", x)).get(0);
            h = Reshape.broadcast(x, h);
            return Reshape.broadcast(h, call(t, "mlp", call(t, "layer_norm2", h)));
        }
    }

    /**
     * {@code SiglipAttention} (registered k, v, q, out; called q, k, v): eager attention's two matmuls count
     * here; returns the output and the weights {@code (batch, heads, seq, seq)}.
     */
    static final class Attention extends Module {
        private final long heads;
        private final long hidden;

        Attention(long hidden, long heads) {
            className("SiglipAttention");
            this.hidden = hidden;
            this.heads = heads;
            add("k_proj", Layers.linear(hidden, hidden));
            add("v_proj", Layers.linear(hidden, hidden));
            add("q_proj", Layers.linear(hidden, hidden));
            add("out_proj", Layers.linear(hidden, hidden));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            if (x.rank() != 3) {
                throw new ShapeException("not enough values to unpack (expected 3, got " + x.rank() + ")");
            }
            long b = x.dim(0);
            long n = x.dim(1);
            call(t, "q_proj", x);
            call(t, "k_proj", x);
            call(t, "v_proj", x);
            long headDim = hidden / heads;
            Shape q = Shape.of(b, heads, n, headDim);
            Shape kT = Shape.of(b, heads, headDim, n);
            Shape weights = MatMul.matmul(q, kT);
            t.flops(MatMul.matmulFlops(q, kT));
            t.flops(MatMul.matmulFlops(weights, q));
            return List.of(call(t, "out_proj", Shape.of(b, n, hidden)), weights);
        }
    }

    /** {@code SiglipMLP}: {@code activation_fn} (no tensors), {@code fc1}, {@code fc2}; called fc1, act, fc2. */
    static final class Mlp extends DecoderParts.TwoLayerMlp {
        Mlp(long hidden, long intermediate, String act) {
            super("fc1", "activation_fn", "fc2");
            className("SiglipMLP");
            add("activation_fn", Act457.act(act));
            add("fc1", Layers.linear(hidden, intermediate));
            add("fc2", Layers.linear(intermediate, hidden));
        }
    }

    /** {@code SiglipMultiheadAttentionPoolingHead}: its {@code probe (1, 1, hidden)} first. */
    private static final class PoolingHead extends Module {
        PoolingHead(long hidden) {
            className("SiglipMultiheadAttentionPoolingHead");
            parameter("probe", 1, 1, hidden);
        }
    }
}
