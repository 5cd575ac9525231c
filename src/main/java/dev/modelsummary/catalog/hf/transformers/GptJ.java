package dev.modelsummary.catalog.hf.transformers;

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
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/gptj/modeling_gptj.py} with {@code GPTJConfig}'s defaults and its
 * {@code attribute_map} ({@code hidden_size}, {@code num_attention_heads}, {@code num_hidden_layers},
 * {@code max_position_embeddings} name {@code n_embd}, {@code n_head}, {@code n_layer}, {@code n_positions}). One
 * LayerNorm per block feeds attention and MLP in parallel; q/k/v/out_proj have no bias; the rotary table
 * ({@code embed_positions}, {@code rotary_dim} wide) is a plain attribute, not a buffer; lm_head has a bias and is
 * untied ({@code tie_word_embeddings} defaults to False).
 */
public final class GptJ implements HfFamily {
    @Override
    public String modelType() {
        return "gptj";
    }

    @Override
    public List<String> architectures() {
        return List.of("GPTJModel", "GPTJForCausalLM", "GPTJForSequenceClassification", "GPTJForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case "GPTJModel" -> new GPTJModel(s);
            case "GPTJForCausalLM" -> new GPTJForCausalLM(s);
            case "GPTJForSequenceClassification" -> new Heads.SequenceClassification(architecture, "transformer",
                    new GPTJModel(s), s.hidden, config.numLabels(), config.optionalInteger("pad_token_id"));
            case "GPTJForQuestionAnswering" -> new GPTJForQuestionAnswering(s, config.numLabels());
            default -> throw new IllegalStateException(architecture);
        };
    }

    /** {@code GPTJConfig}'s values with its defaults; an {@code attribute_map} alias wins when set. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long positions;
        final long inner;
        final String activation;
        final boolean tieWordEmbeddings;
        final boolean torchscript;
        /** {@code rotary_dim}: None rotates the whole head with a table {@code n_embd} wide. */
        final Long rotaryDim;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 50400);
            rotaryDim = c.node("rotary_dim") != null ? c.optionalInteger("rotary_dim") : Long.valueOf(64);
            hidden = aliased(c, "hidden_size", "n_embd", 4096);
            layers = aliased(c, "num_hidden_layers", "n_layer", 28);
            heads = aliased(c, "num_attention_heads", "n_head", 16);
            positions = aliased(c, "max_position_embeddings", "n_positions", 2048);
            Long nInner = c.optionalInteger("n_inner");
            inner = nInner != null ? nInner : Dims.mul(4, hidden);
            activation = c.string("activation_function", "gelu_new");
            tieWordEmbeddings = c.bool("tie_word_embeddings", false);
            torchscript = c.bool("torchscript", false);
            if (layers > 0 && heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (layers > 0 && (hidden / heads) * heads != hidden) {
                throw new ConfigException("embed_dim must be divisible by num_attention_heads (got `embed_dim`: "
                        + hidden + " and `num_attention_heads`: " + heads + ").");
            }
        }

        private static long aliased(HfConfig c, String alias, String attribute, long defaultValue) {
            return c.has(alias) ? c.integer(alias, defaultValue) : c.integer(attribute, defaultValue);
        }
    }

    /**
     * {@code GPTJModel} (eager, {@code use_cache=False}): wte, drop, each block (iterated) with position ids
     * {@code (1, seq)}, ln_f; the last hidden state alone.
     */
    static final class GPTJModel extends Module {
        GPTJModel(Sizes s) {
            add("wte", Layers.embeddingForward(s.vocab, s.hidden));
            add("drop", Layers.dropout(0.0));
            Sequential h = add("h", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                h.append(new GPTJBlock(s));
            }
            add("ln_f", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "drop", call(t, "wte", inputIds));
            for (String i : child("h").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = callOutputs(t, "h", i, hiddenStates).get(0);
            }
            return call(t, "ln_f", hiddenStates);
        }
    }

    /** {@code GPTJBlock}: ln_1, then attn and mlp on the same normed states, both added to the residual. */
    static final class GPTJBlock extends Module {
        GPTJBlock(Sizes s) {
            add("ln_1", Layers.layerNormForward(s.hidden));
            add("attn", new GPTJAttention(s));
            add("mlp", new GPTJMLP(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape residual = xs.get(0);
            Shape hiddenStates = call(t, "ln_1", residual);
            List<Shape> attn = callOutputs(t, "attn", hiddenStates);
            Shape feedForward = call(t, "mlp", hiddenStates);
            return List.of(Reshape.broadcast(Reshape.broadcast(attn.get(0), feedForward), residual), attn.get(1));
        }
    }

    /**
     * {@code GPTJAttention} (eager {@code _attn}): q/k/v projections, the rotary table gathered at the positions
     * and applied to the first {@code rotary_dim} dims (elementwise, no FLOPs), {@code matmul(q, k^T)} in float32,
     * softmax, attn_dropout on the weights, {@code matmul(w, v)}, merge, out_proj, resid_dropout. Outputs the
     * attention output and the weights.
     */
    static final class GPTJAttention extends Module {
        private final long heads;
        private final long headDim;
        /** The rotary table's width ({@code rotary_dim or embed_dim}) and the part of each head it rotates. */
        private final long tableDim;
        private final long rotated;

        GPTJAttention(Sizes s) {
            tableDim = s.rotaryDim != null ? s.rotaryDim : s.hidden;
            heads = s.heads;
            headDim = s.layers > 0 ? s.hidden / s.heads : 0;
            rotated = s.rotaryDim != null ? Math.min(s.rotaryDim, headDim) : headDim;
            add("attn_dropout", Layers.dropout(0.0));
            add("resid_dropout", Layers.dropout(0.0));
            add("k_proj", Layers.linear(s.hidden, s.hidden, false));
            add("v_proj", Layers.linear(s.hidden, s.hidden, false));
            add("q_proj", Layers.linear(s.hidden, s.hidden, false));
            add("out_proj", Layers.linear(s.hidden, s.hidden, false));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            call(t, "q_proj", hiddenStates);
            call(t, "k_proj", hiddenStates);
            call(t, "v_proj", hiddenStates);
            long batch = hiddenStates.dim(0);
            long seq = hiddenStates.dim(1);
            // apply_rotary_pos_emb: the rotated part (head_dim wide at most) times the table's sin/cos, each
            // repeated to 2 * (table width // 2)
            long sinCos = 2 * (tableDim / 2);
            if (rotated != sinCos && rotated != 1 && sinCos != 1) {
                throw new ShapeException("The size of tensor a (" + rotated + ") must match the size of tensor b ("
                        + sinCos + ") at non-singleton dimension 3");
            }
            return ClassicParts.attentionOutput(this, t, batch, heads, seq, headDim);
        }
    }

    /** {@code GPTJMLP}: fc_in, act, fc_out, dropout. */
    static final class GPTJMLP extends DecoderParts.TwoLayerMlp {
        GPTJMLP(Sizes s) {
            super("fc_in", "act", "fc_out", "dropout");
            add("fc_in", Layers.linear(s.hidden, s.inner));
            add("fc_out", Layers.linear(s.inner, s.hidden));
            add("act", Act457.act(s.activation));
            add("dropout", Layers.dropout(0.0));
        }
    }

    /** {@code GPTJForCausalLM}: transformer, lm_head (with bias) on every position; tied only if configured. */
    static final class GPTJForCausalLM extends Module {
        GPTJForCausalLM(Sizes s) {
            Module transformer = add("transformer", new GPTJModel(s));
            Module lmHead = add("lm_head", Layers.linear(s.hidden, s.vocab, true));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, transformer.child("wte"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", Heads.lastHiddenState(this, t, "transformer", inputIds));
        }
    }

    /**
     * {@code GPTJForQuestionAnswering}: transformer, qa_outputs to {@code num_labels} (not 2), then
     * {@code start, end = logits.split(1, dim=-1)}, which only unpacks when num_labels is 2.
     */
    static final class GPTJForQuestionAnswering extends Module {
        GPTJForQuestionAnswering(Sizes s, long numLabels) {
            add("transformer", new GPTJModel(s));
            add("qa_outputs", Layers.linear(s.hidden, numLabels));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape logits = call(t, "qa_outputs", Heads.lastHiddenState(this, t, "transformer", xs.get(0)));
            Shape squeezed = Heads.startEndLogits(logits);
            return List.of(squeezed, squeezed);
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("GPTJBlock");
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code n_head x hidden / n_head} per layer, every layer full. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, s.heads, Math.floorDiv(s.hidden, s.heads));
    }
}
