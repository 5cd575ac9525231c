package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code hf-config-keys.txt}: the keys each family's config class defines, for {@code --arg} typo warnings. */
class ConfigClassKeysTest {
    @Test
    void everyFamilyHasItsConfigClassKeys() {
        for (HfFamily family : HfModels.families()) {
            assertThat(ConfigKeys.classKeys(family.modelType())).as(family.modelType()).isNotEmpty();
        }
    }

    @Test
    void aliasesAndUnreadKeysOfTheClassAreKnown() {
        // GPT2Config's attribute_map alias, and keys no tensor depends on
        assertThat(ConfigKeys.classKeys("gpt2")).contains("n_layer", "num_hidden_layers", "scale_attn_weights",
                "resid_pdrop");
        assertThat(ConfigKeys.classKeys("llama")).contains("rope_theta", "num_key_value_heads");
        assertThat(ConfigKeys.classKeys("no_such_type")).isEmpty();
    }
}
