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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/gpt_neox/modeling_gpt_neox.py} (Pythia) with {@code GPTNeoXConfig}'s defaults.
 * The attention's causal {@code bias}/{@code masked_bias} and the rotary {@code inv_freq}/cos/sin caches are
 * non-persistent buffers, so not here. {@code embed_out} is tied to {@code embed_in} only when
 * {@code tie_word_embeddings} is set (the config class defaults it to False).
 */
public final class GptNeoX implements HfFamily {
    static final String BASE = "GPTNeoXModel";

    @Override
    public String modelType() {
        return "gpt_neox";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "GPTNeoXForCausalLM", "GPTNeoXForSequenceClassification",
                "GPTNeoXForTokenClassification", "GPTNeoXForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new GPTNeoXModel(s);
            case "GPTNeoXForCausalLM" -> new GPTNeoXForCausalLM(s);
            default -> Heads.generic(architecture, "gpt_neox", "gpt_neox", () -> new GPTNeoXModel(s), s.hidden,
                    config.numLabels(), config.optionalInteger("pad_token_id"))
                    .orElseThrow(() -> new IllegalStateException(architecture));
        };
    }

    /** The sizes {@code GPTNeoXConfig} gives, with its defaults and its checks. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long intermediate;
        final boolean attentionBias;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;
        final boolean tieWordEmbeddings;
        final String hiddenAct;
        final double rotaryPct;
        final boolean useParallelResidual;
        /** The rotary class by {@code rope_scaling}'s type: none, linear or dynamic. */
        final String rotaryClass;

        Sizes(HfConfig c) {
            hiddenAct = c.string("hidden_act", "gelu");
            rotaryPct = c.real("rotary_pct", 0.25);
            useParallelResidual = c.bool("use_parallel_residual", true);
            vocab = c.integer("vocab_size", 50432);
            hidden = c.integer("hidden_size", 6144);
            layers = c.integer("num_hidden_layers", 44);
            heads = c.integer("num_attention_heads", 64);
            intermediate = c.integer("intermediate_size", 24576);
            attentionBias = c.bool("attention_bias", true);
            tieWordEmbeddings = c.bool("tie_word_embeddings", false);
            torchscript = c.bool("torchscript", false);
            Rope.validate(c, GptNeoX::validateRopeScaling, true, heads == 0 ? 0 : hidden / heads);
            rotaryClass = "GPTNeoX" + Rope.legacyClass(c) + "RotaryEmbedding";
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero"); // hidden_size % heads
            }
            if (hidden % heads != 0) {
                throw new ConfigException(
                        "The hidden size is not divisble by the number of attention heads! Make sure to update them!");
            }
        }
    }

    /**
     * {@code GPTNeoXModel} with its forward (4.40.2, eager, {@code use_cache=False}): embed_in, emb_dropout, each
     * layer (an iterated {@code nn.ModuleList}), final_layer_norm; the last hidden state alone.
     */
    static final class GPTNeoXModel extends Module {
        GPTNeoXModel(Sizes s) {
            add("embed_in", Layers.embeddingForward(s.vocab, s.hidden));
            add("emb_dropout", Layers.dropout(0.0));
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layers.append(new GPTNeoXLayer(s));
            }
            add("final_layer_norm", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "emb_dropout", call(t, "embed_in", inputIds));
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "layers", i, hiddenStates);
            }
            return call(t, "final_layer_norm", hiddenStates);
        }
    }

    /**
     * {@code GPTNeoXLayer}: {@code attention(input_layernorm(x))}, post_attention_dropout; with
     * {@code use_parallel_residual} {@code x + attn + post_mlp_dropout(mlp(post_attention_layernorm(x)))}, else
     * the MLP reads {@code post_attention_layernorm(attn + x)}.
     */
    static final class GPTNeoXLayer extends Module {
        private final boolean useParallelResidual;

        GPTNeoXLayer(Sizes s) {
            useParallelResidual = s.useParallelResidual;
            add("input_layernorm", Layers.layerNormForward(s.hidden));
            add("post_attention_layernorm", Layers.layerNormForward(s.hidden));
            add("post_attention_dropout", Layers.dropout(0.0));
            add("post_mlp_dropout", Layers.dropout(0.0));
            add("attention", new GPTNeoXAttention(s));
            add("mlp", new GPTNeoXMLP(s));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape attnOutput = call(t, "attention", call(t, "input_layernorm", hiddenStates));
            attnOutput = call(t, "post_attention_dropout", attnOutput);
            if (useParallelResidual) {
                Shape mlpOutput = call(t, "mlp", call(t, "post_attention_layernorm", hiddenStates));
                mlpOutput = call(t, "post_mlp_dropout", mlpOutput);
                return Reshape.broadcast(Reshape.broadcast(mlpOutput, attnOutput), hiddenStates);
            }
            attnOutput = Reshape.broadcast(attnOutput, hiddenStates);
            Shape mlpOutput = call(t, "mlp", call(t, "post_attention_layernorm", attnOutput));
            mlpOutput = call(t, "post_mlp_dropout", mlpOutput);
            return Reshape.broadcast(mlpOutput, attnOutput);
        }
    }

    /**
     * {@code GPTNeoXAttention} (eager): query_key_value, q/k/v of {@code (batch, heads, seq, head_size)},
     * {@code rotary_emb(value, seq_len)} (4.40.2's cached cos/sin, {@code (seq, rotary_ndims)} each with
     * {@code rotary_ndims = int(head_size * rotary_pct)}, no matmul) on the first rotary_ndims dims, then
     * {@code baddbmm(zeros, q, k^T)} over {@code batch * heads}, softmax, {@code attention_dropout} on the
     * weights, {@code matmul(w, v)}, merge, dense. Both products count in this call.
     */
    static final class GPTNeoXAttention extends Module {
        private final long heads;
        private final long headSize;

        GPTNeoXAttention(Sizes s) {
            heads = s.heads;
            headSize = s.hidden / s.heads;
            add("rotary_emb", new DecoderParts.CachedRotaryEmbedding(s.rotaryClass, (long) (headSize * s.rotaryPct)));
            add("query_key_value", Layers.linear(s.hidden, Dims.mul(3, s.hidden), s.attentionBias));
            add("dense", Layers.linear(s.hidden, s.hidden, s.attentionBias));
            add("attention_dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape qkv = call(t, "query_key_value", hiddenStates);
            long batch = qkv.dim(0);
            long seq = qkv.dim(1);
            Shape value = Shape.of(batch, heads, seq, headSize);
            callOutputs(t, "rotary_emb", List.of(value));
            long bh = Dims.mul(batch, heads);
            Shape query = Shape.of(bh, seq, headSize);
            Shape keyT = Shape.of(bh, headSize, seq);
            MatMul.bmm(query, keyT);
            t.flops(MatMul.bmmFlops(query, keyT));
            Shape weights = call(t, "attention_dropout", Shape.of(batch, heads, seq, seq));
            MatMul.matmul(weights, value);
            t.flops(MatMul.matmulFlops(weights, value));
            return call(t, "dense", Shape.of(batch, seq, Dims.mul(heads, headSize)));
        }
    }

    /** {@code GPTNeoXMLP}: dense_h_to_4h, act ({@code ACT2FN[hidden_act]}), dense_4h_to_h. */
    static final class GPTNeoXMLP extends DecoderParts.TwoLayerMlp {
        GPTNeoXMLP(Sizes s) {
            super("dense_h_to_4h", "act", "dense_4h_to_h");
            add("dense_h_to_4h", Layers.linear(s.hidden, s.intermediate));
            add("dense_4h_to_h", Layers.linear(s.intermediate, s.hidden));
            add("act", Bert.act(s.hiddenAct));
        }
    }

    /** {@code GPTNeoXForCausalLM}: gpt_neox, embed_out on every position; the logits alone. */
    static final class GPTNeoXForCausalLM extends Module {
        GPTNeoXForCausalLM(Sizes s) {
            Module gptNeoX = add("gpt_neox", new GPTNeoXModel(s));
            Module embedOut = add("embed_out", Layers.linear(s.hidden, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, embedOut, gptNeoX.child("embed_in"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "embed_out", Heads.lastHiddenState(this, t, "gpt_neox", inputIds));
        }
    }

    /**
     * {@code LlamaConfig._rope_scaling_validation} as 4.40 copies it into {@code GPTNeoXConfig} and
     * {@code PhiConfig}: null, or a dict of exactly {@code type} (linear or dynamic) and {@code factor} (a float
     * above 1).
     */
    static void validateRopeScaling(HfConfig c) {
        JsonNode scaling = c.node("rope_scaling");
        if (scaling == null || scaling.isNull()) {
            return;
        }
        if (!scaling.isObject() || scaling.size() != 2) {
            throw new ConfigException("`rope_scaling` must be a dictionary with two fields, `type` and `factor`, "
                    + "got " + pythonRepr(scaling));
        }
        JsonNode type = scaling.get("type");
        if (type == null || type.isNull() || !(type.isTextual()
                && (type.textValue().equals("linear") || type.textValue().equals("dynamic")))) {
            throw new ConfigException("`rope_scaling`'s type field must be one of ['linear', 'dynamic'], got "
                    + (type == null ? "None" : pythonStr(type)));
        }
        JsonNode factor = scaling.get("factor");
        if (factor == null || factor.isNull() || !factor.isFloatingPointNumber() || factor.doubleValue() <= 1.0) {
            throw new ConfigException("`rope_scaling`'s factor field must be a float > 1, got "
                    + (factor == null ? "None" : pythonStr(factor)));
        }
    }

    /** {@code str(value)} of a JSON value as Python holds it. */
    static String pythonStr(JsonNode value) {
        return value.isTextual() ? value.textValue() : pythonRepr(value);
    }

    /** {@code repr(value)} of a JSON value as Python holds it (dicts, lists, str, numbers, bools, None). */
    static String pythonRepr(JsonNode value) {
        if (value == null || value.isNull()) {
            return "None";
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "True" : "False";
        }
        if (value.isTextual()) {
            return "'" + value.textValue().replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        if (value.isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < value.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(pythonRepr(value.get(i)));
            }
            return out.append(']').toString();
        }
        if (value.isObject()) {
            StringBuilder out = new StringBuilder("{");
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.append(first ? "" : ", ").append('\'').append(field.getKey()).append("': ")
                        .append(pythonRepr(field.getValue()));
                first = false;
            }
            return out.append('}').toString();
        }
        if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e16 ? String.format("%.1f", d) : Double.toString(d);
        }
        return value.asText();
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("GPTNeoXLayer");
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code n_head x hidden / n_head} per layer, every layer full. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, s.heads, Math.floorDiv(s.hidden, s.heads));
    }
}
