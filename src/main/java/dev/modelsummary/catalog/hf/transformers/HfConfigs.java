package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;

/** Config reading that more than one family needs. */
final class HfConfigs {
    private HfConfigs() {
    }

    /**
     * A size a config class knows under two names, through its {@code attribute_map}: {@code key} as one release
     * writes it, else {@code alias} as another does (5.x's {@code Qwen3MoeConfig} maps {@code num_experts} to
     * {@code num_local_experts} and so writes the latter; 4.57's writes {@code num_experts}), else the default.
     */
    static long aliased(HfConfig config, String key, String alias, long defaultValue) {
        if (config.has(key)) {
            return config.integer(key, defaultValue);
        }
        return config.integer(alias, defaultValue);
    }
}
