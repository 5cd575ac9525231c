package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/hf-families/configs.md: configs written by transformers 4.40 to 5.x (dtype spellings, rope
 * settings validated as the writing release does, explicit and null head_dim, layer_types) and the warning for a
 * shape-like key nobody read.
 */
class ConfigVersionsRulesTest {
    private static final String SMALL = "\"vocab_size\": 100, \"hidden_size\": 32, \"intermediate_size\": 64, "
            + "\"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"num_key_value_heads\": 2";

    private static Model build(String json, Map<String, String> args) {
        Builder builder = HfModels.builder("test", HfConfig.parse(json.getBytes(StandardCharsets.UTF_8)));
        return Catalog.build(builder, Kwargs.parse("test", builder.args(), args, true));
    }

    private static Model llama(String extra) {
        return build("{\"model_type\": \"llama\", " + SMALL + extra + "}", Map.of());
    }

    private static DType dtypeOf(Model model) {
        return model.tensors().get(0).dtype();
    }

    private static long[] shape(Model model, String name) {
        return model.tensors().stream().filter(t -> t.name().equals(name)).findFirst().map(TensorEntry::shape)
                .orElseThrow().dims();
    }

    @Test
    void dtypeIsReadInBothSpellingsAndDtypeWins() {
        assertThat(dtypeOf(llama(", \"dtype\": \"bfloat16\""))).isEqualTo(DType.BFLOAT16);
        assertThat(dtypeOf(llama(", \"torch_dtype\": \"float16\""))).isEqualTo(DType.FLOAT16);
        assertThat(dtypeOf(llama(", \"torch_dtype\": \"float16\", \"dtype\": \"bfloat16\"")))
                .isEqualTo(DType.BFLOAT16);
        assertThat(dtypeOf(llama(""))).isEqualTo(DType.FLOAT32);
        String json = "{\"model_type\": \"llama\", " + SMALL + ", \"dtype\": \"bfloat16\"}";
        // the builder argument still chooses; --arg dtype=X is the same and wins over torch_dtype
        assertThat(dtypeOf(build(json, Map.of("torch_dtype", "float16")))).isEqualTo(DType.FLOAT16);
        assertThat(dtypeOf(build(json, Map.of("dtype", "float64", "torch_dtype", "float16"))))
                .isEqualTo(DType.FLOAT64);
        assertThatThrownBy(() -> llama(", \"dtype\": \"int8\"")).isInstanceOf(ConfigException.class)
                .hasMessage("dtype 'int8' is not one of float32, float16, bfloat16, float64.");
    }

    @Test
    void everyKnownRopeTypeIsAcceptedInEveryFamily() {
        for (String family : new String[] {"llama", "mistral", "mixtral", "qwen2", "gemma", "phi", "gpt_neox",
                "falcon"}) {
            for (String rope : new String[] {"{\"rope_type\": \"default\"}",
                    "{\"rope_type\": \"linear\", \"factor\": 2.0}", "{\"type\": \"dynamic\", \"factor\": 2.0}",
                    "{\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 64}",
                    "{\"rope_type\": \"longrope\", \"short_factor\": [1.0], \"long_factor\": [1.0], \"factor\": 2.0}",
                    "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": "
                            + "4.0, \"original_max_position_embeddings\": 64}"}) {
                Model model = build("{\"model_type\": \"" + family + "\", " + SMALL + ", \"rope_scaling\": " + rope
                        + "}", Map.of());
                assertThat(model.tensors()).as(family + " " + rope).isNotEmpty();
            }
        }
    }

    @Test
    void ropeIsValidatedAsTheWritingReleaseDoes() {
        // 4.40-4.42 (type alone, or transformers_version below 4.43): the two-field check of type linear/dynamic
        assertThatThrownBy(() -> llama(", \"transformers_version\": \"4.40.2\", \"rope_scaling\": {\"type\": "
                + "\"linear\", \"factor\": 2}")).hasMessage("`rope_scaling`'s factor field must be a float > 1, got 2");
        // 4.43+: the same dict spelled with rope_type is a warning only
        Model warned = llama(", \"transformers_version\": \"4.57.6\", \"rope_scaling\": {\"type\": \"linear\", "
                + "\"rope_type\": \"linear\", \"factor\": 2}");
        assertThat(warned.warnings()).containsExactly("`rope_scaling`'s factor field must be a float >= 1, got 2");
        // a type 4.40 did not know is read as 4.43+ reads it, even in a 4.40 config
        assertThat(llama(", \"transformers_version\": \"4.40.2\", \"rope_scaling\": {\"type\": \"yarn\", "
                + "\"factor\": 2.0}").warnings()).isEmpty();
        // required keys: a KeyError in 4.57's rope_config_validation
        assertThatThrownBy(() -> llama(", \"rope_scaling\": {\"rope_type\": \"yarn\"}"))
                .hasMessage("Missing required keys in `rope_scaling` for 'rope_type'='yarn': {'factor'}");
        // Mistral's config class validates nothing, but its rotary embedding reads rope_scaling["factor"]
        assertThatThrownBy(() -> build("{\"model_type\": \"mistral\", " + SMALL + ", \"rope_scaling\": "
                + "{\"rope_type\": \"linear\"}}", Map.of())).hasMessageStartingWith("KeyError: 'factor'");
        // an unknown type: ROPE_INIT_FUNCTIONS[rope_type] when the model is built
        assertThatThrownBy(() -> llama(", \"rope_scaling\": {\"rope_type\": \"su\", \"factor\": 2.0}"))
                .hasMessageStartingWith("KeyError: 'su'");
        // unknown keys are logged, not refused
        assertThat(llama(", \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2.0, \"beta\": 1.0}")
                .warnings()).containsExactly("Unrecognized keys in `rope_scaling` for 'rope_type'='linear': {'beta'}");
    }

    @Test
    void ropeParametersAreReadAs5xReadsThem() {
        // 5.x fills rope_theta and original_max_position_embeddings, so llama3 needs only its factors
        Model model = llama(", \"transformers_version\": \"5.18.0\", \"rope_parameters\": {\"rope_type\": "
                + "\"llama3\", \"rope_theta\": 500000.0, \"factor\": 8.0, \"low_freq_factor\": 1.0, "
                + "\"high_freq_factor\": 4.0}");
        assertThat(model.warnings()).isEmpty();
        assertThatThrownBy(() -> llama(", \"rope_parameters\": {\"rope_type\": \"llama3\", \"factor\": 8.0}"))
                .hasMessage("Missing required keys in `rope_parameters` for 'rope_type'='llama3': "
                        + "{'high_freq_factor', 'low_freq_factor'}");
        // an integer factor is fine in 5.x
        assertThat(llama(", \"rope_parameters\": {\"rope_type\": \"linear\", \"factor\": 2}").warnings()).isEmpty();
        // a fully rotated odd head_dim above 4 is 5.x's ValueError
        assertThatThrownBy(() -> llama(", \"head_dim\": 7, \"rope_parameters\": {\"rope_type\": \"default\"}"))
                .hasMessage("RoPE requires an even rotary dimension, but got `head_dim`=7 with "
                        + "`partial_rotary_factor`=1.0 for `full_attention`.");
        // per layer type (Gemma 3 style): each entry validated
        assertThat(llama(", \"rope_parameters\": {\"full_attention\": {\"rope_type\": \"linear\", \"factor\": 8.0},"
                + " \"sliding_attention\": {\"rope_type\": \"default\"}}").warnings()).isEmpty();
    }

    @Test
    void explicitHeadDimSizesTheProjections() {
        Model mistral = build("{\"model_type\": \"mistral\", " + SMALL + ", \"head_dim\": 16}", Map.of());
        assertThat(shape(mistral, "layers.0.self_attn.q_proj.weight")).containsExactly(64, 32);
        assertThat(shape(mistral, "layers.0.self_attn.k_proj.weight")).containsExactly(32, 32);
        assertThat(shape(mistral, "layers.0.self_attn.o_proj.weight")).containsExactly(32, 64);
        // null derives hidden_size // num_attention_heads; for Qwen2 (no head_dim argument) it is a TypeError
        Model derived = build("{\"model_type\": \"mistral\", " + SMALL + ", \"head_dim\": null}", Map.of());
        assertThat(shape(derived, "layers.0.self_attn.q_proj.weight")).containsExactly(32, 32);
        assertThatThrownBy(() -> build("{\"model_type\": \"qwen2\", " + SMALL + ", \"head_dim\": null}", Map.of()))
                .isInstanceOf(ConfigException.class);
        Model qwen2 = build("{\"model_type\": \"qwen2\", " + SMALL + ", \"head_dim\": 16}", Map.of());
        assertThat(shape(qwen2, "layers.0.self_attn.q_proj.bias")).containsExactly(64);
        Model kv = build("{\"model_type\": \"mistral\", " + SMALL.replace("\"num_key_value_heads\": 2",
                "\"num_key_value_heads\": null") + "}", Map.of());
        assertThat(shape(kv, "layers.0.self_attn.k_proj.weight")).containsExactly(32, 32);
        // a null the config class does not derive reaches the model as None: Python's TypeError
        assertThatThrownBy(() -> build("{\"model_type\": \"llama\", " + SMALL.replace("\"intermediate_size\": 64",
                "\"intermediate_size\": null") + "}", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("intermediate_size is None");
    }

    @Test
    void layerTypesAreValidated() {
        assertThat(build("{\"model_type\": \"qwen2\", " + SMALL + ", \"layer_types\": [\"sliding_attention\"]}",
                Map.of()).warnings()).isEmpty();
        assertThatThrownBy(() -> build("{\"model_type\": \"qwen2\", " + SMALL + ", \"layer_types\": "
                + "[\"full_attention\", \"full_attention\"]}", Map.of()))
                .hasMessage("`num_hidden_layers` (1) must be equal to the number of layer types (2)");
        assertThatThrownBy(() -> build("{\"model_type\": \"qwen2\", " + SMALL + ", \"layer_types\": [\"local\"]}",
                Map.of())).hasMessageStartingWith("The `layer_types` entries must be in");
    }

    @Test
    void aShapeLikeKeyNobodyReadIsNamedInAWarning() {
        Model model = llama(", \"moe_intermediate_size\": 128, \"num_experts\": 4, \"rope_theta\": 1.0, "
                + "\"bos_token_id\": 1, \"num_beams\": 4, \"some_flag\": true");
        assertThat(model.warnings()).containsExactly(
                "config key 'moe_intermediate_size' is not understood; the listing ignores it",
                "config key 'num_experts' is not understood; the listing ignores it");
        // a bias switch is shape-like too; Llama reads mlp_bias (4.41+) and lists the biases
        assertThat(build("{\"model_type\": \"mistral\", " + SMALL + ", \"mlp_bias\": true}", Map.of()).warnings())
                .containsExactly("config key 'mlp_bias' is not understood; the listing ignores it");
        assertThat(shape(llama(", \"mlp_bias\": true"), "layers.0.mlp.down_proj.bias")).containsExactly(32);
        // a key a family reads is understood; a --arg override LlamaConfig does not define is named as such
        assertThat(llama(", \"head_dim\": 8").warnings()).isEmpty();
        assertThat(build("{\"model_type\": \"llama\", " + SMALL + "}", Map.of("n_inner", "12")).warnings())
                .containsExactly("--arg 'n_inner' is not a key of the llama config, so it changes nothing");
    }
}
