package dev.modelsummary.catalog.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.GoldenListing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tiny random configs of deepseek_v3 and gpt_oss (every head class, q_lora_rank null, attention biases, tied
 * embeddings, yarn rope scaling, dtype spelled both ways), listed by the real transformers 4.57.6
 * ({@code tools/fixtures/hf17/moe_goldens.py}): built here from the same config and class, the same listing.
 */
class HfMoe457ListingTest {
    static Stream<Path> cases() throws IOException {
        return GoldenListing.files("hf-golden/transformers-4.57.6-tiny")
                .filter(p -> p.getFileName().toString().startsWith("dsv3-")
                        || p.getFileName().toString().startsWith("gptoss-"));
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

    private static byte[] bytes(JsonNode node) {
        try {
            return new ObjectMapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void gptOssRefusesWhatLayerTypeValidationRefuses() {
        String base = "{\"model_type\": \"gpt_oss\", \"num_hidden_layers\": 3, \"hidden_size\": 32, "
                + "\"num_attention_heads\": 4, \"num_local_experts\": 2, \"vocab_size\": 10, \"layer_types\": ";
        assertThatThrownBy(() -> build(base + "[\"full_attention\", \"sliding_attention\"]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("`num_hidden_layers` (3) must be equal to the number of layer types (2)");
        assertThatThrownBy(() -> build(base + "[\"full_attention\", \"sliding\", \"full_attention\"]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("The `layer_types` entries must be in ('full_attention'");
    }

    private static void build(String json) {
        HfConfig config = HfConfig.parse(json.getBytes(StandardCharsets.UTF_8));
        Builder builder = HfModels.builder("test", config);
        Catalog.build(builder, Kwargs.parse("test", builder.args(), Map.of(), true));
    }
}
