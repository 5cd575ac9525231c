package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/granite} ({@code modular_granite.py}): Llama's decoder with scalar multipliers
 * ({@code embedding_multiplier} on the embeddings, {@code residual_multiplier} on each block's output,
 * {@code attention_multiplier} as the attention scaling, the logits divided by {@code logits_scaling}): no
 * tensor and no FLOP changes ({@code attention_bias} on q, k, v, o and {@code mlp_bias} as Llama's). Only the
 * base model and {@code GraniteForCausalLM}.
 */
public final class Granite implements HfFamily {
    private static final String PREFIX = "Granite";

    @Override
    public String modelType() {
        return "granite";
    }

    @Override
    public List<String> architectures() {
        return List.of("GraniteModel", "GraniteForCausalLM");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // GraniteConfig.__init__: num_key_value_heads None gives num_attention_heads
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
        return List.of("GraniteDecoderLayer");
    }

    /** {@code GraniteConfig.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        return LlamaBlocks.sizes(config, 32000, 4096, 11008, 32, 32, null, false);
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code num_key_value_heads x head_dim} per layer. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.llama(config, architecture, sizes(config));
    }
}
