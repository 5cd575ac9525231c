package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.ConfigArgumentException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Llama, Mistral, Mixtral, Qwen2 and Gemma: the bundled checkpoints, the heads, and config overrides. */
class LlamaFamiliesTest {
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

    private static long parameters(Model model) {
        return model.tensors().stream().filter(t -> t.isParameter() && t.aliasOf() == null)
                .mapToLong(TensorEntry::numel).sum();
    }

    private static Model fromJson(String json, String architecture) {
        HfConfig config = HfConfig.parse(json.getBytes(StandardCharsets.UTF_8));
        Builder builder = HfModels.builder("test", config);
        return Catalog.build(builder, Kwargs.parse("test", builder.args(), Map.of("architecture", architecture),
                true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"meta-llama/Llama-2-7b-hf", "meta-llama/Meta-Llama-3-8B", "mistralai/Mistral-7B-v0.1",
            "mistralai/Mixtral-8x7B-v0.1", "Qwen/Qwen2-7B", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "google/gemma-2b",
            "google/gemma-7b"})
    void everyBundledCheckpointBuildsItsCausalLm(String hubId) {
        Model model = build(hubId, Map.of());

        assertThat(model.tensors().get(0).name()).isEqualTo("model.embed_tokens.weight");
        assertThat(model.tensors().get(model.tensors().size() - 1).name()).isEqualTo("lm_head.weight");
        assertThat(model.tensors()).allMatch(t -> t.isParameter());
    }

    @Test
    void llama2InItsFloat16StoresTwoBytesAParameter() {
        // the Hub config says "torch_dtype": "float16"; the bundled copy keeps only the keys that shape the
        // model, so the dtype is given as the argument from_pretrained(torch_dtype=...) takes
        Model model = build("meta-llama/Llama-2-7b-hf", Map.of("torch_dtype", "float16"));

        assertThat(model.tensors()).allMatch(t -> t.dtype() == DType.FLOAT16);
        long bytes = model.tensors().stream().filter(t -> t.aliasOf() == null).mapToLong(TensorEntry::bytes).sum();
        assertThat(bytes).isEqualTo(6_738_415_616L * 2); // about 12.55 GiB
        assertThat(bytes / (double) (1L << 30)).isBetween(12.55, 12.56);
    }

    @Test
    void layerCountAndSizesFollowTheArguments() {
        Model model = build("TinyLlama/TinyLlama-1.1B-Chat-v1.0", Map.of("num_hidden_layers", "2"));

        assertThat(model.tensors()).extracting(TensorEntry::name)
                .anyMatch(n -> n.startsWith("model.layers.1."))
                .noneMatch(n -> n.startsWith("model.layers.2."));
        assertThat(model.tensors()).hasSize(2 * 9 + 3);
        Model mha = build("TinyLlama/TinyLlama-1.1B-Chat-v1.0", Map.of("num_key_value_heads", "32"));
        assertThat(shape(mha, "model.layers.0.self_attn.k_proj.weight")).containsExactly(2048, 2048);
        assertThat(shape(build("TinyLlama/TinyLlama-1.1B-Chat-v1.0", Map.of()),
                "model.layers.0.self_attn.k_proj.weight")).containsExactly(256, 2048);
    }

    @Test
    void headCountsThatDoNotDivideTheHiddenSizeAreRefused() {
        assertThatThrownBy(() -> build("meta-llama/Llama-2-7b-hf", Map.of("num_attention_heads", "30")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("hidden_size must be divisible by num_heads (got `hidden_size`: 4096 and `num_heads`: "
                        + "30).");
        assertThatThrownBy(() -> build("google/gemma-2b", Map.of("num_attention_heads", "3")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessageStartingWith("hidden_size must be divisible by num_heads");
        assertThatThrownBy(() -> build("Qwen/Qwen2-7B", Map.of("hidden_size", "3000")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("hidden_size must be divisible by num_heads (got `hidden_size`: 3000 and `num_heads`: "
                        + "28).");
    }

    @Test
    void ropeScalingIsValidatedAsLlamaConfigDoes() {
        // rope_type is 4.43+'s spelling: validated as 4.57 does, its required keys a KeyError when missing
        assertThatThrownBy(() -> fromJson("{\"model_type\": \"llama\", \"rope_scaling\": {\"factor\": 8.0, "
                + "\"rope_type\": \"llama3\", \"low_freq_factor\": 1.0}}", "LlamaModel"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Missing required keys in `rope_scaling` for 'rope_type'='llama3': "
                        + "{'high_freq_factor', 'original_max_position_embeddings'}");
        // a type 4.40 did not know is read as the release that knows it, never refused for its type
        assertThat(fromJson("{\"model_type\": \"llama\", \"num_hidden_layers\": 1, \"rope_scaling\": "
                + "{\"type\": \"yarn\", \"factor\": 2.0}}", "LlamaModel").tensors()).isNotEmpty();
        assertThatThrownBy(() -> fromJson("{\"model_type\": \"llama\", \"rope_scaling\": {\"type\": \"linear\", "
                + "\"factor\": 2}}", "LlamaModel"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("`rope_scaling`'s factor field must be a float > 1, got 2");
        Model scaled = fromJson("{\"model_type\": \"llama\", \"num_hidden_layers\": 1, \"rope_scaling\": "
                + "{\"type\": \"dynamic\", \"factor\": 2.0}}", "LlamaModel");
        assertThat(parameters(scaled)).isEqualTo(32000L * 4096 + 4 * 4096L * 4096 + 3 * 4096L * 11008
                + 3 * 4096);
    }

    @Test
    void llamaHeadsAreTheLibrarys() {
        Model classifier = build("meta-llama/Llama-2-7b-hf", Map.of("architecture",
                "LlamaForSequenceClassification", "num_labels", "3", "num_hidden_layers", "1"));
        assertThat(shape(classifier, "score.weight")).containsExactly(3, 4096);
        assertThat(tensor(classifier, "score.bias")).isEmpty();
        Model qa = build("meta-llama/Llama-2-7b-hf", Map.of("architecture", "LlamaForQuestionAnswering",
                "num_hidden_layers", "1"));
        assertThat(qa.tensors().get(0).name()).isEqualTo("transformer.embed_tokens.weight");
        assertThat(shape(qa, "qa_outputs.bias")).containsExactly(2);
        Model base = build("meta-llama/Llama-2-7b-hf", Map.of("architecture", "LlamaModel",
                "num_hidden_layers", "1"));
        assertThat(base.tensors()).extracting(TensorEntry::name).containsExactly("embed_tokens.weight",
                "layers.0.self_attn.q_proj.weight", "layers.0.self_attn.k_proj.weight",
                "layers.0.self_attn.v_proj.weight", "layers.0.self_attn.o_proj.weight",
                "layers.0.mlp.gate_proj.weight", "layers.0.mlp.up_proj.weight", "layers.0.mlp.down_proj.weight",
                "layers.0.input_layernorm.weight", "layers.0.post_attention_layernorm.weight", "norm.weight");
        Model biased = build("meta-llama/Llama-2-7b-hf", Map.of("attention_bias", "true", "num_hidden_layers", "1"));
        assertThat(shape(biased, "model.layers.0.self_attn.o_proj.bias")).containsExactly(4096);
        assertThat(tensor(biased, "model.layers.0.mlp.gate_proj.bias")).isEmpty();
    }

    @Test
    void tiedWordEmbeddingsMakeTheLmHeadAnAlias() {
        Model tied = build("TinyLlama/TinyLlama-1.1B-Chat-v1.0", Map.of("tie_word_embeddings", "true"));
        assertThat(tensor(tied, "lm_head.weight").orElseThrow().aliasOf()).isEqualTo("model.embed_tokens.weight");
        assertThat(parameters(tied)).isEqualTo(1_100_048_384L - 32000L * 2048);

        Model gemma = build("google/gemma-2b", Map.of());
        assertThat(tensor(gemma, "lm_head.weight").orElseThrow().aliasOf()).isEqualTo("model.embed_tokens.weight");
        Model untied = build("google/gemma-2b", Map.of("tie_word_embeddings", "false"));
        assertThat(tensor(untied, "lm_head.weight").orElseThrow().aliasOf()).isNull();
        assertThat(parameters(untied)).isEqualTo(2_506_172_416L + 256000L * 2048);
        Model cloned = build("google/gemma-2b", Map.of("torchscript", "true"));
        assertThat(tensor(cloned, "lm_head.weight").orElseThrow().aliasOf()).isNull();
    }

    @Test
    void gemmaTakesItsHeadDimFromTheConfig() {
        Model model = build("google/gemma-7b", Map.of("head_dim", "128", "num_hidden_layers", "1"));
        assertThat(shape(model, "model.layers.0.self_attn.q_proj.weight")).containsExactly(16 * 128, 3072);
        assertThat(shape(model, "model.layers.0.self_attn.o_proj.weight")).containsExactly(3072, 16 * 128);
    }

    @Test
    void qwen2HasBiasesOnQueryKeyAndValueOnly() {
        Model model = build("Qwen/Qwen2-7B", Map.of("num_hidden_layers", "1"));
        assertThat(shape(model, "model.layers.0.self_attn.q_proj.bias")).containsExactly(3584);
        assertThat(shape(model, "model.layers.0.self_attn.k_proj.bias")).containsExactly(512);
        assertThat(shape(model, "model.layers.0.self_attn.v_proj.bias")).containsExactly(512);
        assertThat(tensor(model, "model.layers.0.self_attn.o_proj.bias")).isEmpty();
    }

    @Test
    void mixtralHasARouterAndItsExperts() {
        Model model = build("mistralai/Mixtral-8x7B-v0.1", Map.of("num_local_experts", "2",
                "num_hidden_layers", "1"));
        List<String> names = model.tensors().stream().map(TensorEntry::name)
                .filter(n -> n.contains("block_sparse_moe")).toList();
        assertThat(names).containsExactly("model.layers.0.block_sparse_moe.gate.weight",
                "model.layers.0.block_sparse_moe.experts.0.w1.weight",
                "model.layers.0.block_sparse_moe.experts.0.w2.weight",
                "model.layers.0.block_sparse_moe.experts.0.w3.weight",
                "model.layers.0.block_sparse_moe.experts.1.w1.weight",
                "model.layers.0.block_sparse_moe.experts.1.w2.weight",
                "model.layers.0.block_sparse_moe.experts.1.w3.weight");
        assertThat(shape(model, "model.layers.0.block_sparse_moe.gate.weight")).containsExactly(2, 4096);
        assertThat(shape(model, "model.layers.0.block_sparse_moe.experts.1.w2.weight")).containsExactly(4096, 14336);
    }

    @Test
    void aFortySevenBillionMixtralBuildsInAnInstant() {
        build("mistralai/Mixtral-8x7B-v0.1", Map.of()); // warm up
        long start = System.nanoTime();
        Model model = build("mistralai/Mixtral-8x7B-v0.1", Map.of());
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(parameters(model)).isEqualTo(46_702_792_704L);
        assertThat(millis).isLessThan(2000);
    }

    @Test
    void mistralHeads() {
        Model classifier = build("mistralai/Mistral-7B-v0.1", Map.of("architecture",
                "MistralForSequenceClassification", "num_hidden_layers", "1"));
        assertThat(shape(classifier, "score.weight")).containsExactly(2, 4096);
        assertThat(shape(classifier, "model.layers.0.self_attn.k_proj.weight")).containsExactly(1024, 4096);
    }
}
