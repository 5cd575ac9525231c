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
}
