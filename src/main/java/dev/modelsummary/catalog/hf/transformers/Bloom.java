package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Linear;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/bloom/modeling_bloom.py} with {@code BloomConfig}'s defaults and its
 * {@code attribute_map} ({@code num_hidden_layers}, {@code num_attention_heads} name {@code n_layer},
 * {@code n_head}; the old {@code n_embed} sets {@code hidden_size}). word_embeddings_layernorm after the lookup, a
 * fused query_key_value, ALiBi (built in the forward from the attention mask: no buffer, no matmul), a 4 x hidden
 * MLP with {@code BloomGelu}; lm_head tied to word_embeddings.
 */
public final class Bloom implements HfFamily {
    @Override
    public String modelType() {
        return "bloom";
    }

    @Override
    public List<String> architectures() {
        return List.of("BloomModel", "BloomForCausalLM", "BloomForSequenceClassification",
                "BloomForTokenClassification", "BloomForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case "BloomModel" -> new BloomModel(s);
            case "BloomForCausalLM" -> new BloomForCausalLM(s);
            default -> Heads.generic(architecture, "transformer", "transformer", () -> new BloomModel(s), s.hidden,
                    config.numLabels(), config.optionalInteger("pad_token_id"))
                    .orElseThrow(() -> new IllegalStateException(architecture));
        };
    }

    /** {@code BloomConfig}'s values with its defaults; an {@code attribute_map} alias wins when set. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final boolean residualPostLayerNorm;
        /** {@code pretraining_tp > 1 and slow_but_exact}: dense and dense_4h_to_h run as sliced F.linear calls. */
        final boolean slicedLinear;
        final long pretrainingTp;
        final boolean tieWordEmbeddings;
        final boolean torchscript;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 250880);
            Long nEmbed = c.optionalInteger("n_embed");
            hidden = nEmbed != null ? nEmbed : c.integer("hidden_size", 64);
            layers = c.has("num_hidden_layers") ? c.integer("num_hidden_layers", 2) : c.integer("n_layer", 2);
            heads = c.has("num_attention_heads") ? c.integer("num_attention_heads", 8) : c.integer("n_head", 8);
            residualPostLayerNorm = c.bool("apply_residual_connection_post_layernorm", false);
            pretrainingTp = c.integer("pretraining_tp", 1);
            slicedLinear = pretrainingTp > 1 && c.bool("slow_but_exact", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            torchscript = c.bool("torchscript", false);
            if (layers > 0 && heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (layers > 0 && (hidden / heads) * heads != hidden) {
                throw new ConfigException("`hidden_size` must be divisible by num_heads (got `hidden_size`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
        }
    }

    /**
     * {@code BloomModel} (eager, {@code use_cache=False}): word_embeddings, word_embeddings_layernorm, the ALiBi
     * tensor (no FLOPs), each block (iterated), ln_f; the last hidden state alone.
     */
    static final class BloomModel extends Module {
        BloomModel(Sizes s) {
            add("word_embeddings", Layers.embeddingForward(s.vocab, s.hidden));
            add("word_embeddings_layernorm", Layers.layerNormForward(s.hidden));
            Sequential h = add("h", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                h.append(new BloomBlock(s));
            }
            add("ln_f", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "word_embeddings_layernorm", call(t, "word_embeddings", inputIds));
            for (String i : child("h").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = callOutputs(t, "h", i, hiddenStates).get(0);
            }
            return call(t, "ln_f", hiddenStates);
        }
    }

    /**
     * {@code BloomBlock}: input_layernorm, self_attention (adds its residual), post_attention_layernorm, mlp
     * (adds its residual); outputs the hidden states and the attention probabilities.
     */
    static final class BloomBlock extends Module {
        BloomBlock(Sizes s) {
            add("input_layernorm", Layers.layerNormForward(s.hidden));
            add("self_attention", new BloomAttention(s));
            add("post_attention_layernorm", Layers.layerNormForward(s.hidden));
            add("mlp", new BloomMLP(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape layernormOutput = call(t, "input_layernorm", xs.get(0));
            List<Shape> attention = callOutputs(t, "self_attention", layernormOutput);
            layernormOutput = call(t, "post_attention_layernorm", attention.get(0));
            return List.of(call(t, "mlp", layernormOutput), attention.get(1));
        }
    }

    /**
     * {@code BloomAttention} (eager): query_key_value, {@code alibi.baddbmm(q, k^T)} and {@code bmm(probs, v)} over
     * {@code batch * heads}, attention_dropout on the probabilities, dense (or, with {@code pretraining_tp > 1} and
     * {@code slow_but_exact}, F.linear on its slices: the same FLOPs, no call of dense), the residual added.
     */
    static final class BloomAttention extends Module {
        private final long heads;
        private final long headDim;
        private final long hidden;
        private final boolean sliced;

        BloomAttention(Sizes s) {
            heads = s.heads;
            hidden = s.hidden;
            headDim = s.layers > 0 ? s.hidden / s.heads : 0;
            sliced = s.slicedLinear;
            add("query_key_value", Layers.linear(s.hidden, Dims.mul(3, s.hidden), true));
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("attention_dropout", Layers.dropout(0.0));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape fused = call(t, "query_key_value", xs.get(0));
            long batch = fused.dim(0);
            long seq = fused.dim(1);
            ClassicParts.eagerAttention(t, batch, heads, seq, seq, headDim);
            Shape probs = call(t, "attention_dropout", Shape.of(batch, heads, seq, seq));
            Shape context = Shape.of(batch, seq, Dims.mul(heads, headDim));
            Shape out;
            if (sliced) {
                out = Linear.output(context, hidden, hidden);
                t.flops(Linear.flops(context, hidden));
            } else {
                out = call(t, "dense", context);
            }
            return List.of(out, probs);
        }
    }

    /** {@code BloomMLP}: dense_h_to_4h, gelu_impl ({@code BloomGelu}), dense_4h_to_h, the residual added. */
    static final class BloomMLP extends Module {
        private final boolean sliced;
        private final long hidden;

        BloomMLP(Sizes s) {
            sliced = s.slicedLinear;
            hidden = s.hidden;
            add("dense_h_to_4h", Layers.linear(s.hidden, Dims.mul(4, s.hidden)));
            add("gelu_impl", Layers.activation("BloomGelu"));
            add("dense_4h_to_h", Layers.linear(Dims.mul(4, s.hidden), s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape h = call(t, "gelu_impl", call(t, "dense_h_to_4h", x));
            if (sliced) {
                Shape out = Linear.output(h, h.dim(h.rank() - 1), hidden);
                t.flops(Linear.flops(h, hidden));
                return out;
            }
            return call(t, "dense_4h_to_h", h);
        }
    }

    /** {@code BloomForCausalLM}: transformer, lm_head (no bias, tied to word_embeddings) on every position. */
    static final class BloomForCausalLM extends Module {
        BloomForCausalLM(Sizes s) {
            Module transformer = add("transformer", new BloomModel(s));
            Module lmHead = add("lm_head", Layers.linear(s.hidden, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, transformer.child("word_embeddings"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", Heads.lastHiddenState(this, t, "transformer", inputIds));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("BloomBlock");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: {@code n_head x hidden / n_head} per layer (keys and values as
     * {@code (batch, heads, seq, head_dim)}).
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, s.heads, Math.floorDiv(s.hidden, s.heads));
    }
}
