package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.hf.transformers.Qwen3;
import dev.modelsummary.catalog.hf.transformers.SmolLM3;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.GoldenListing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Llama-like decoder families of transformers 4.57.6 (Qwen3, Qwen3-MoE, Qwen2-MoE, OLMo 2, Granite, SmolLM3,
 * StarCoder2) on small configs listed by the real library ({@code tools/fixtures/hf17/llama_like_listings.py}):
 * every head class, the shape-affecting keys, dtype spelled {@code dtype} or {@code torch_dtype}.
 */
class HfLlamaLikeListingTest {
    static Stream<Path> cases() throws IOException {
        return GoldenListing.files("hf-golden/hf17-llama-like");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsWhatTransformersBuilds(Path file) {
        JsonNode truth = GoldenListing.read(file);
        HfConfig config = HfConfig.parse(bytes(truth.get("config")));
        Builder builder = HfModels.builder("golden", config);
        String dtype = config.has("dtype") ? config.string("dtype", "float32")
                : config.string("torch_dtype", "float32");
        Model model = Catalog.build(builder, Kwargs.parse("golden", builder.args(),
                Map.of("architecture", truth.get("class").asText(), "torch_dtype", dtype), true));

        GoldenListing.assertMatches(model, truth);
    }

    @Test
    void aPadTokenPastTheVocabularyIsRefusedAsNnEmbeddingRefusesIt() {
        // SmolLM3Config's pad_token_id defaults to 128004
        HfConfig config = HfConfig.parse(("{\"model_type\": \"smollm3\", \"vocab_size\": 101, \"hidden_size\": 32, "
                + "\"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"num_hidden_layers\": 1}")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new SmolLM3().build(config, "SmolLM3ForCausalLM"))
                .isInstanceOf(ConfigException.class).hasMessage("Padding_idx must be within num_embeddings");
    }

    @Test
    void layerTypesAreValidatedAsTheConfigClassesDo() {
        String base = "{\"model_type\": \"qwen3\", \"vocab_size\": 101, \"hidden_size\": 32, "
                + "\"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"num_hidden_layers\": 2, ";
        HfConfig wrongCount = HfConfig.parse((base + "\"layer_types\": [\"full_attention\"]}")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new Qwen3().build(wrongCount, "Qwen3Model")).isInstanceOf(ConfigException.class)
                .hasMessage("`num_hidden_layers` (2) must be equal to the number of layer types (1)");
        HfConfig wrongType = HfConfig.parse((base + "\"layer_types\": [\"full_attention\", \"local\"]}")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new Qwen3().build(wrongType, "Qwen3Model")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("The `layer_types` entries must be in (");
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return new ObjectMapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
