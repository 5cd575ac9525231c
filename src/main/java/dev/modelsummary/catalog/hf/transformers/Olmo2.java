package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/olmo2} ({@code modular_olmo2.py}): OLMo's (Llama's) decoder with
 * {@code q_norm} and {@code k_norm} over the whole q and k projections ({@code heads * head_dim} and
 * {@code kv_heads * head_dim}, unlike Qwen3's per head), and norms after each block instead of before:
 * {@code post_attention_layernorm} and {@code post_feedforward_layernorm}, no {@code input_layernorm}. Only the
 * base model and {@code Olmo2ForCausalLM}.
 */
public final class Olmo2 implements HfFamily {
    private static final String PREFIX = "Olmo2";

    @Override
    public String modelType() {
        return "olmo2";
    }

    @Override
    public List<String> architectures() {
        return List.of("Olmo2Model", "Olmo2ForCausalLM");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // Olmo2Config.__init__: num_key_value_heads None gives num_attention_heads; pad_token_id=1
        Llama.Sizes s = sizes(config);
        LlamaBlocks.Options o = new LlamaBlocks.Options(s, PREFIX, config);
        boolean bias = config.bool("attention_bias", false);
        o.qkvBias = bias;
        o.oBias = bias;
        o.qkNorm = LlamaBlocks.QkNorm.WHOLE;
        o.postNorms = true;
        return LlamaBlocks.build(o, architecture);
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Olmo2DecoderLayer");
    }

    /** {@code Olmo2Config.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        return LlamaBlocks.sizes(config, 50304, 4096, 11008, 32, 32, null, false);
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code num_key_value_heads x head_dim} per layer. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.llama(config, architecture, sizes(config));
    }
}
