package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/gemma2/modular_gemma2.py} with {@code Gemma2Config}'s defaults: Gemma's
 * decoder (explicit {@code head_dim}, tied {@code lm_head}, {@code GemmaRMSNorm} scaling by {@code 1 + weight},
 * the embeddings times {@code sqrt(hidden)}) plus a norm after the attention and two around the MLP
 * ({@code pre_feedforward_layernorm}, {@code post_feedforward_layernorm}). {@code query_pre_attn_scalar}, the
 * attention and final logit softcapping and the sliding window of alternate layers ({@code layer_types}) change
 * no shape: the attention weights stay {@code (batch, heads, seq, seq)} (the window is a mask).
 */
public final class Gemma2 implements HfFamily {
    static final String PREFIX = "Gemma2";

    @Override
    public String modelType() {
        return "gemma2";
    }

    @Override
    public List<String> architectures() {
        return List.of("Gemma2Model", "Gemma2ForCausalLM", "Gemma2ForSequenceClassification",
                "Gemma2ForTokenClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Decoder457.Spec s = spec(config, PREFIX, 256000, 2304, 9216, 26, 8, 4);
        s.modelClass = "Gemma2Model";
        // Gemma2Config: layer_types default to sliding on even layers ((i + 1) % 2)
        List<Boolean> sliding = Decoder457.slidingLayers(config, s.layers, i -> (i + 1) % 2 != 0);
        return withHead(architecture, s, () -> new Decoder457.Model(s, sliding));
    }

    /**
     * The sizes Gemma 2's and Gemma 3's config classes give: {@code head_dim} 256 and the rest as given (no None
     * fallback), {@code pad_token_id} 0, {@code hidden_activation} gelu_pytorch_tanh, tied embeddings.
     */
    static Decoder457.Spec spec(HfConfig config, String prefix, long vocab, long hidden, long intermediate,
                                long layers, long heads, long kvHeads) {
        Decoder457.refuseNull(config, "num_key_value_heads", "head_dim", "num_attention_heads", "hidden_size");
        Decoder457.Spec s = new Decoder457.Spec();
        s.prefix = prefix;
        s.vocab = config.integer("vocab_size", vocab);
        s.hidden = config.integer("hidden_size", hidden);
        s.intermediate = config.integer("intermediate_size", intermediate);
        s.layers = config.integer("num_hidden_layers", layers);
        s.heads = config.integer("num_attention_heads", heads);
        s.kvHeads = config.integer("num_key_value_heads", kvHeads);
        s.headDim = config.integer("head_dim", 256);
        s.attentionBias = config.bool("attention_bias", false);
        // Gemma2MLP: ACT2FN[config.hidden_activation] (no fallback for None, unlike Gemma 1's)
        JsonNode activation = config.node("hidden_activation");
        if (activation != null && activation.isNull()) {
            throw new ConfigException("function None not found in ACT2FN mapping (hidden_activation is None)");
        }
        s.act = config.string("hidden_activation", "gelu_pytorch_tanh");
        s.padTokenId = config.node("pad_token_id") == null ? Long.valueOf(0) : config.optionalInteger("pad_token_id");
        s.numLabels = config.numLabels();
        s.tieWordEmbeddings = config.bool("tie_word_embeddings", true);
        s.torchscript = config.bool("torchscript", false);
        s.rotaryDim = Decoder457.rotaryDim(s.headDim, config.real("partial_rotary_factor", 1.0));
        s.sandwichNorms = true;
        if (s.heads == 0) {
            throw new ConfigException("integer division or modulo by zero (num_attention_heads is 0)");
        }
        Decoder457.checkHeads(s);
        return s;
    }

    /**
     * Gemma 2's classes by suffix: {@code XModel}, {@code XForCausalLM}, and 4.57's
     * {@code GenericForSequenceClassification} / {@code GenericForTokenClassification} over {@code model}.
     */
    static Module withHead(String architecture, Decoder457.Spec s, java.util.function.Supplier<Module> base) {
        String head = architecture.substring(s.prefix.length());
        return switch (head) {
            case "Model", "TextModel" -> base.get();
            case "ForCausalLM" -> new Decoder457.ForCausalLM(architecture, s, base.get());
            case "ForSequenceClassification", "TextForSequenceClassification" ->
                    new Heads.SequenceClassification(architecture, "model", base.get(), s.hidden, s.numLabels,
                            s.padTokenId);
            case "ForTokenClassification" ->
                    new Decoder457.TokenClassification(architecture, base.get(), s.hidden, s.numLabels);
            default -> throw new IllegalStateException(architecture);
        };
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Gemma2DecoderLayer");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: {@code sliding_window} (4096) on the even layers unless {@code
     * layer_types} says otherwise.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Decoder457.Spec s = spec(config, PREFIX, 256000, 2304, 9216, 26, 8, 4);
        return KvCaches.decoder(config, architecture, s.layers, KvCaches.windowOrDefault(config, 4096),
                i -> (i + 1) % 2 != 0, s.kvHeads, s.headDim, s.headDim);
    }
}
