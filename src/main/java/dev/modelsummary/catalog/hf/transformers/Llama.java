package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.modelsummary.summary.PythonNumbers;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/llama/modeling_llama.py} with {@code LlamaConfig}'s defaults. The rotary
 * embedding's {@code inv_freq}, {@code _cos_cached} and {@code _sin_cached} are non-persistent buffers, so not
 * in {@code state_dict()} and not here; {@code LlamaMLP} has no biases in 4.40 ({@code mlp_bias} came later).
 *
 * <p>The decoder pieces are package-private: Mistral, Mixtral, Qwen2 and Gemma call them, as transformers'
 * "Copied from transformers.models.llama" does.
 */
public final class Llama implements HfFamily {
    static final String PREFIX = "Llama";

    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public List<String> architectures() {
        return List.of("LlamaModel", "LlamaForCausalLM", "LlamaForSequenceClassification",
                "LlamaForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // LlamaConfig.__init__
        Sizes s = sizes(config);
        // 4.57's LlamaConfig: rope_config_validation; 4.40's: _rope_scaling_validation (see Rope)
        Rope.validate(config, Llama::ropeScalingValidation, true, s.headDim);
        s.checkHeadDim();
        boolean bias = config.bool("attention_bias", false);
        s.mlpBias = config.bool("mlp_bias", false); // 4.41+: gate/up/down_proj biases
        if (architecture.equals("LlamaModel")) {
            return new LlamaModel(s, bias);
        }
        if (architecture.equals("LlamaForCausalLM")) {
            return new LlamaForCausalLM(s, bias);
        }
        return withHead(architecture, PREFIX, s, () -> new LlamaModel(s, bias));
    }

    /**
     * The sizes a Llama-like config class gives, with its defaults: {@code num_key_value_heads} defaults to
     * {@code num_attention_heads} (the configs' "for backward compatibility"), {@code head_dim} is
     * {@code hidden_size // num_attention_heads} unless a family sets it.
     */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long intermediate;
        final long layers;
        final long heads;
        final long kvHeads;
        long headDim;
        /**
         * An explicit {@code head_dim} (4.57's Llama, Mistral, Mixtral, Qwen2 read it): the projections are
         * {@code heads * head_dim} wide and {@code hidden_size} need not divide by the heads.
         */
        boolean explicitHeadDim;
        final boolean tieWordEmbeddings;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;
        final long numLabels;
        /** {@code pad_token_id}: None unless set (Gemma's config defaults it to 0). */
        Long padTokenId;
        /** {@code hidden_act}; Gemma sets its MLP's {@code hidden_activation} here. */
        String hiddenAct;
        /** The class-name prefix hooks report ({@code Llama}, {@code Mistral}, ...). */
        String prefix = PREFIX;
        /**
         * Mistral 4.40's {@code rotary_emb(x, seq_len)}: slices its cached cos/sin, {@code (seq, dim)} each, and
         * runs no matmul; Llama's computes {@code inv_freq @ position_ids}.
         */
        boolean cachedRotary;
        /** {@code mlp_bias} (Llama 4.41 and later): {@code LlamaMLP}'s three projections have biases. */
        boolean mlpBias;
        /** Qwen2: q/k/v have biases, o_proj none, whatever the attention's {@code bias} argument. */
        boolean qkvBias;
        /** The decoder layer's feed-forward: {@code mlp} ({@code LlamaMLP}), Mixtral's {@code block_sparse_moe}. */
        String feedForwardName = "mlp";
        java.util.function.Function<Sizes, Module> feedForward = LlamaMLP::new;

        Sizes(HfConfig c, long vocab, long hidden, long intermediate, long layers, long heads,
              boolean tieWordEmbeddings) {
            this(c, vocab, hidden, intermediate, layers, heads, null, tieWordEmbeddings);
        }

        /** @param kvHeads the config class's default for {@code num_key_value_heads}; null: the head count */
        Sizes(HfConfig c, long vocab, long hidden, long intermediate, long layers, long heads, Long kvHeads,
              boolean tieWordEmbeddings) {
            for (String key : List.of("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                    "num_attention_heads")) {
                if (c.contains(key) && !c.has(key)) {
                    // the config classes keep these as given: None reaches nn.Linear / range() / // as in Python
                    throw new ConfigException("TypeError: a size is None (" + key + " is None; the config class "
                            + "derives no value for it)");
                }
            }
            this.vocab = c.integer("vocab_size", vocab);
            this.hidden = c.integer("hidden_size", hidden);
            this.intermediate = c.integer("intermediate_size", intermediate);
            this.layers = c.integer("num_hidden_layers", layers);
            this.heads = c.integer("num_attention_heads", heads);
            // an explicit None is the config class's fallback to num_attention_heads; only a missing key takes
            // the class default (Mistral's 8, Qwen2's 32)
            Long kv = c.optionalInteger("num_key_value_heads");
            // an explicit null is the config classes' "if num_key_value_heads is None: = num_attention_heads"
            this.kvHeads = kv != null ? kv : kvHeads != null && !c.contains("num_key_value_heads") ? kvHeads
                    : this.heads;
            this.tieWordEmbeddings = c.bool("tie_word_embeddings", tieWordEmbeddings);
            this.torchscript = c.bool("torchscript", false);
            this.numLabels = c.numLabels();
            this.padTokenId = c.optionalInteger("pad_token_id");
            // nn.Embedding(vocab_size, hidden_size, padding_idx=pad_token_id), the first module built
            TorchChecks.paddingIdx(this.padTokenId, this.vocab);
            this.hiddenAct = c.string("hidden_act", "silu");
            this.headDim = this.heads == 0 ? 0 : Math.floorDiv(this.hidden, this.heads);
            // head_dim if head_dim is not None else hidden_size // num_attention_heads (Mistral, Mixtral: `or`,
            // so 0 derives too)
            Long explicit = c.optionalInteger("head_dim");
            if (explicit != null && explicit != 0) {
                this.headDim = explicit;
                this.explicitHeadDim = true;
            }
        }

        /**
         * {@code LlamaAttention}'s check (Mistral's, Mixtral's and Qwen2's too): {@code head_dim * num_heads}
         * must give back {@code hidden_size}. Python divides by zero heads; that is refused with the same message.
         */
        void checkHeadDim() {
            if (explicitHeadDim && heads != 0) {
                checkKvHeads(); // 4.57 builds heads * head_dim wide projections, with no divisibility check
                return;
            }
            if (heads == 0 || headDim * heads != hidden) {
                throw new ConfigException("hidden_size must be divisible by num_heads (got `hidden_size`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
            checkKvHeads();
        }

        /** {@code num_heads // num_key_value_heads} in every attention's constructor. */
        void checkKvHeads() {
            if (kvHeads == 0) {
                throw new ConfigException("integer division or modulo by zero (num_key_value_heads is 0)");
            }
        }
    }

    /**
     * {@code LlamaConfig._rope_scaling_validation}: None, or a dict of exactly {@code type} (linear or dynamic)
     * and {@code factor} (a float over 1).
     */
    static void ropeScalingValidation(HfConfig config) {
        JsonNode scaling = config.node("rope_scaling");
        if (scaling == null || scaling.isNull()) {
            return;
        }
        if (!scaling.isObject() || scaling.size() != 2) {
            throw new ConfigException("`rope_scaling` must be a dictionary with with two fields, `type` and "
                    + "`factor`, got " + pythonRepr(scaling));
        }
        JsonNode type = scaling.get("type");
        JsonNode factor = scaling.get("factor");
        if (type == null || type.isNull() || !type.isTextual()
                || !(type.textValue().equals("linear") || type.textValue().equals("dynamic"))) {
            throw new ConfigException("`rope_scaling`'s type field must be one of ['linear', 'dynamic'], got "
                    + (type == null ? "None" : type.isTextual() ? type.textValue() : pythonRepr(type)));
        }
        if (factor == null || !factor.isFloatingPointNumber() || factor.doubleValue() <= 1.0) {
            throw new ConfigException("`rope_scaling`'s factor field must be a float > 1, got "
                    + (factor == null ? "None" : pythonRepr(factor)));
        }
    }

    /** A JSON value as Python prints the object {@code json.load} makes of it. */
    static String pythonRepr(JsonNode node) {
        if (node == null || node.isNull()) {
            return "None";
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "True" : "False";
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            return PythonNumbers.repr(node.doubleValue());
        }
        if (node.isTextual()) {
            return "'" + node.textValue().replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        StringBuilder out = new StringBuilder();
        if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(pythonRepr(node.get(i)));
            }
            return out.append(']').toString();
        }
        out.append('{');
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            out.append(first ? "" : ", ").append('\'').append(field.getKey()).append("': ")
                    .append(pythonRepr(field.getValue()));
            first = false;
        }
        return out.append('}').toString();
    }

    /**
     * The model classes every Llama-like family has, by the suffix after its prefix ({@code Llama}):
     * {@code XModel} (the decoder), {@code XForCausalLM} ({@code model}, then {@code lm_head}, tied to the
     * input embeddings by {@code tie_weights()} when {@code tie_word_embeddings}, a copy of them, so a
     * parameter of its own, under {@code torchscript}),
     * {@code XForSequenceClassification} ({@code score}, no bias) and {@code XForQuestionAnswering}
     * ({@code transformer}, then {@code qa_outputs}).
     */
    static Module withHead(String architecture, String prefix, Sizes s, Supplier<Module> decoder) {
        String head = architecture.substring(prefix.length());
        Module model = new Module();
        switch (head) {
            case "Model" -> {
                return decoder.get();
            }
            case "ForCausalLM" -> {
                Module base = model.add("model", decoder.get());
                Module lmHead = model.add("lm_head", Layers.linear(s.hidden, s.vocab, false));
                // under torchscript, tie_weights() clones the weight instead: two tensors
                Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, base.child("embed_tokens"));
            }
            case "ForSequenceClassification" -> {
                // 4.40.2: score on every position, then the last non-pad token's logits (batch, num_labels)
                return new Heads.SequenceClassification(architecture, "model", decoder.get(), s.hidden,
                        s.numLabels, s.padTokenId);
            }
            case "ForQuestionAnswering" -> {
                return new Heads.QuestionAnswering(architecture, "transformer", decoder.get(), s.hidden);
            }
            default -> {
                return Heads.generic(architecture, "model", "transformer", decoder, s.hidden, s.numLabels,
                        s.padTokenId).orElseThrow(() -> new IllegalStateException(architecture));
            }
        }
        return model;
    }

    /**
     * {@code LlamaForCausalLM} with its forward (transformers 4.40.2, eager, {@code use_cache=False}): the model,
     * then {@code lm_head} on every position; the output is the logits alone (no loss, no cache).
     */
    static final class LlamaForCausalLM extends Module {
        LlamaForCausalLM(Sizes s, boolean bias) {
            className(s.prefix + "ForCausalLM");
            Module base = add("model", new LlamaModel(s, bias));
            Module lmHead = add("lm_head", Layers.linear(s.hidden, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, base.child("embed_tokens"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            Shape hiddenStates = call(t, "model", inputIds);
            return call(t, "lm_head", hiddenStates);
        }
    }

    /**
     * {@code LlamaModel.forward(input_ids)}: {@code embed_tokens}, each decoder layer (an iterated
     * {@code nn.ModuleList}) with {@code position_ids = cache_position.unsqueeze(0)} of shape (1, seq), then
     * {@code norm}. The causal mask runs no module and counts nothing.
     */
    static final class LlamaModel extends Module {
        LlamaModel(Sizes s, boolean bias) {
            className(s.prefix + "Model");
            add("embed_tokens", Layers.embeddingForward(s.vocab, s.hidden));
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layers.append(new LlamaDecoderLayer(s, bias));
            }
            add("norm", new LlamaRMSNorm(s.hidden, s.prefix));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "embed_tokens", inputIds);
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "layers", i, hiddenStates);
            }
            return call(t, "norm", hiddenStates);
        }
    }

    /** {@code LlamaDecoderLayer}: pre-norm attention and MLP, each with its residual add. */
    static final class LlamaDecoderLayer extends Module {
        private final String feedForwardName;

        LlamaDecoderLayer(Sizes s, boolean bias) {
            className(s.prefix + "DecoderLayer");
            feedForwardName = s.feedForwardName;
            add("self_attn", new LlamaAttention(s, bias));
            add(s.feedForwardName, s.feedForward.apply(s));
            add("input_layernorm", new LlamaRMSNorm(s.hidden, s.prefix));
            add("post_attention_layernorm", new LlamaRMSNorm(s.hidden, s.prefix));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            hiddenStates = call(t, "input_layernorm", hiddenStates);
            hiddenStates = Reshape.broadcast(residual, call(t, "self_attn", hiddenStates));
            residual = hiddenStates;
            hiddenStates = call(t, "post_attention_layernorm", hiddenStates);
            if (!feedForwardName.equals("mlp")) {
                // hidden_states, router_logits = self.block_sparse_moe(hidden_states)
                return Reshape.broadcast(residual, callOutputs(t, feedForwardName, List.of(hiddenStates)).get(0));
            }
            return Reshape.broadcast(residual, call(t, "mlp", hiddenStates));
        }
    }

    /**
     * {@code LlamaAttention} (eager): q/k/v projections, {@code rotary_emb(value_states, position_ids)},
     * {@code repeat_kv}, {@code matmul(q, k^T)}, softmax and functional dropout, {@code matmul(w, v)},
     * {@code o_proj}. Both matmuls count in this call.
     */
    static final class LlamaAttention extends Module {
        private final long heads;
        private final long kvHeads;
        private final long headDim;
        private final boolean cachedRotary;

        LlamaAttention(Sizes s, boolean bias) {
            className(s.prefix + "Attention");
            cachedRotary = s.cachedRotary;
            heads = s.heads;
            kvHeads = s.kvHeads;
            headDim = s.headDim;
            add("q_proj", Layers.linear(s.hidden, Dims.mul(s.heads, s.headDim), bias || s.qkvBias));
            add("k_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, s.headDim), bias || s.qkvBias));
            add("v_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, s.headDim), bias || s.qkvBias));
            add("o_proj", Layers.linear(Dims.mul(s.heads, s.headDim), s.hidden, bias));
            add("rotary_emb", new LlamaRotaryEmbedding(s.headDim, s.prefix, s.cachedRotary));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            long bsz = hiddenStates.dim(0);
            long qLen = hiddenStates.dim(1);
            call(t, "q_proj", hiddenStates);
            call(t, "k_proj", hiddenStates);
            call(t, "v_proj", hiddenStates);
            Shape queryStates = Shape.of(bsz, heads, qLen, headDim);
            Shape valueStates = Shape.of(bsz, kvHeads, qLen, headDim);
            if (cachedRotary) {
                // rotary_emb(value_states, seq_len=kv_seq_len)
                callOutputs(t, "rotary_emb", List.of(valueStates));
            } else {
                // position_ids = cache_position.unsqueeze(0): (1, q_len)
                callOutputs(t, "rotary_emb", List.of(valueStates, Shape.of(1, qLen)));
            }
            // repeat_kv: (bsz, num_heads, q_len, head_dim)
            Shape keyT = Shape.of(bsz, heads, headDim, qLen);
            Shape attnWeights = MatMul.matmul(queryStates, keyT);
            t.flops(MatMul.matmulFlops(queryStates, keyT));
            Shape valueRepeated = Shape.of(bsz, heads, qLen, headDim);
            MatMul.matmul(attnWeights, valueRepeated);
            t.flops(MatMul.matmulFlops(attnWeights, valueRepeated));
            return call(t, "o_proj", Shape.of(bsz, qLen, Dims.mul(heads, headDim)));
        }
    }

    /**
     * {@code LlamaRotaryEmbedding(x, position_ids)}: {@code inv_freq[None, :, None] @ position_ids[:, None, :]}
     * (a counted matmul), {@code cat((freqs, freqs))}, cos and sin, each {@code (position batch, seq, dim)}.
     */
    static final class LlamaRotaryEmbedding extends Module {
        private final long dim;
        private final boolean cached;

        LlamaRotaryEmbedding(long dim, String prefix, boolean cached) {
            className(prefix + "RotaryEmbedding");
            this.dim = dim;
            this.cached = cached;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            if (cached) {
                // cos_cached[:seq_len], sin_cached[:seq_len]
                Shape cs = Shape.of(xs.get(0).dim(2), dim);
                return List.of(cs, cs);
            }
            Shape positionIds = xs.get(1);
            Shape invFreqExpanded = Shape.of(positionIds.dim(0), dim / 2, 1);
            Shape positionIdsExpanded = Shape.of(positionIds.dim(0), 1, positionIds.dim(1));
            Shape freqs = MatMul.matmul(invFreqExpanded, positionIdsExpanded);
            t.flops(MatMul.matmulFlops(invFreqExpanded, positionIdsExpanded));
            Shape emb = Shape.of(freqs.dim(0), freqs.dim(2), Dims.mul(freqs.dim(1), 2));
            return List.of(emb, emb);
        }
    }

    /** {@code LlamaMLP}: {@code down_proj(act_fn(gate_proj(x)) * up_proj(x))}. */
    static final class LlamaMLP extends Module {
        LlamaMLP(Sizes s) {
            className(s.prefix + "MLP");
            add("gate_proj", Layers.linear(s.hidden, s.intermediate, s.mlpBias));
            add("up_proj", Layers.linear(s.hidden, s.intermediate, s.mlpBias));
            add("down_proj", Layers.linear(s.intermediate, s.hidden, s.mlpBias));
            add("act_fn", Bert.act(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape gate = call(t, "act_fn", call(t, "gate_proj", x));
            Shape up = call(t, "up_proj", x);
            return call(t, "down_proj", Reshape.broadcast(gate, up));
        }
    }

    /**
     * {@code LlamaRMSNorm} and every family's copy ({@code prefix + "RMSNorm"}; Gemma's scales by {@code 1 + weight}):
     * one {@code weight (hidden,)}; the shape is kept.
     */
    static final class LlamaRMSNorm extends Module {
        private final long hidden;

        LlamaRMSNorm(long hidden, String prefix) {
            className(prefix + "RMSNorm");
            this.hidden = hidden;
            parameter("weight", hidden);
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return Reshape.broadcast(x, Shape.of(hidden));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("LlamaDecoderLayer");
    }

    /** {@code LlamaConfig.__init__}'s sizes. */
    static Sizes sizes(HfConfig config) {
        return new Sizes(config, 32000, 4096, 11008, 32, 32, false);
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: {@code num_key_value_heads x head_dim} per layer, the window of a
     * config that sets one.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.llama(config, architecture, sizes(config));
    }
}
