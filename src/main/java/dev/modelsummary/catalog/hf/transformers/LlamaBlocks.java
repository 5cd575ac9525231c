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
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * transformers 4.57.6's Llama decoder ({@code models/llama/modeling_llama.py}) as blocks with the options the
 * families built on it change (their {@code modular_*.py}): Qwen3, Qwen3-MoE, Qwen2-MoE, OLMo 2, Granite, SmolLM3,
 * StarCoder2. Unlike 4.40 (see {@link Llama}), the rotary embedding is one module of the model
 * ({@code model.rotary_emb}, registered after {@code norm}), called once after {@code embed_tokens} on
 * {@code position_ids} (1, seq); its {@code (cos, sin)} are passed to every layer. Eager attention is a function
 * ({@code eager_attention_forward}), so its two matmuls count in the attention module, which returns
 * {@code (attn_output, attn_weights)}. Heads are 4.57's {@code GenericFor*} classes. The non-persistent
 * {@code inv_freq} buffer is not listed (not in {@code state_dict()}).
 */
final class LlamaBlocks {
    private LlamaBlocks() {
    }

    /** Where q/k norms sit: none, per head over {@code head_dim} (Qwen3), over the whole projection (OLMo 2). */
    enum QkNorm { NONE, PER_HEAD, WHOLE }

    /** What a family changes in the Llama decoder; the defaults are 4.57.6's Llama with {@code attention_bias}. */
    static final class Options {
        final Llama.Sizes s;
        final String prefix;
        boolean qkvBias;
        boolean oBias;
        boolean mlpBias;
        QkNorm qkNorm = QkNorm.NONE;
        /** OLMo 2: {@code post_attention_layernorm} and {@code post_feedforward_layernorm} after each block. */
        boolean postNorms;
        /** StarCoder2: {@code nn.LayerNorm} (weight and bias) instead of RMSNorm. */
        boolean layerNorm;
        /** Qwen2-MoE's own older attention: returns no weights, holds an unused {@code rotary_emb}. */
        boolean legacyAttention;
        /** The feed-forward {@code mlp} of layer i; Llama's gated MLP unless a family sets it. */
        IntFunction<Module> feedForward;
        /** The question-answering class's base attribute ({@code transformer} "for BC" in most families). */
        String qaBase = "transformer";

        /** {@code GenericForTokenClassification}'s dropout: classifier_dropout, else hidden_dropout, else 0.1. */
        final double classifierDropout;

        Options(Llama.Sizes s, String prefix, HfConfig config) {
            this.s = s;
            this.prefix = prefix;
            classifierDropout = config.has("classifier_dropout") ? config.real("classifier_dropout", 0.1)
                    : config.real("hidden_dropout", 0.1);
            s.prefix = prefix;
            feedForward = i -> new GatedMlp(this, s.intermediate);
        }

        Module norm(long dim) {
            return layerNorm ? Layers.layerNormForward(dim) : new Llama.LlamaRMSNorm(dim, prefix);
        }
    }

    /**
     * {@code head_dim}: the config's when it sets one (an explicit null derives it), else
     * {@code hidden_size // num_attention_heads} ({@code getattr(config, "head_dim", ...)}); Qwen3's config
     * class defaults it to {@code defaultHeadDim}.
     */
    static void headDim(Llama.Sizes s, HfConfig config, Long defaultHeadDim) {
        Long explicit = config.optionalInteger("head_dim");
        if (explicit != null) {
            s.headDim = explicit;
        } else if (defaultHeadDim != null && config.node("head_dim") == null) {
            s.headDim = defaultHeadDim;
        } else if (s.heads == 0) {
            throw new ConfigException("integer division or modulo by zero (num_attention_heads is 0)");
        }
        s.checkKvHeads();
    }

    /**
     * A 4.57 Llama-like config class's sizes with {@code head_dim} from the config, else hidden / heads.
     *
     * @param kvHeads the class's default for {@code num_key_value_heads} (null: the head count)
     */
    static Llama.Sizes sizes(HfConfig config, long vocab, long hidden, long intermediate, long layers, long heads,
                             Long kvHeads, boolean tieWordEmbeddings) {
        Llama.Sizes s = new Llama.Sizes(config, vocab, hidden, intermediate, layers, heads, kvHeads,
                tieWordEmbeddings);
        headDim(s, config, null);
        return s;
    }

    /**
     * The config class's default for {@code num_key_value_heads}, or null (the head count) when the config sets
     * it to null explicitly: the config classes' {@code if num_key_value_heads is None}.
     */
    static Long kvHeadsDefault(HfConfig config, long classDefault) {
        return config.node("num_key_value_heads") != null ? null : classDefault;
    }

    /**
     * {@code layer_type_validation(layer_types, num_hidden_layers)} (Qwen3, SmolLM3 configs): each entry one of
     * the allowed attention types, one per layer. A null or missing {@code layer_types} is derived, so valid.
     */
    static void layerTypeValidation(HfConfig config, Llama.Sizes s) {
        com.fasterxml.jackson.databind.JsonNode types = config.node("layer_types");
        if (types == null || types.isNull()) {
            return;
        }
        List<String> allowed = List.of("full_attention", "sliding_attention", "chunked_attention",
                "linear_attention");
        boolean ok = types.isArray();
        for (int i = 0; ok && i < types.size(); i++) {
            ok = types.get(i).isTextual() && allowed.contains(types.get(i).textValue());
        }
        if (!ok) {
            throw new ConfigException("The `layer_types` entries must be in ('full_attention', "
                    + "'sliding_attention', 'chunked_attention', 'linear_attention')");
        }
        if (types.size() != s.layers) {
            throw new ConfigException("`num_hidden_layers` (" + s.layers + ") must be equal to the number of layer "
                    + "types (" + types.size() + ")");
        }
    }

    /** {@code nn.Embedding(vocab, hidden, padding_idx=pad_token_id)}'s check. */
    static void checkPaddingIdx(Llama.Sizes s) {
        if (s.padTokenId != null && (s.padTokenId >= s.vocab || s.padTokenId < -s.vocab)) {
            throw new ConfigException("Padding_idx must be within num_embeddings");
        }
    }

    /** The model classes of a family by suffix: {@code XModel}, {@code XForCausalLM} and the generic heads. */
    static Module build(Options o, String architecture) {
        return withHead(architecture, o.prefix, () -> decoderModel(o), o.s, o.classifierDropout, o.qaBase);
    }

    /**
     * {@code architecture} ({@code prefix} + {@code Model}, {@code ForCausalLM}, or a generic head of 4.57's
     * {@code modeling_layers}) on the base model {@code base} makes: every Llama-like 4.57 family's dispatch.
     *
     * @param classifierDropout the token classifier's dropout (no tensor, no FLOP; checked as torch checks it)
     * @param qaBase            the attribute the question-answering class holds its base under
     */
    static Module withHead(String architecture, String prefix, java.util.function.Supplier<Module> base,
                           Llama.Sizes s, double classifierDropout, String qaBase) {
        return switch (architecture.substring(prefix.length())) {
            case "Model" -> base.get();
            case "ForCausalLM" -> new Decoder457.ForCausalLM(architecture, base.get(), s.hidden, s.vocab,
                    s.tieWordEmbeddings && !s.torchscript);
            // GenericForSequenceClassification: score (no bias), the last non-pad token's logits
            case "ForSequenceClassification" -> new Heads.SequenceClassification(architecture, "model",
                    base.get(), s.hidden, s.numLabels, s.padTokenId);
            case "ForTokenClassification" -> new Decoder457.TokenClassification(architecture, base.get(),
                    s.hidden, s.numLabels, classifierDropout);
            case "ForQuestionAnswering" -> new Heads.QuestionAnswering(architecture, qaBase, base.get(), s.hidden);
            default -> throw new IllegalStateException(architecture);
        };
    }

    /** {@code XModel} of a Llama-like family: its padding check, then the generic {@link DecoderModel}. */
    static DecoderModel decoderModel(Options o) {
        Llama.Sizes s = o.s;
        checkPaddingIdx(s);
        return new DecoderModel(o.prefix, s.vocab, s.hidden, s.layers, i -> new DecoderLayer(o, Math.toIntExact(i)),
                o.norm(s.hidden), new Llama.LlamaRotaryEmbedding(s.headDim, o.prefix, false));
    }

    /**
     * {@code XModel.forward(input_ids)}: {@code embed_tokens}, {@code rotary_emb(hidden_states, position_ids)}
     * with {@code position_ids} (1, seq), each layer, {@code norm}. Masks run no module.
     */
    static final class DecoderModel extends Module {
        DecoderModel(String prefix, long vocab, long hidden, long layers, LongFunction<Module> layer,
                     Module norm, Module rotary) {
            className(prefix + "Model");
            add("embed_tokens", Layers.embeddingForward(vocab, hidden));
            Sequential list = add("layers", new Sequential());
            for (long i = 0; i < layers; i++) {
                list.append(layer.apply(i));
            }
            add("norm", norm);
            add("rotary_emb", rotary);
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "embed_tokens", inputIds);
            callOutputs(t, "rotary_emb", List.of(hiddenStates, Shape.of(1, inputIds.dim(1))));
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "layers", i, hiddenStates);
            }
            return call(t, "norm", hiddenStates);
        }
    }

    /**
     * {@code XDecoderLayer}: pre-norm attention and feed-forward, each with its residual add (Granite scales the
     * residual by {@code residual_multiplier}, no FLOPs); OLMo 2 normalises each block's output instead.
     */
    static final class DecoderLayer extends Module {
        private final boolean postNorms;

        /** A pre-norm layer of given parts, registered self_attn, mlp, input_layernorm, post_attention_layernorm. */
        DecoderLayer(String prefix, Module attention, Module mlp, Module inputNorm, Module postNorm) {
            className(prefix + "DecoderLayer");
            this.postNorms = false;
            add("self_attn", attention);
            add("mlp", mlp);
            add("input_layernorm", inputNorm);
            add("post_attention_layernorm", postNorm);
        }

        DecoderLayer(Options o, int index) {
            className(o.prefix + "DecoderLayer");
            postNorms = o.postNorms;
            add("self_attn", new Attention(o));
            add("mlp", o.feedForward.apply(index));
            if (!postNorms) {
                add("input_layernorm", o.norm(o.s.hidden));
            }
            add("post_attention_layernorm", o.norm(o.s.hidden));
            if (postNorms) {
                add("post_feedforward_layernorm", o.norm(o.s.hidden));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            if (postNorms) {
                Shape attn = callOutputs(t, "self_attn", List.of(hiddenStates)).get(0);
                hiddenStates = Reshape.broadcast(residual, call(t, "post_attention_layernorm", attn));
                residual = hiddenStates;
                Shape mlp = callOutputs(t, "mlp", List.of(hiddenStates)).get(0);
                return Reshape.broadcast(residual, call(t, "post_feedforward_layernorm", mlp));
            }
            hiddenStates = call(t, "input_layernorm", hiddenStates);
            hiddenStates = Reshape.broadcast(residual, callOutputs(t, "self_attn", List.of(hiddenStates)).get(0));
            residual = hiddenStates;
            hiddenStates = call(t, "post_attention_layernorm", hiddenStates);
            // a sparse MoE block returns (hidden_states, router_logits)
            return Reshape.broadcast(residual, callOutputs(t, "mlp", List.of(hiddenStates)).get(0));
        }
    }

    /**
     * {@code XAttention} (eager): {@code q_proj} (then {@code q_norm}), {@code k_proj} (then {@code k_norm}),
     * {@code v_proj}, rotary on q and k (elementwise), {@code repeat_kv}, {@code matmul(q, k^T)}, softmax,
     * {@code matmul(w, v)}, {@code o_proj}. Outputs {@code attn_output} and {@code attn_weights}
     * {@code (batch, heads, seq, seq)}.
     */
    static final class Attention extends Module {
        private final long heads;
        private final long kvHeads;
        private final long headDim;
        private final QkNorm qkNorm;
        private final boolean returnsWeights;

        Attention(Options o) {
            className(o.prefix + "Attention");
            Llama.Sizes s = o.s;
            heads = s.heads;
            kvHeads = s.kvHeads;
            headDim = s.headDim;
            qkNorm = o.qkNorm;
            returnsWeights = !o.legacyAttention;
            long q = Dims.mul(s.heads, s.headDim);
            long kv = Dims.mul(s.kvHeads, s.headDim);
            add("q_proj", Layers.linear(s.hidden, q, o.qkvBias));
            add("k_proj", Layers.linear(s.hidden, kv, o.qkvBias));
            add("v_proj", Layers.linear(s.hidden, kv, o.qkvBias));
            add("o_proj", Layers.linear(q, s.hidden, o.oBias));
            if (qkNorm == QkNorm.PER_HEAD) {
                add("q_norm", new Llama.LlamaRMSNorm(s.headDim, o.prefix));
                add("k_norm", new Llama.LlamaRMSNorm(s.headDim, o.prefix));
            } else if (qkNorm == QkNorm.WHOLE) {
                add("q_norm", new Llama.LlamaRMSNorm(q, o.prefix));
                add("k_norm", new Llama.LlamaRMSNorm(kv, o.prefix));
            }
            if (o.legacyAttention) {
                // registered, never called: the layers get (cos, sin) from model.rotary_emb
                add("rotary_emb", new Llama.LlamaRotaryEmbedding(s.headDim, o.prefix, false));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            long bsz = hiddenStates.dim(0);
            long qLen = hiddenStates.dim(1);
            Shape query = call(t, "q_proj", hiddenStates);
            normed(t, "q_norm", query, heads);
            Shape key = call(t, "k_proj", hiddenStates);
            normed(t, "k_norm", key, kvHeads);
            call(t, "v_proj", hiddenStates);
            Shape queryStates = Shape.of(bsz, heads, qLen, headDim);
            Shape keyT = Shape.of(bsz, heads, headDim, qLen);
            Shape attnWeights = MatMul.matmul(queryStates, keyT);
            t.flops(MatMul.matmulFlops(queryStates, keyT));
            Shape valueStates = Shape.of(bsz, heads, qLen, headDim);
            MatMul.matmul(attnWeights, valueStates);
            t.flops(MatMul.matmulFlops(attnWeights, valueStates));
            Shape out = call(t, "o_proj", Shape.of(bsz, qLen, Dims.mul(heads, headDim)));
            return returnsWeights ? List.of(out, attnWeights) : List.of(out);
        }

        private void normed(Trace t, String norm, Shape projected, long n) {
            if (qkNorm == QkNorm.PER_HEAD) {
                // .view(*input_shape, -1, head_dim)
                call(t, norm, Shape.of(projected.dim(0), projected.dim(1), n, headDim));
            } else if (qkNorm == QkNorm.WHOLE) {
                call(t, norm, projected);
            }
        }
    }

    /** The gated MLP ({@code LlamaMLP}, Gemma's, Qwen's experts): {@code down(act(gate(x)) * up(x))}. */
    static final class GatedMlp extends Module {
        GatedMlp(Options o, long intermediate) {
            className(o.prefix + "MLP");
            Llama.Sizes s = o.s;
            add("gate_proj", Layers.linear(s.hidden, intermediate, o.mlpBias));
            add("up_proj", Layers.linear(s.hidden, intermediate, o.mlpBias));
            add("down_proj", Layers.linear(intermediate, s.hidden, o.mlpBias));
            add("act_fn", Act457.act(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape gate = call(t, "act_fn", call(t, "gate_proj", x));
            Shape up = call(t, "up_proj", x);
            return call(t, "down_proj", Reshape.broadcast(gate, up));
        }
    }

    /**
     * {@code XRotaryEmbedding(x, position_ids)}: {@code inv_freq[None, :, None] @ position_ids[:, None, :]} (a
     * counted bmm of {@code dim / 2} frequencies), then {@code cat((freqs, freqs))} (Llama, DeepSeek-V3) or the
     * freqs alone (gpt-oss): cos and sin of {@code (position batch, seq, dim)} each. {@code inv_freq} is a
     * non-persistent buffer, listed by {@code named_buffers()} only.
     */
    static final class RotaryEmbedding extends Module {
        private final long halfDim;
        private final boolean cat;

        RotaryEmbedding(String torchClass, long dim, boolean cat) {
            className(torchClass);
            this.halfDim = dim / 2;
            this.cat = cat;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape positionIds = xs.get(1);
            Shape invFreq = Shape.of(positionIds.dim(0), halfDim, 1);
            Shape positions = Shape.of(positionIds.dim(0), 1, positionIds.dim(1));
            Shape freqs = MatMul.matmul(invFreq, positions);
            t.flops(MatMul.matmulFlops(invFreq, positions));
            Shape emb = Shape.of(freqs.dim(0), freqs.dim(2), cat ? Dims.mul(halfDim, 2) : halfDim);
            return List.of(emb, emb);
        }
    }

    /** {@code eager_attention_forward}'s two matmuls, {@code Q K^T} and {@code weights V}: their FLOPs. */
    static Shape eagerAttention(Trace t, long batch, long heads, long seq, long qkDim, long vDim) {
        Shape q = Shape.of(batch, heads, seq, qkDim);
        Shape kT = Shape.of(batch, heads, qkDim, seq);
        Shape weights = MatMul.matmul(q, kT);
        t.flops(MatMul.matmulFlops(q, kT));
        Shape v = Shape.of(batch, heads, seq, vDim);
        MatMul.matmul(weights, v);
        t.flops(MatMul.matmulFlops(weights, v));
        return weights;
    }
}
