package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/phi3/modular_phi3.py} with {@code Phi3Config}'s defaults (Phi-3 and phi-4):
 * the 4.57 Llama decoder with one fused {@code qkv_proj} (registered after {@code o_proj}) and one
 * {@code gate_up_proj} (chunked into gate and up), no biases, {@code Phi3RMSNorm}, and each residual branch
 * through a dropout ({@code resid_attn_dropout}, {@code resid_mlp_dropout}). {@code partial_rotary_factor}
 * shortens only the rotary's cos/sin ({@code inv_freq} is a non-persistent buffer); {@code rope_scaling} must be
 * longrope ({@code su} and {@code yarn} are renamed to it) with factor lists of {@code rotary_ndims // 2}; neither
 * changes a parameter. {@code num_key_value_heads} None means the head count; {@code head_dim}, when a config
 * sets it, replaces {@code hidden // heads}.
 */
public final class Phi3 implements HfFamily {
    static final String PREFIX = "Phi3";

    @Override
    public String modelType() {
        return "phi3";
    }

    @Override
    public List<String> architectures() {
        return List.of("Phi3Model", "Phi3ForCausalLM", "Phi3ForSequenceClassification", "Phi3ForTokenClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Decoder457.Spec s = spec(config);
        return Gemma2.withHead(architecture, s, () -> new Decoder457.Model(s, Decoder457.allFull()));
    }

    /** {@code Phi3Config._rope_scaling_adjustment} and {@code _rope_scaling_validation}. */
    static void ropeScalingValidation(HfConfig config, long rotaryNdims) {
        JsonNode scaling = config.node("rope_scaling");
        if (scaling == null || scaling.isNull()) {
            return;
        }
        if (!scaling.isObject() || scaling.size() != 3) {
            throw new ConfigException("`rope_scaling` must be a dictionary with three fields, `type`, "
                    + "`short_factor` and `long_factor`, got " + Llama.pythonRepr(scaling));
        }
        JsonNode type = scaling.get("type");
        String name = type != null && type.isTextual() ? type.textValue() : null;
        if (!"longrope".equals(name) && !"su".equals(name) && !"yarn".equals(name)) {
            throw new ConfigException("`rope_scaling`'s type field must be one of ['longrope'], got "
                    + (type == null ? "None" : type.isTextual() ? type.textValue() : Llama.pythonRepr(type)));
        }
        for (String key : List.of("short_factor", "long_factor")) {
            JsonNode factor = scaling.get(key);
            boolean numbers = factor != null && factor.isArray();
            if (numbers) {
                for (JsonNode x : factor) {
                    numbers &= x.isNumber();
                }
            }
            if (!numbers) {
                throw new ConfigException("`rope_scaling`'s " + key + " field must be a list of numbers, got "
                        + Llama.pythonRepr(factor));
            }
            if (factor.size() != rotaryNdims / 2) {
                throw new ConfigException("`rope_scaling`'s " + key + " field must have length " + rotaryNdims / 2
                        + ", got " + factor.size());
            }
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Phi3DecoderLayer");
    }

    /** {@code Phi3Config.__init__}'s sizes, checked as the attention checks them. */
    static Decoder457.Spec spec(HfConfig config) {
        // head_dim: None reaches num_heads * None, as in Python
        Decoder457.refuseNull(config, "head_dim", "num_attention_heads", "hidden_size");
        Decoder457.Spec s = new Decoder457.Spec();
        s.prefix = PREFIX;
        s.modelClass = "Phi3Model";
        s.vocab = config.integer("vocab_size", 32064);
        s.hidden = config.integer("hidden_size", 3072);
        s.intermediate = config.integer("intermediate_size", 8192);
        s.layers = config.integer("num_hidden_layers", 32);
        s.heads = config.integer("num_attention_heads", 32);
        Long kv = config.optionalInteger("num_key_value_heads");
        s.kvHeads = kv != null ? kv : s.heads;
        s.act = config.string("hidden_act", "silu");
        s.padTokenId = config.node("pad_token_id") == null ? Long.valueOf(32000)
                : config.optionalInteger("pad_token_id");
        s.numLabels = config.numLabels();
        s.tieWordEmbeddings = config.bool("tie_word_embeddings", false);
        s.torchscript = config.bool("torchscript", false);
        s.phi3 = true;
        if (s.heads == 0) {
            throw new ConfigException("integer division or modulo by zero (num_attention_heads is 0)");
        }
        long defaultHeadDim = Math.floorDiv(s.hidden, s.heads);
        double partial = config.real("partial_rotary_factor", 1.0);
        ropeScalingValidation(config, (long) (defaultHeadDim * partial));
        // Phi3Attention: getattr(config, "head_dim", hidden // heads); the rope init: head_dim or hidden // heads
        s.headDim = config.node("head_dim") == null ? defaultHeadDim : config.integer("head_dim", defaultHeadDim);
        s.rotaryDim = Decoder457.rotaryDim(config.has("head_dim") && s.headDim != 0 ? s.headDim : defaultHeadDim,
                partial);
        Decoder457.checkHeads(s);
        return s;
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: every layer sliding when {@code sliding_window} (None by default)
     * is set.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Decoder457.Spec s = spec(config);
        return KvCaches.decoder(config, architecture, s.layers, s.kvHeads, s.headDim);
    }
}
