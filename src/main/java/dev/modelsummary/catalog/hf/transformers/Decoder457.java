package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The Llama-style decoder as transformers 4.57.6 writes it (the modular files' shared base, used by Gemma 2,
 * Gemma 3 and Phi-3 here): unlike 4.40, the rotary embedding is ONE module of the model ({@code model.rotary_emb},
 * its {@code inv_freq} a non-persistent float32 buffer, so in no listing) called once per forward, and its
 * {@code (cos, sin)}, each {@code (1, seq, rotary_dim)}, passed to every layer; eager attention is a function
 * ({@code eager_attention_forward}) whose two matmuls count in the attention module, and the attention returns
 * {@code (attn_output, attn_weights)}, the weights {@code (batch, heads, seq, seq)}.
 *
 * <p>A family is a {@link Spec}: its class-name prefix, sizes and the few options its modular file changes
 * (Gemma 2's four norms per layer, Gemma 3's q/k norms and local rotary, Phi-3's fused projections and residual
 * dropouts). Its norms and rotary embedding are Llama's classes under the family's prefix.
 */
final class Decoder457 {
    private Decoder457() {
    }

    /** What a 4.57 decoder family changes; the defaults are Llama's. */
    static final class Spec {
        String prefix;
        /** The base model's class ({@code Gemma2Model}, {@code Gemma3TextModel}). */
        String modelClass;
        long vocab;
        long hidden;
        long intermediate;
        long layers;
        long heads;
        long kvHeads;
        long headDim;
        /** {@code len(inv_freq) * 2}: the last dim of cos and sin. */
        long rotaryDim;
        boolean attentionBias;
        String act = "silu";
        Long padTokenId;
        long numLabels = 2;
        boolean tieWordEmbeddings;
        boolean torchscript;
        /** Gemma 2/3: post-attention, pre- and post-feedforward norms around the attention and MLP. */
        boolean sandwichNorms;
        /** Gemma 3: {@code q_norm}/{@code k_norm} over {@code head_dim} after the projections. */
        boolean qkNorm;
        /** Gemma 3: a second model-level rotary, {@code rotary_emb_local}, for the sliding layers. */
        boolean localRotary;
        /** Gemma 3: {@code Gemma3TextScaledWordEmbedding} instead of {@code nn.Embedding}. */
        String embeddingClass = "Embedding";
        /** Phi-3: {@code qkv_proj} and {@code gate_up_proj}, dropouts on the residual branches. */
        boolean phi3;
        /** Gemma 2/3 layers return {@code (hidden_states,)}; Phi-3's return the tensor: one shape either way. */

        String className(String suffix) {
            return prefix + suffix;
        }
    }

    /**
     * The {@code head_dim} the rotary init functions read ({@code getattr(config, "head_dim", None) or
     * hidden // heads}) times {@code partial_rotary_factor}, rounded up to even as {@code arange(0, dim, 2)} is.
     */
    static long rotaryDim(long headDim, double partialRotaryFactor) {
        long dim = (long) (headDim * partialRotaryFactor);
        return (dim + 1) / 2 * 2;
    }

    /** A key the config class keeps as given: an explicit null breaks the arithmetic, as in Python. */
    static void refuseNull(HfConfig config, String... keys) {
        for (String key : keys) {
            JsonNode value = config.node(key);
            if (value != null && value.isNull()) {
                throw new ConfigException("unsupported operand type(s): 'NoneType' (" + key + " is None)");
            }
        }
    }

    /** {@code num_attention_heads // num_key_value_heads} in each attention's constructor. */
    static void checkHeads(Spec s) {
        if (s.kvHeads == 0) {
            throw new ConfigException("integer division or modulo by zero (num_key_value_heads is 0)");
        }
    }

    /** {@code XForCausalLM}: {@code model}, then {@code lm_head} (tied to the embeddings unless untied). */
    static final class ForCausalLM extends Module {
        ForCausalLM(String torchClass, Spec s, Module base) {
            this(torchClass, s, base, null);
        }

        /** @param inputEmbeddings the embeddings {@code lm_head} ties to; null: {@code base.embed_tokens} */
        ForCausalLM(String torchClass, Spec s, Module base, Module inputEmbeddings) {
            this(torchClass, base, s.hidden, s.vocab, s.tieWordEmbeddings && !s.torchscript, inputEmbeddings);
        }

        /** Any 4.57 decoder's: {@code tie} says whether {@code lm_head} is {@code base.embed_tokens}'s weight. */
        ForCausalLM(String torchClass, Module base, long hidden, long vocab, boolean tie) {
            this(torchClass, base, hidden, vocab, tie, null);
        }

        private ForCausalLM(String torchClass, Module base, long hidden, long vocab, boolean tie,
                            Module inputEmbeddings) {
            className(torchClass);
            add("model", base);
            Module lmHead = add("lm_head", Layers.linear(hidden, vocab, false));
            Heads.tieWeights(tie, lmHead, inputEmbeddings != null ? inputEmbeddings : base.child("embed_tokens"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            // logits = lm_head(hidden_states[:, slice(-0, None), :]); softcapping is elementwise
            return call(t, "lm_head", Heads.lastHiddenState(this, t, "model", inputIds));
        }
    }

    /**
     * {@code GenericForTokenClassification} (4.57's {@code modeling_layers}): the base ({@code model}),
     * {@code dropout}, then {@code score} (with a bias) on every position.
     */
    static final class TokenClassification extends Module {
        TokenClassification(String torchClass, Module base, long hidden, long numLabels) {
            this(torchClass, base, hidden, numLabels, 0.0);
        }

        /**
         * @param dropout {@code classifier_dropout}, else {@code hidden_dropout}, else 0.1 (no tensor, no FLOP; torch
         *                refuses a rate outside [0, 1])
         */
        TokenClassification(String torchClass, Module base, long hidden, long numLabels, double dropout) {
            className(torchClass);
            if (dropout < 0 || dropout > 1) {
                throw new ConfigException("dropout probability has to be between 0 and 1, but got "
                        + dev.modelsummary.summary.PythonNumbers.repr(dropout));
            }
            add("model", base);
            add("dropout", Layers.dropout(dropout));
            add("score", Layers.linear(hidden, numLabels));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "score", call(t, "dropout", Heads.lastHiddenState(this, t, "model", inputIds)));
        }
    }

    /**
     * The base decoder: {@code embed_tokens}, the layers, {@code norm}, {@code rotary_emb} (and Gemma 3's
     * {@code rotary_emb_local}), registered in that order. Forward: the embeddings (unless the caller passes
     * {@code inputs_embeds}, as Gemma 3's multimodal model does), each rotary on
     * {@code (hidden_states, position_ids (1, seq))}, the layers, {@code norm}.
     */
    static final class Model extends Module {
        private final Spec s;
        private final List<Boolean> sliding;
        /** Called with {@code inputs_embeds} (Gemma 3's multimodal model embeds the ids itself). */
        boolean inputsEmbeds;

        Model(Spec s, List<Boolean> sliding) {
            className(s.modelClass);
            this.s = s;
            this.sliding = sliding;
            checkPaddingIdx(s);
            Module embed = Layers.embedding(s.vocab, s.hidden);
            long hidden = s.hidden;
            embed.forwardAs(s.embeddingClass, (trace, x) -> {
                long[] out = java.util.Arrays.copyOf(x.dims(), x.rank() + 1);
                out[x.rank()] = hidden;
                return Shape.of(out);
            });
            add("embed_tokens", embed);
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layers.append(new DecoderLayer(s, sliding.get((int) i)));
            }
            add("norm", new Llama.LlamaRMSNorm(s.hidden, s.prefix));
            add("rotary_emb", new Llama.LlamaRotaryEmbedding(s.rotaryDim, s.prefix, false));
            if (s.localRotary) {
                add("rotary_emb_local", new Llama.LlamaRotaryEmbedding(s.rotaryDim, s.prefix, false));
            }
        }

        @Override
        public Shape forward(Trace t, Shape input) {
            Shape hiddenStates;
            if (inputsEmbeds) {
                hiddenStates = input;
            } else if (input.rank() == 2) {
                hiddenStates = call(t, "embed_tokens", input);
            } else {
                throw new ShapeException("input_ids must be (batch, seq_len), got rank " + input.rank());
            }
            Shape positionIds = Shape.of(1, hiddenStates.dim(1));
            List<Shape> global = callOutputs(t, "rotary_emb", List.of(hiddenStates, positionIds));
            List<Shape> local = s.localRotary
                    ? callOutputs(t, "rotary_emb_local", List.of(hiddenStates, positionIds)) : global;
            int i = 0;
            for (String name : child("layers").childrenWithEmptyPlaces().keySet()) {
                List<Shape> cs = sliding.get(i++) ? local : global;
                hiddenStates = callOutputs(t, "layers", name, List.of(hiddenStates, cs.get(0), cs.get(1))).get(0);
            }
            return call(t, "norm", hiddenStates);
        }
    }

    /**
     * The decoder layer: Llama's pre-norm residual blocks; Gemma 2/3 also norm each branch's output
     * ({@code post_attention_layernorm} after the attention, {@code pre_feedforward_layernorm} and
     * {@code post_feedforward_layernorm} around the MLP); Phi-3 passes each branch through a dropout.
     */
    static final class DecoderLayer extends Module {
        private final Spec s;

        DecoderLayer(Spec s, boolean sliding) {
            className(s.className("DecoderLayer"));
            this.s = s;
            add("self_attn", new Attention(s));
            add("mlp", s.phi3 ? new FusedMLP(s) : new MLP(s));
            add("input_layernorm", new Llama.LlamaRMSNorm(s.hidden, s.prefix));
            add("post_attention_layernorm", new Llama.LlamaRMSNorm(s.hidden, s.prefix));
            if (s.sandwichNorms) {
                add("pre_feedforward_layernorm", new Llama.LlamaRMSNorm(s.hidden, s.prefix));
                add("post_feedforward_layernorm", new Llama.LlamaRMSNorm(s.hidden, s.prefix));
            }
            if (s.phi3) {
                add("resid_attn_dropout", Layers.dropout(0.0));
                add("resid_mlp_dropout", Layers.dropout(0.0));
            }
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape residual = xs.get(0);
            Shape h = call(t, "input_layernorm", residual);
            h = callOutputs(t, "self_attn", List.of(h, xs.get(1), xs.get(2))).get(0);
            if (s.sandwichNorms) {
                h = call(t, "post_attention_layernorm", h);
                h = Reshape.broadcast(residual, h);
                residual = h;
                h = call(t, "pre_feedforward_layernorm", h);
                h = call(t, "post_feedforward_layernorm", call(t, "mlp", h));
                return Reshape.broadcast(residual, h);
            }
            if (s.phi3) {
                h = Reshape.broadcast(residual, call(t, "resid_attn_dropout", h));
                residual = h;
                h = call(t, "mlp", call(t, "post_attention_layernorm", h));
                return Reshape.broadcast(residual, call(t, "resid_mlp_dropout", h));
            }
            h = Reshape.broadcast(residual, h);
            residual = h;
            h = call(t, "mlp", call(t, "post_attention_layernorm", h));
            return Reshape.broadcast(residual, h);
        }
    }

    /**
     * The attention: q/k/v projections (Phi-3: one {@code qkv_proj}, registered after {@code o_proj}), Gemma 3's
     * q/k norms, the rotary applied (elementwise), {@code repeat_kv}, {@code matmul(q, k^T)} and
     * {@code matmul(weights, v)}, {@code o_proj}. Returns the output and the attention weights.
     */
    static final class Attention extends Module {
        private final Spec s;

        Attention(Spec s) {
            className(s.className("Attention"));
            this.s = s;
            long q = Dims.mul(s.heads, s.headDim);
            long kv = Dims.mul(s.kvHeads, s.headDim);
            if (s.phi3) {
                add("o_proj", Layers.linear(q, s.hidden, false));
                add("qkv_proj", Layers.linear(s.hidden, Dims.add(q, Dims.mul(2, kv)), false));
                return;
            }
            add("q_proj", Layers.linear(s.hidden, q, s.attentionBias));
            add("k_proj", Layers.linear(s.hidden, kv, s.attentionBias));
            add("v_proj", Layers.linear(s.hidden, kv, s.attentionBias));
            add("o_proj", Layers.linear(q, s.hidden, s.attentionBias));
            if (s.qkNorm) {
                add("q_norm", new Llama.LlamaRMSNorm(s.headDim, s.prefix));
                add("k_norm", new Llama.LlamaRMSNorm(s.headDim, s.prefix));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            long bsz = hiddenStates.dim(0);
            long qLen = hiddenStates.dim(1);
            if (s.phi3) {
                call(t, "qkv_proj", hiddenStates);
            } else {
                call(t, "q_proj", hiddenStates);
                call(t, "k_proj", hiddenStates);
                call(t, "v_proj", hiddenStates);
            }
            Shape query = Shape.of(bsz, s.heads, qLen, s.headDim);
            if (s.qkNorm) {
                call(t, "q_norm", query);
                call(t, "k_norm", Shape.of(bsz, s.kvHeads, qLen, s.headDim));
            }
            Shape keyT = Shape.of(bsz, s.heads, s.headDim, qLen);
            Shape weights = MatMul.matmul(query, keyT);
            t.flops(MatMul.matmulFlops(query, keyT));
            Shape value = Shape.of(bsz, s.heads, qLen, s.headDim);
            MatMul.matmul(weights, value);
            t.flops(MatMul.matmulFlops(weights, value));
            Shape out = call(t, "o_proj", Shape.of(bsz, qLen, Dims.mul(s.heads, s.headDim)));
            return List.of(out, weights);
        }
    }

    /** {@code XMLP}: {@code down_proj(act_fn(gate_proj(x)) * up_proj(x))}, registered gate, up, down, act. */
    static final class MLP extends Module {
        MLP(Spec s) {
            className(s.prefix + "MLP");
            add("gate_proj", Layers.linear(s.hidden, s.intermediate, false));
            add("up_proj", Layers.linear(s.hidden, s.intermediate, false));
            add("down_proj", Layers.linear(s.intermediate, s.hidden, false));
            add("act_fn", Act457.act(s.act));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape gate = call(t, "act_fn", call(t, "gate_proj", x));
            Shape up = call(t, "up_proj", x);
            return call(t, "down_proj", Reshape.broadcast(gate, up));
        }
    }

    /** Phi-3's MLP: {@code gate_up_proj} (hidden to 2 x intermediate), chunked; {@code down_proj(up * act(gate))}. */
    static final class FusedMLP extends Module {
        private final long intermediate;

        FusedMLP(Spec s) {
            className(s.prefix + "MLP");
            intermediate = s.intermediate;
            add("gate_up_proj", Layers.linear(s.hidden, Dims.mul(2, s.intermediate), false));
            add("down_proj", Layers.linear(s.intermediate, s.hidden, false));
            add("activation_fn", Act457.act(s.act));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape upStates = call(t, "gate_up_proj", x);
            long[] half = upStates.dims().clone();
            half[half.length - 1] = intermediate;
            Shape gate = call(t, "activation_fn", Shape.of(half));
            return call(t, "down_proj", gate);
        }
    }

    /** Every layer full attention (Phi-3: its {@code sliding_window} is a mask, the same on every layer). */
    static List<Boolean> allFull() {
        return new java.util.AbstractList<>() {
            @Override
            public Boolean get(int index) {
                return false;
            }

            @Override
            public int size() {
                return Integer.MAX_VALUE;
            }
        };
    }

    /**
     * {@code nn.Embedding(vocab, hidden, padding_idx=pad_token_id)}: torch asserts the index is within the
     * table ({@code -vocab <= padding_idx < vocab}).
     */
    static void checkPaddingIdx(Spec s) {
        if (s.padTokenId != null && (s.padTokenId >= s.vocab || s.padTokenId < -s.vocab)) {
            throw new ConfigException("Padding_idx must be within num_embeddings (pad_token_id " + s.padTokenId
                    + ", vocab_size " + s.vocab + ")");
        }
    }

    /** {@code layer_types}: given (validated as {@code layer_type_validation} does), else the family's default. */
    static List<Boolean> slidingLayers(HfConfig config, long layers, java.util.function.LongPredicate byDefault) {
        JsonNode types = config.node("layer_types");
        List<Boolean> out = new ArrayList<>();
        if (types == null || types.isNull()) {
            for (long i = 0; i < layers; i++) {
                out.add(byDefault.test(i));
            }
            return out;
        }
        if (!types.isArray()) {
            throw new ConfigException("`layer_types` must be a list, got " + Llama.pythonRepr(types));
        }
        for (JsonNode type : types) {
            if (!type.isTextual() || !List.of("full_attention", "sliding_attention", "chunked_attention",
                    "linear_attention").contains(type.textValue())) {
                throw new ConfigException("The `layer_types` entries must be in ('full_attention', "
                        + "'sliding_attention', 'chunked_attention', 'linear_attention')");
            }
            out.add(type.textValue().equals("sliding_attention"));
        }
        if (types.size() != layers) {
            throw new ConfigException("`num_hidden_layers` (" + layers + ") must be equal to the number of layer "
                    + "types (" + types.size() + ")");
        }
        return out;
    }
}
