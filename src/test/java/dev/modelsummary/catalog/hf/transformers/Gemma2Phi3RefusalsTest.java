package dev.modelsummary.catalog.hf.transformers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the real transformers 4.57.6 refuses for gemma2 and phi3 configs, refused with its words. */
class Gemma2Phi3RefusalsTest {
    private static final String GEMMA2 = "\"vocab_size\": 100, \"hidden_size\": 32, \"intermediate_size\": 64, "
            + "\"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"head_dim\": 16";
    private static final String PHI3 = "\"vocab_size\": 100, \"hidden_size\": 32, \"intermediate_size\": 64, "
            + "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"pad_token_id\": 0";

    private static void build(HfFamily family, String json, String architecture) {
        family.build(HfConfig.parse(("{" + json + "}").getBytes(StandardCharsets.UTF_8)), architecture);
    }

    @Test
    void layerTypesMustCoverEveryLayer() {
        assertThatThrownBy(() -> build(new Gemma2(), GEMMA2 + ", \"num_hidden_layers\": 3, \"layer_types\": "
                + "[\"full_attention\", \"full_attention\"]", "Gemma2ForCausalLM"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("`num_hidden_layers` (3) must be equal to the number of layer types (2)");
    }

    @Test
    void padTokenIdMustBeInTheTable() {
        assertThatThrownBy(() -> build(new Gemma2(), GEMMA2 + ", \"num_hidden_layers\": 2, \"pad_token_id\": 100",
                "Gemma2Model")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Padding_idx must be within num_embeddings");
    }

    @Test
    void phi3RopeScalingIsLongropeWithFactorsOfHalfTheRotaryDims() {
        assertThatThrownBy(() -> build(new Phi3(), PHI3 + ", \"rope_scaling\": {\"type\": \"longrope\", "
                + "\"short_factor\": [1.0, 1.0, 1.0], \"long_factor\": [1.0, 1.0, 1.0, 1.0]}", "Phi3ForCausalLM"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("`rope_scaling`'s short_factor field must have length 4, got 3");
        assertThatThrownBy(() -> build(new Phi3(), PHI3 + ", \"rope_scaling\": {\"type\": \"linear\", "
                + "\"factor\": 2.0}", "Phi3ForCausalLM"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("`rope_scaling` must be a dictionary with three fields, `type`, `short_factor` and "
                        + "`long_factor`, got {'type': 'linear', 'factor': 2.0}");
    }
}
