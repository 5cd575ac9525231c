package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return gptNeoXModel(s);
            }
            case "GPTNeoXForCausalLM" -> {
                Module gptNeoX = model.add("gpt_neox", gptNeoXModel(s));
                Module embedOut = model.add("embed_out", Layers.linear(s.hidden, s.vocab, false));
                Heads.tieWeights(s.tieWordEmbeddings, embedOut, gptNeoX.child("embed_in"));
            }
            default -> {
                return Heads.classification(architecture, "gpt_neox", "gpt_neox", () -> gptNeoXModel(s),
                        s.hidden, config.numLabels()).orElseThrow(() -> new IllegalStateException(architecture));
            }
        }
        return model;
    }

    /** The sizes {@code GPTNeoXConfig} gives, with its defaults and its checks. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long intermediate;
        final boolean attentionBias;
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 50432);
            hidden = c.integer("hidden_size", 6144);
            layers = c.integer("num_hidden_layers", 44);
            heads = c.integer("num_attention_heads", 64);
            intermediate = c.integer("intermediate_size", 24576);
            attentionBias = c.bool("attention_bias", true);
            tieWordEmbeddings = c.bool("tie_word_embeddings", false);
            validateRopeScaling(c);
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero"); // hidden_size % heads
            }
            if (hidden % heads != 0) {
                throw new ConfigException(
                        "The hidden size is not divisble by the number of attention heads! Make sure to update them!");
            }
        }
    }

    /** {@code GPTNeoXModel}: embed_in, the layers, final_layer_norm. */
    static Module gptNeoXModel(Sizes s) {
        Module model = new Module();
        model.add("embed_in", Layers.embedding(s.vocab, s.hidden));
        Sequential layers = model.add("layers", new Sequential());
        for (long i = 0; i < s.layers; i++) {
            layers.append(layer(s));
        }
        model.add("final_layer_norm", Layers.layerNorm(s.hidden));
        return model;
    }

    /** {@code GPTNeoXLayer}: both LayerNorms first, then attention and mlp. */
    private static Module layer(Sizes s) {
        Module layer = new Module();
        layer.add("input_layernorm", Layers.layerNorm(s.hidden));
        layer.add("post_attention_layernorm", Layers.layerNorm(s.hidden));
        Module attention = layer.add("attention", new Module());
        attention.add("query_key_value", Layers.linear(s.hidden, Dims.mul(3, s.hidden), s.attentionBias));
        attention.add("dense", Layers.linear(s.hidden, s.hidden, s.attentionBias));
        Module mlp = layer.add("mlp", new Module());
        mlp.add("dense_h_to_4h", Layers.linear(s.hidden, s.intermediate));
        mlp.add("dense_4h_to_h", Layers.linear(s.intermediate, s.hidden));
        return layer;
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
}
