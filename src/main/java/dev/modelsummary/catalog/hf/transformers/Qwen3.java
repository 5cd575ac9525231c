package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/qwen3} ({@code modular_qwen3.py}): Qwen2's decoder whose attention is Llama's
 * ({@code attention_bias} on q, k, v and o, default none) plus {@code q_norm} and {@code k_norm}, RMSNorms over
 * {@code head_dim} applied per head; {@code head_dim} defaults to 128 whatever the hidden size and heads are; the
 * MLP is Gemma's (no bias). {@code layer_types} / sliding windows change no tensor.
 */
public final class Qwen3 implements HfFamily {
    private static final String PREFIX = "Qwen3";

    @Override
    public String modelType() {
        return "qwen3";
    }

    @Override
    public List<String> architectures() {
        return List.of("Qwen3Model", "Qwen3ForCausalLM", "Qwen3ForSequenceClassification",
                "Qwen3ForTokenClassification", "Qwen3ForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // Qwen3Config.__init__: num_key_value_heads=32 (None: num_attention_heads), head_dim=128
        Llama.Sizes s = sizes(config);
        LlamaBlocks.Options o = new LlamaBlocks.Options(s, PREFIX, config);
        boolean bias = config.bool("attention_bias", false);
        o.qkvBias = bias;
        o.oBias = bias;
        o.qkNorm = LlamaBlocks.QkNorm.PER_HEAD;
        return LlamaBlocks.build(o, architecture);
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Qwen3DecoderLayer");
    }

    /** {@code Qwen3Config.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        Llama.Sizes s = new Llama.Sizes(config, 151936, 4096, 22016, 32, 32,
                LlamaBlocks.kvHeadsDefault(config, 32L), false);
        LlamaBlocks.layerTypeValidation(config, s);
        LlamaBlocks.headDim(s, config, 128L);
        return s;
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: a window only under {@code use_sliding_window}, on the layers
     * from {@code max_window_layers} on.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.qwen(config, architecture, sizes(config), true);
    }
}
