package dev.modelsummary.catalog.hf.transformers;

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
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/phi/modeling_phi.py} (phi-1, phi-1.5, phi-2) with {@code PhiConfig}'s
 * defaults. Partial rotary embeddings only shape the non-persistent {@code inv_freq}/cos/sin buffers, so they
 * leave nothing here; {@code lm_head} has a bias, and its weight is tied to {@code embed_tokens} only when
 * {@code tie_word_embeddings} is set (the config class defaults it to False).
 */
public final class Phi implements HfFamily {
    static final String BASE = "PhiModel";

    @Override
    public String modelType() {
        return "phi";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "PhiForCausalLM", "PhiForSequenceClassification", "PhiForTokenClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new PhiModel(s);
            case "PhiForCausalLM" -> new PhiForCausalLM(s);
            default -> Heads.generic(architecture, "model", "model", () -> new PhiModel(s), s.hidden,
                    config.numLabels(), config.optionalInteger("pad_token_id"))
                    .orElseThrow(() -> new IllegalStateException(architecture));
        };
    }

    /** The sizes {@code PhiConfig} gives, with its defaults. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long intermediate;
        final long layers;
        final long heads;
        final long kvHeads;
        final boolean qkLayernorm;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;
        final boolean tieWordEmbeddings;
        final String hiddenAct;
        final double partialRotaryFactor;
        /** The rotary class by {@code rope_scaling}'s type: none, linear or dynamic. */
        final String rotaryClass;

        Sizes(HfConfig c) {
            hiddenAct = c.string("hidden_act", "gelu_new");
            partialRotaryFactor = c.real("partial_rotary_factor", 0.5);
            vocab = c.integer("vocab_size", 51200);
            hidden = c.integer("hidden_size", 2048);
            intermediate = c.integer("intermediate_size", 8192);
            layers = c.integer("num_hidden_layers", 24);
            heads = c.integer("num_attention_heads", 32);
            kvHeads = c.integer("num_key_value_heads", heads);
            qkLayernorm = c.bool("qk_layernorm", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", false);
            torchscript = c.bool("torchscript", false);
            // PhiModel's nn.Embedding(vocab_size, hidden_size, padding_idx=pad_token_id)
            TorchChecks.paddingIdx(c.optionalInteger("pad_token_id"), vocab);
            Rope.validate(c, GptNeoX::validateRopeScaling, true, heads == 0 ? 0 : hidden / heads);
            rotaryClass = "Phi" + Rope.legacyClass(c) + "RotaryEmbedding";
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero"); // hidden_size // heads
            }
            if ((hidden / heads) * heads != hidden) {
                // PhiAttention's ValueError
                throw new ConfigException("hidden_size must be divisible by num_heads (got `hidden_size`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
        }

        long headDim() {
            return hidden / heads;
        }
    }

    /**
     * {@code PhiModel} with its forward (4.40.2, eager, {@code use_cache=False}): embed_tokens, embed_dropout,
     * each decoder layer (an iterated {@code nn.ModuleList}), final_layernorm; the last hidden state alone.
     */
    static final class PhiModel extends Module {
        PhiModel(Sizes s) {
            add("embed_tokens", Layers.embeddingForward(s.vocab, s.hidden));
            add("embed_dropout", Layers.dropout(0.0));
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layers.append(new PhiDecoderLayer(s));
            }
            add("final_layernorm", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "embed_dropout", call(t, "embed_tokens", inputIds));
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "layers", i, hiddenStates);
            }
            return call(t, "final_layernorm", hiddenStates);
        }
    }

    /**
     * {@code PhiDecoderLayer}: self_attn, mlp, input_layernorm, resid_dropout; attention and MLP both read the
     * normed input: {@code resid_dropout(attn) + resid_dropout(mlp(h)) + residual}.
     */
    static final class PhiDecoderLayer extends Module {
        PhiDecoderLayer(Sizes s) {
            add("self_attn", new PhiAttention(s));
            add("mlp", new PhiMLP(s));
            add("input_layernorm", Layers.layerNormForward(s.hidden));
            add("resid_dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            hiddenStates = call(t, "input_layernorm", hiddenStates);
            Shape attnOutputs = call(t, "resid_dropout", call(t, "self_attn", hiddenStates));
            Shape feedForward = call(t, "resid_dropout", call(t, "mlp", hiddenStates));
            return Reshape.broadcast(Reshape.broadcast(attnOutputs, feedForward), residual);
        }
    }

    /**
     * {@code PhiAttention} (eager): q/k/v projections, {@code q_layernorm}/{@code k_layernorm} on the projections
     * as they come out ({@code (batch, seq, heads * head_dim)}: a LayerNorm over {@code head_dim} refuses that
     * unless there is one head, as torch does), {@code rotary_emb(value_states, seq_len)} (4.40.2's cached cos/sin,
     * {@code (seq, rotary_dim)} each, no matmul) on the first {@code int(partial_rotary_factor * head_dim)} dims,
     * {@code repeat_kv}, {@code matmul(q, k^T)} (fp32), softmax, functional dropout, {@code matmul(w, v)}, dense.
     */
    static final class PhiAttention extends Module {
        private final long heads;
        private final long kvHeads;
        private final long headDim;
        private final boolean qkLayernorm;

        PhiAttention(Sizes s) {
            heads = s.heads;
            kvHeads = s.kvHeads;
            headDim = s.headDim();
            qkLayernorm = s.qkLayernorm;
            add("q_proj", Layers.linear(s.hidden, Dims.mul(s.heads, headDim)));
            add("k_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, headDim)));
            add("v_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, headDim)));
            add("dense", Layers.linear(Dims.mul(s.heads, headDim), s.hidden));
            if (s.qkLayernorm) {
                add("q_layernorm", Layers.layerNormForward(headDim));
                add("k_layernorm", Layers.layerNormForward(headDim));
            }
            add("rotary_emb", new DecoderParts.CachedRotaryEmbedding(s.rotaryClass, (long) (s.partialRotaryFactor * headDim)));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            long bsz = hiddenStates.dim(0);
            long qLen = hiddenStates.dim(1);
            Shape query = call(t, "q_proj", hiddenStates);
            Shape key = call(t, "k_proj", hiddenStates);
            call(t, "v_proj", hiddenStates);
            if (qkLayernorm) {
                call(t, "q_layernorm", query);
                call(t, "k_layernorm", key);
            }
            Shape valueStates = Shape.of(bsz, kvHeads, qLen, headDim);
            callOutputs(t, "rotary_emb", List.of(valueStates));
            Shape queryStates = Shape.of(bsz, heads, qLen, headDim);
            Shape keyT = Shape.of(bsz, heads, headDim, qLen);
            Shape weights = MatMul.matmul(queryStates, keyT);
            t.flops(MatMul.matmulFlops(queryStates, keyT));
            Shape valueRepeated = Shape.of(bsz, heads, qLen, headDim);
            MatMul.matmul(weights, valueRepeated);
            t.flops(MatMul.matmulFlops(weights, valueRepeated));
            return call(t, "dense", Shape.of(bsz, qLen, Dims.mul(heads, headDim)));
        }
    }

    /** {@code PhiMLP}: fc1, activation_fn ({@code ACT2FN[hidden_act]}), fc2. */
    static final class PhiMLP extends DecoderParts.TwoLayerMlp {
        PhiMLP(Sizes s) {
            super("fc1", "activation_fn", "fc2");
            add("fc1", Layers.linear(s.hidden, s.intermediate));
            add("fc2", Layers.linear(s.intermediate, s.hidden));
            add("activation_fn", Bert.act(s.hiddenAct));
        }
    }

    /** {@code PhiForCausalLM}: model, lm_head (with a bias) on every position; the logits alone. */
    static final class PhiForCausalLM extends Module {
        PhiForCausalLM(Sizes s) {
            Module phi = add("model", new PhiModel(s));
            Module lmHead = add("lm_head", Layers.linear(s.hidden, s.vocab, true));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, phi.child("embed_tokens"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", Heads.lastHiddenState(this, t, "model", inputIds));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("PhiDecoderLayer");
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code num_key_value_heads x hidden / heads} per layer. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, s.kvHeads, s.headDim());
    }
}
