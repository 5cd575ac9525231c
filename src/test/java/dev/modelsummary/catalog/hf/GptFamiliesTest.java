package dev.modelsummary.catalog.hf;

import dev.modelsummary.catalog.ConfigArgumentException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GPT-2, GPT-NeoX, Phi and Falcon as transformers 4.40 builds them: the bundled checkpoints, config overrides
 * ({@code --arg}) that change the structure, and the values the library refuses.
 */
class GptFamiliesTest {
    private static final Catalog CATALOG = Catalog.standard();

    private static Model build(String hubId, Map<String, String> args) {
        return CATALOG.build(hubId, args).orElseThrow(() -> new AssertionError("no built-in " + hubId));
    }

    private static Optional<TensorEntry> tensor(Model model, String name) {
        return model.tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static long[] shape(Model model, String name) {
        return tensor(model, name).orElseThrow(() -> new AssertionError("no tensor " + name)).shape().dims();
    }

    private static long layers(Model model, String prefix) {
        return model.tensors().stream().map(TensorEntry::name).filter(n -> n.startsWith(prefix))
                .map(n -> n.substring(prefix.length(), n.indexOf('.', prefix.length()))).distinct().count();
    }

    private static long total(Model model) {
        return model.tensors().stream().filter(t -> t.isParameter() && t.aliasOf() == null)
                .mapToLong(TensorEntry::numel).sum();
    }

    private static Model fromConfig(String json, Map<String, String> args) {
        Builder builder = HfModels.builder("config", HfConfig.parse(json.getBytes(StandardCharsets.UTF_8)));
        return Catalog.build(builder, Kwargs.parse("config", builder.args(), args, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gpt2-xl", "EleutherAI/pythia-160m", "microsoft/phi-2", "tiiuae/falcon-7b"})
    void bundledCheckpointsBuild(String hubId) {
        assertThat(build(hubId, Map.of()).tensors()).isNotEmpty();
    }

    @Test
    void gpt2LmHeadIsTiedToWte() {
        Model model = build("gpt2", Map.of());
        assertThat(tensor(model, "lm_head.weight").orElseThrow().aliasOf()).isEqualTo("transformer.wte.weight");
        assertThat(total(model)).isEqualTo(124_439_808L);
        assertThat(shape(model, "transformer.h.0.attn.c_attn.weight")).containsExactly(768, 2304);
    }

    @Test
    void gpt2AttributeMapAliasesOverride() {
        Model model = build("gpt2", Map.of("num_hidden_layers", "2", "hidden_size", "960", "n_inner", "100"));
        assertThat(layers(model, "transformer.h.")).isEqualTo(2);
        assertThat(shape(model, "transformer.wte.weight")).containsExactly(50257, 960);
        assertThat(shape(model, "transformer.h.1.mlp.c_fc.weight")).containsExactly(960, 100);
        assertThat(layers(build("gpt2", Map.of("n_layer", "3")), "transformer.h.")).isEqualTo(3);
    }

    @Test
    void gpt2CrossAttentionAndHeads() {
        Model model = build("gpt2", Map.of("add_cross_attention", "true", "architecture", "GPT2DoubleHeadsModel"));
        assertThat(shape(model, "transformer.h.0.crossattention.c_attn.weight")).containsExactly(768, 1536);
        assertThat(shape(model, "transformer.h.0.crossattention.q_attn.weight")).containsExactly(768, 768);
        assertThat(shape(model, "transformer.h.0.ln_cross_attn.weight")).containsExactly(768);
        assertThat(shape(model, "multiple_choice_head.summary.weight")).containsExactly(1, 768);
        Model qa = build("gpt2", Map.of("architecture", "GPT2ForQuestionAnswering"));
        assertThat(shape(qa, "qa_outputs.weight")).containsExactly(2, 768);
    }

    @Test
    void gpt2RefusesHeadsThatDoNotDivide() {
        assertThatThrownBy(() -> build("gpt2", Map.of("n_head", "7")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("`embed_dim` must be divisible by num_heads (got `embed_dim`: 768 and "
                        + "`num_heads`: 7).");
        // embed_dim // num_heads in Python
        assertThatThrownBy(() -> build("gpt2", Map.of("n_head", "0")))
                .isInstanceOf(ConfigArgumentException.class).hasMessage("integer division or modulo by zero");
        assertThatThrownBy(() -> build("tiiuae/falcon-7b", Map.of("num_attention_heads", "0")))
                .isInstanceOf(ConfigArgumentException.class).hasMessage("integer division or modulo by zero");
    }

    @Test
    void pythiaOverrides() {
        Model model = build("EleutherAI/pythia-160m", Map.of("num_hidden_layers", "2", "tie_word_embeddings",
                "true", "attention_bias", "false"));
        assertThat(layers(model, "gpt_neox.layers.")).isEqualTo(2);
        assertThat(tensor(model, "embed_out.weight").orElseThrow().aliasOf()).isEqualTo("gpt_neox.embed_in.weight");
        assertThat(tensor(model, "gpt_neox.layers.0.attention.query_key_value.bias")).isEmpty();
        assertThatThrownBy(() -> build("EleutherAI/pythia-160m", Map.of("num_attention_heads", "7")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("The hidden size is not divisble by the number of attention heads! Make sure "
                        + "to update them!");
    }

    @Test
    void ropeScalingIsValidated() {
        // yarn changes no shape: read as 4.43+ reads it, not refused as 4.40 did
        assertThat(fromConfig("{\"model_type\": \"gpt_neox\", \"num_hidden_layers\": 1, \"rope_scaling\": "
                + "{\"type\": \"yarn\", \"factor\": 2.0}}", Map.of()).tensors()).isNotEmpty();
        assertThatThrownBy(() -> fromConfig("{\"model_type\": \"phi\", \"rope_scaling\": {\"type\": \"linear\", "
                + "\"factor\": 2}}", Map.of()))
                .hasMessage("`rope_scaling`'s factor field must be a float > 1, got 2");
        assertThatThrownBy(() -> fromConfig("{\"model_type\": \"phi\", \"rope_scaling\": {\"type\": \"linear\"}}",
                Map.of()))
                .hasMessage("`rope_scaling` must be a dictionary with two fields, `type` and `factor`, "
                        + "got {'type': 'linear'}");
        assertThatThrownBy(() -> fromConfig("{\"model_type\": \"falcon\", \"alibi\": true, \"rope_scaling\": "
                + "{\"type\": \"linear\", \"factor\": 2.0}}", Map.of()))
                .hasMessage("`rope_scaling` is not supported when `alibi` is `True`.");
        assertThat(fromConfig("{\"model_type\": \"gpt_neox\", \"num_hidden_layers\": 1, \"rope_scaling\": "
                + "{\"type\": \"dynamic\", \"factor\": 2.0}}", Map.of()).tensors()).isNotEmpty();
    }

    @Test
    void phiOverrides() {
        Model model = build("microsoft/phi-2", Map.of("num_hidden_layers", "3", "qk_layernorm", "true",
                "num_key_value_heads", "8", "tie_word_embeddings", "true"));
        assertThat(layers(model, "model.layers.")).isEqualTo(3);
        assertThat(shape(model, "model.layers.0.self_attn.q_layernorm.weight")).containsExactly(80);
        assertThat(shape(model, "model.layers.0.self_attn.k_proj.weight")).containsExactly(640, 2560);
        assertThat(tensor(model, "lm_head.weight").orElseThrow().aliasOf()).isEqualTo("model.embed_tokens.weight");
        assertThat(shape(model, "lm_head.bias")).containsExactly(51200);
        assertThatThrownBy(() -> build("microsoft/phi-2", Map.of("num_attention_heads", "30")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("hidden_size must be divisible by num_heads (got `hidden_size`: 2560 and "
                        + "`num_heads`: 30).");
    }

    @Test
    void falconDecoderArchitectures() {
        Model falcon7b = build("tiiuae/falcon-7b", Map.of());
        assertThat(shape(falcon7b, "transformer.h.0.self_attention.query_key_value.weight"))
                .containsExactly(4544 + 2 * 64, 4544);
        assertThat(tensor(falcon7b, "lm_head.weight").orElseThrow().aliasOf())
                .isEqualTo("transformer.word_embeddings.weight");
        assertThat(tensor(falcon7b, "transformer.h.0.post_attention_layernorm.weight")).isEmpty();

        Model grouped = build("tiiuae/falcon-7b", Map.of("num_hidden_layers", "2", "new_decoder_architecture",
                "true", "num_kv_heads", "8", "bias", "true"));
        assertThat(layers(grouped, "transformer.h.")).isEqualTo(2);
        assertThat(shape(grouped, "transformer.h.0.self_attention.query_key_value.weight"))
                .containsExactly((8 * 2 + 71) * 64, 4544);
        assertThat(shape(grouped, "transformer.h.0.mlp.dense_h_to_4h.bias")).containsExactly(4 * 4544);
        assertThat(Arrays.asList(names(grouped))).contains("transformer.h.0.ln_attn.weight",
                "transformer.h.0.ln_mlp.bias").doesNotContain("transformer.h.0.input_layernorm.weight");

        Model sequential = build("tiiuae/falcon-7b", Map.of("num_hidden_layers", "1", "parallel_attn", "false",
                "multi_query", "false"));
        assertThat(shape(sequential, "transformer.h.0.self_attention.query_key_value.weight"))
                .containsExactly(3 * 4544, 4544);
        assertThat(Arrays.asList(names(sequential))).containsSubsequence("transformer.h.0.input_layernorm.weight",
                "transformer.h.0.post_attention_layernorm.weight");

        assertThatThrownBy(() -> build("tiiuae/falcon-7b", Map.of("num_attention_heads", "7")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("`hidden_size` must be divisible by num_heads (got `hidden_size`: 4544 and "
                        + "`num_heads`: 7).");
    }

    private static String[] names(Model model) {
        return model.tensors().stream().map(TensorEntry::name).toArray(String[]::new);
    }
}
