package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/smollm3} ({@code modular_smollm3.py}): Llama's decoder where the layers of
 * {@code no_rope_layers} (every {@code no_rope_layer_interval}-th by default) skip the rotary embedding and
 * {@code use_sliding_window}/{@code layer_types} pick sliding layers: no tensor changes, and
 * {@code model.rotary_emb} still runs once. {@code tie_word_embeddings} defaults to true
 * ({@code PretrainedConfig}'s default), {@code attention_bias} and {@code mlp_bias} as Llama's.
 */
public final class SmolLM3 implements HfFamily {
    private static final String PREFIX = "SmolLM3";

    @Override
    public String modelType() {
        return "smollm3";
    }

    @Override
    public List<String> architectures() {
        return List.of("SmolLM3Model", "SmolLM3ForCausalLM", "SmolLM3ForSequenceClassification",
                "SmolLM3ForTokenClassification", "SmolLM3ForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // SmolLM3Config.__init__: num_key_value_heads=4 (None gives num_attention_heads), pad_token_id=128004
        Llama.Sizes s = sizes(config);
        LlamaBlocks.Options o = new LlamaBlocks.Options(s, PREFIX, config);
        boolean bias = config.bool("attention_bias", false);
        o.qkvBias = bias;
        o.oBias = bias;
        o.mlpBias = config.bool("mlp_bias", false);
        return LlamaBlocks.build(o, architecture);
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("SmolLM3DecoderLayer");
    }

    /** {@code SmolLM3Config.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        Llama.Sizes s = new Llama.Sizes(config, 128256, 2048, 11008, 36, 16,
                LlamaBlocks.kvHeadsDefault(config, 4L), true);
        if (config.node("pad_token_id") == null) {
            s.padTokenId = 128004L;
        }
        LlamaBlocks.layerTypeValidation(config, s);
        LlamaBlocks.headDim(s, config, null);
        return s;
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: under {@code use_sliding_window}, the window on the layers
     * without rotary ({@code no_rope_layers} 0).
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Llama.Sizes s = sizes(config);
        Long window = KvCaches.configWindow(config);
        boolean slide = config.bool("use_sliding_window", false) && window != null;
        // no_rope_layers: given, else int((i + 1) % no_rope_layer_interval != 0) (interval 4)
        com.fasterxml.jackson.databind.JsonNode noRope = config.node("no_rope_layers");
        long interval = config.integer("no_rope_layer_interval", 4);
        java.util.function.LongPredicate hasRope = noRope != null && noRope.isArray()
                ? i -> i < noRope.size() && noRope.get((int) i).asLong() != 0 : i -> (i + 1) % interval != 0;
        return KvCaches.decoder(config, architecture, s.layers, window, i -> slide && !hasRope.test(i), s.kvHeads,
                s.headDim, s.headDim);
    }
}
