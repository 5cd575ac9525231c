package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/gemma/modeling_gemma.py} with {@code GemmaConfig}'s defaults: Llama's decoder
 * with {@code head_dim} from the config (so {@code o_proj} maps {@code num_heads * head_dim} to the hidden size),
 * {@code GemmaRMSNorm} (one {@code weight}), and {@code tie_word_embeddings} true by default, so the
 * {@code lm_head} is the input embeddings. The rotary {@code inv_freq} is a non-persistent buffer.
 */
public final class Gemma implements HfFamily {
    private static final String PREFIX = "Gemma";

    @Override
    public String modelType() {
        return "gemma";
    }

    @Override
    public List<String> architectures() {
        return List.of("GemmaModel", "GemmaForCausalLM", "GemmaForSequenceClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // GemmaConfig.__init__: num_key_value_heads=16 and head_dim=256, kept as given (no None fallback)
        for (String key : List.of("num_key_value_heads", "head_dim")) {
            JsonNode value = config.node(key);
            if (value != null && value.isNull()) {
                throw new ConfigException("unsupported operand type(s) for *: 'int' and 'NoneType' (" + key
                        + " is None)");
            }
        }
        Llama.Sizes s = sizes(config);
        // GemmaAttention's check
        if (s.heads == 0 || Math.floorMod(s.hidden, s.heads) != 0) {
            throw new ConfigException("hidden_size must be divisible by num_heads (got `hidden_size`: " + s.hidden
                    + " and `num_heads`: " + s.heads + ").");
        }
        s.checkKvHeads();
        // GemmaConfig has no rope_scaling in 4.40; 4.57's rotary embedding reads one given as a config attribute
        Rope.validate(config, null, false, s.headDim);
        boolean bias = config.bool("attention_bias", false);
        // GemmaMLP: ACT2FN[config.hidden_activation], gelu_pytorch_tanh when None; the rotary is Llama's
        // (inv_freq @ position_ids); GemmaModel scales the embeddings by an elementwise multiply (0 FLOPs)
        s.prefix = PREFIX;
        if (!config.has("pad_token_id") && config.node("pad_token_id") == null) {
            s.padTokenId = 0L; // GemmaConfig(pad_token_id=0)
        }
        JsonNode activation = config.node("hidden_activation");
        s.hiddenAct = activation != null && activation.isTextual() ? activation.textValue() : "gelu_pytorch_tanh";
        if (architecture.equals("GemmaModel")) {
            return new Llama.LlamaModel(s, bias);
        }
        if (architecture.equals("GemmaForCausalLM")) {
            return new Llama.LlamaForCausalLM(s, bias);
        }
        return Llama.withHead(architecture, PREFIX, s, () -> new Llama.LlamaModel(s, bias));
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("GemmaDecoderLayer");
    }

    /** {@code GemmaConfig.__init__}'s sizes: {@code num_key_value_heads=16}, {@code head_dim=256}. */
    private static Llama.Sizes sizes(HfConfig config) {
        Llama.Sizes s = new Llama.Sizes(config, 256000, 3072, 24576, 28, 16, 16L, true);
        s.headDim = config.integer("head_dim", 256);
        return s;
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code num_key_value_heads x head_dim} per layer. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.llama(config, architecture, sizes(config));
    }
}
