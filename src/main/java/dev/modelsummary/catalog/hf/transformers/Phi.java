package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

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
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return phiModel(s);
            }
            case "PhiForCausalLM" -> {
                Module phi = model.add("model", phiModel(s));
                Module lmHead = model.add("lm_head", Layers.linear(s.hidden, s.vocab, true));
                Heads.tieWeights(s.tieWordEmbeddings, lmHead, phi.child("embed_tokens"));
            }
            default -> {
                return Heads.classification(architecture, "model", "model", () -> phiModel(s),
                        s.hidden, config.numLabels()).orElseThrow(() -> new IllegalStateException(architecture));
            }
        }
        return model;
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
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 51200);
            hidden = c.integer("hidden_size", 2048);
            intermediate = c.integer("intermediate_size", 8192);
            layers = c.integer("num_hidden_layers", 24);
            heads = c.integer("num_attention_heads", 32);
            kvHeads = c.integer("num_key_value_heads", heads);
            qkLayernorm = c.bool("qk_layernorm", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", false);
            GptNeoX.validateRopeScaling(c);
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

    /** {@code PhiModel}: embed_tokens, the layers, final_layernorm. */
    static Module phiModel(Sizes s) {
        Module model = new Module();
        model.add("embed_tokens", Layers.embedding(s.vocab, s.hidden));
        Sequential layers = model.add("layers", new Sequential());
        for (long i = 0; i < s.layers; i++) {
            layers.append(decoderLayer(s));
        }
        model.add("final_layernorm", Layers.layerNorm(s.hidden));
        return model;
    }

    /** {@code PhiDecoderLayer}: self_attn, mlp, then its one LayerNorm (attention and MLP run in parallel). */
    private static Module decoderLayer(Sizes s) {
        Module layer = new Module();
        layer.add("self_attn", attention(s));
        Module mlp = layer.add("mlp", new Module());
        mlp.add("fc1", Layers.linear(s.hidden, s.intermediate));
        mlp.add("fc2", Layers.linear(s.intermediate, s.hidden));
        layer.add("input_layernorm", Layers.layerNorm(s.hidden));
        return layer;
    }

    /** {@code PhiAttention}: q, k, v and dense projections with biases, per-head LayerNorms when configured. */
    private static Module attention(Sizes s) {
        Module attention = new Module();
        long headDim = s.headDim();
        attention.add("q_proj", Layers.linear(s.hidden, Dims.mul(s.heads, headDim)));
        attention.add("k_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, headDim)));
        attention.add("v_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, headDim)));
        attention.add("dense", Layers.linear(Dims.mul(s.heads, headDim), s.hidden));
        if (s.qkLayernorm) {
            attention.add("q_layernorm", Layers.layerNorm(headDim));
            attention.add("k_layernorm", Layers.layerNorm(headDim));
        }
        return attention;
    }
}
