package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.model.MoeRouting;

/**
 * transformers 4.57.6 {@code models/qwen2_moe/modeling_qwen2_moe.py} (no modular file): Qwen2's older attention
 * ({@code qkv_bias} on q, k and v, none on o; a {@code rotary_emb} of its own that is registered and never called;
 * the weights not returned) checking {@code head_dim * heads == hidden}, and a sparse MoE block of
 * {@code num_experts} experts at {@code moe_intermediate_size} plus a {@code shared_expert} at
 * {@code shared_expert_intermediate_size} and its {@code shared_expert_gate} (hidden to 1).
 */
public final class Qwen2Moe implements HfFamily {
    private static final String PREFIX = "Qwen2Moe";

    @Override
    public String modelType() {
        return "qwen2_moe";
    }

    @Override
    public List<String> architectures() {
        return List.of("Qwen2MoeModel", "Qwen2MoeForCausalLM", "Qwen2MoeForSequenceClassification",
                "Qwen2MoeForTokenClassification", "Qwen2MoeForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // Qwen2MoeConfig.__init__: num_key_value_heads=16
        Llama.Sizes s = sizes(config);
        if (Math.multiplyExact(s.headDim, s.heads) != s.hidden) {
            throw new ConfigException("hidden_size must be divisible by num_heads (got `hidden_size`: " + s.hidden
                    + " and `num_heads`: " + s.heads + ").");
        }
        LlamaBlocks.Options o = new LlamaBlocks.Options(s, PREFIX, config);
        o.qkvBias = config.bool("qkv_bias", true);
        o.legacyAttention = true;
        o.qaBase = "model";
        long shared = config.integer("shared_expert_intermediate_size", 5632);
        o.feedForward = MoeBlocks.qwenFeedForward(o, config, config.integer("num_experts", 60),
                config.integer("num_experts_per_tok", 4), config.integer("moe_intermediate_size", 1408),
                hidden -> new LlamaBlocks.GatedMlp(o, shared));
        return LlamaBlocks.build(o, architecture);
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Qwen2MoeDecoderLayer");
    }

    /** {@code Qwen2MoeConfig.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        return LlamaBlocks.sizes(config, 151936, 2048, 5632, 24, 16, LlamaBlocks.kvHeadsDefault(config, 16L), false);
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: a window only under {@code use_sliding_window}, then on every
     * layer.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.qwen(config, architecture, sizes(config), false);
    }

    /**
     * {@code num_experts_per_tok} (4) of {@code num_experts} (60) {@code mlp.experts}; the {@code shared_expert} always
     * runs.
     */
    @Override
    public MoeRouting moe(HfConfig config) {
        return MoeBlocks.routing(config.integer("num_experts", 60), config.integer("num_experts_per_tok", 4));
    }
}
