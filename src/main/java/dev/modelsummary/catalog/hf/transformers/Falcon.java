package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

/**
 * transformers 4.40 {@code models/falcon/modeling_falcon.py} with {@code FalconConfig}'s defaults (those of
 * falcon-7b). {@code FalconConfig} in 4.40 has no {@code attribute_map}: the RW keys {@code n_head},
 * {@code n_layer}, {@code n_head_kv} are kept as plain attributes and shape nothing; only {@code n_embed} is read
 * (it replaces {@code hidden_size}). The rotary {@code inv_freq}/cos/sin caches are non-persistent buffers and
 * ALiBi has no tensors, so neither leaves anything here.
 */
public final class Falcon implements HfFamily {
    static final String BASE = "FalconModel";

    @Override
    public String modelType() {
        return "falcon";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "FalconForCausalLM", "FalconForSequenceClassification",
                "FalconForTokenClassification", "FalconForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return falconModel(s);
            }
            case "FalconForCausalLM" -> {
                Module transformer = model.add("transformer", falconModel(s));
                Module lmHead = model.add("lm_head", Layers.linear(s.hidden, s.vocab, false));
                Heads.tieWeights(s.tieWordEmbeddings, lmHead, transformer.child("word_embeddings"));
            }
            default -> {
                return Heads.classification(architecture, "transformer", "transformer", () -> falconModel(s),
                        s.hidden, config.numLabels()).orElseThrow(() -> new IllegalStateException(architecture));
            }
        }
        return model;
    }

    /** The sizes {@code FalconConfig} gives, with its defaults. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long kvHeads;
        final boolean alibi;
        final boolean newDecoderArchitecture;
        final boolean multiQuery;
        final boolean parallelAttn;
        final boolean bias;
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 65024);
            // backward compatibility: an n_embed kwarg replaces hidden_size
            hidden = c.has("n_embed") ? c.integer("n_embed", 4544) : c.integer("hidden_size", 4544);
            layers = c.integer("num_hidden_layers", 32);
            heads = c.integer("num_attention_heads", 71);
            kvHeads = c.integer("num_kv_heads", heads);
            alibi = c.bool("alibi", false);
            newDecoderArchitecture = c.bool("new_decoder_architecture", false);
            multiQuery = c.bool("multi_query", true);
            parallelAttn = c.bool("parallel_attn", true);
            bias = c.bool("bias", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            validateRopeScaling(c, alibi);
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero"); // hidden_size // heads
            }
            if ((hidden / heads) * heads != hidden) {
                // FalconAttention's ValueError
                throw new ConfigException("`hidden_size` must be divisible by num_heads (got `hidden_size`: "
                        + hidden + " and `num_heads`: " + heads + ").");
            }
        }

        long headDim() {
            return hidden / heads;
        }
    }

    /**
     * {@code FalconConfig._rope_scaling_validation}: no {@code rope_scaling} with ALiBi, and a dict of exactly
     * {@code type} (linear or dynamic) and {@code factor} (a float above 1). The check of the alibi flag itself
     * reads {@code self.rotary} in some releases; only the refusal both readings share is made here.
     */
    private static void validateRopeScaling(HfConfig c, boolean alibi) {
        JsonNode scaling = c.node("rope_scaling");
        if (scaling == null || scaling.isNull()) {
            return;
        }
        if (alibi) {
            throw new ConfigException("`rope_scaling` is not supported when `alibi` is `True`.");
        }
        if (!scaling.isObject() || scaling.size() != 2) {
            throw new ConfigException("`rope_scaling` must be a dictionary with with two fields, `type` and "
                    + "`factor`, got " + GptNeoX.pythonRepr(scaling));
        }
        JsonNode type = scaling.get("type");
        if (type == null || type.isNull() || !(type.isTextual()
                && (type.textValue().equals("linear") || type.textValue().equals("dynamic")))) {
            throw new ConfigException("`rope_scaling`'s type field must be one of ['linear', 'dynamic'], got "
                    + (type == null ? "None" : GptNeoX.pythonStr(type)));
        }
        JsonNode factor = scaling.get("factor");
        if (factor == null || factor.isNull() || !factor.isFloatingPointNumber() || factor.doubleValue() <= 1.0) {
            throw new ConfigException("`rope_scaling`'s factor field must be an float > 1, got "
                    + (factor == null ? "None" : GptNeoX.pythonStr(factor)));
        }
    }

    /** {@code FalconModel}: word_embeddings, the decoder layers, ln_f. */
    static Module falconModel(Sizes s) {
        Module model = new Module();
        model.add("word_embeddings", Layers.embedding(s.vocab, s.hidden));
        Sequential h = model.add("h", new Sequential());
        for (long i = 0; i < s.layers; i++) {
            h.append(decoderLayer(s));
        }
        model.add("ln_f", Layers.layerNorm(s.hidden));
        return model;
    }

    /**
     * {@code FalconDecoderLayer}: self_attention and mlp first; then ln_attn and ln_mlp (new decoder
     * architecture), or input_layernorm and, without parallel attention, post_attention_layernorm.
     */
    private static Module decoderLayer(Sizes s) {
        Module layer = new Module();
        layer.add("self_attention", attention(s));
        Module mlp = layer.add("mlp", new Module());
        mlp.add("dense_h_to_4h", Layers.linear(s.hidden, Dims.mul(4, s.hidden), s.bias));
        mlp.add("dense_4h_to_h", Layers.linear(Dims.mul(4, s.hidden), s.hidden, s.bias));
        if (s.newDecoderArchitecture) {
            layer.add("ln_attn", Layers.layerNorm(s.hidden));
            layer.add("ln_mlp", Layers.layerNorm(s.hidden));
        } else {
            layer.add("input_layernorm", Layers.layerNorm(s.hidden));
            if (!s.parallelAttn) {
                layer.add("post_attention_layernorm", Layers.layerNorm(s.hidden));
            }
        }
        return layer;
    }

    /**
     * {@code FalconAttention}: the fused query_key_value (grouped k/v heads in the new decoder architecture, one
     * shared k and v head for multi-query, else full k and v), then dense; {@code FalconLinear} is an
     * {@code nn.Linear}.
     */
    private static Module attention(Sizes s) {
        long headDim = s.headDim();
        long qkvOut;
        if (s.newDecoderArchitecture) {
            qkvOut = Dims.mul(Dims.add(Dims.mul(s.kvHeads, 2), s.heads), headDim);
        } else if (s.multiQuery) {
            qkvOut = Dims.add(s.hidden, Dims.mul(2, headDim));
        } else {
            qkvOut = Dims.mul(3, s.hidden);
        }
        Module attention = new Module();
        attention.add("query_key_value", Layers.linear(s.hidden, qkvOut, s.bias));
        attention.add("dense", Layers.linear(s.hidden, s.hidden, s.bias));
        return attention;
    }
}
