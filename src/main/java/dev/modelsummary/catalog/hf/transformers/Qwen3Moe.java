package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.model.MoeRouting;

/**
 * transformers 4.57.6 {@code models/qwen3_moe} ({@code modular_qwen3_moe.py}): Qwen3's attention (per-head
 * q/k norms; {@code head_dim} from the config, else hidden / heads) and Qwen2-MoE's decoder layer whose
 * {@code mlp} is a sparse block of {@code num_experts} experts at {@code moe_intermediate_size} without a shared
 * expert ({@code norm_topk_prob} changes no tensor), or the dense MLP on {@code mlp_only_layers} and off the
 * {@code decoder_sparse_step}.
 */
public final class Qwen3Moe implements HfFamily {
    private static final String PREFIX = "Qwen3Moe";

    @Override
    public String modelType() {
        return "qwen3_moe";
    }

    @Override
    public List<String> architectures() {
        return List.of("Qwen3MoeModel", "Qwen3MoeForCausalLM", "Qwen3MoeForSequenceClassification",
                "Qwen3MoeForTokenClassification", "Qwen3MoeForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // Qwen3MoeConfig.__init__: num_key_value_heads=4
        Llama.Sizes s = sizes(config);
        LlamaBlocks.Options o = new LlamaBlocks.Options(s, PREFIX, config);
        boolean bias = config.bool("attention_bias", false);
        o.qkvBias = bias;
        o.oBias = bias;
        o.qkNorm = LlamaBlocks.QkNorm.PER_HEAD;
        o.feedForward = MoeBlocks.qwenFeedForward(o, config, HfConfigs.aliased(config, "num_experts", "num_local_experts", 128),
                config.integer("num_experts_per_tok", 8), config.integer("moe_intermediate_size", 768),
                hidden -> null);
        return LlamaBlocks.build(o, architecture);
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Qwen3MoeDecoderLayer");
    }

    /** {@code Qwen3MoeConfig.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        return LlamaBlocks.sizes(config, 151936, 2048, 6144, 24, 32, LlamaBlocks.kvHeadsDefault(config, 4L), false);
    }

    /** {@code num_experts_per_tok} (8) of {@code num_experts} (128) {@code mlp.experts} on the sparse layers. */
    @Override
    public MoeRouting moe(HfConfig config) {
        return MoeBlocks.routing(HfConfigs.aliased(config, "num_experts", "num_local_experts", 128),
                config.integer("num_experts_per_tok", 8));
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: a window only under {@code use_sliding_window}, then on every
     * layer.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.qwen(config, architecture, sizes(config), false);
    }
}
