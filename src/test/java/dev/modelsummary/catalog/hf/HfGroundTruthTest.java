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
 * Each Hugging Face model listed in {@code hf-golden/transformers-4.40.2/} (made by the real transformers 4.40.2
 * from the config in the file, {@code construct} saying how) is built here from the same config and class, and
 * lists exactly what PyTorch listed ({@link GoldenListing#assertMatches}).
 */
class HfGroundTruthTest {
    static Stream<Path> cases() throws IOException {
        return GoldenListing.files("hf-golden/transformers-4.40.2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsWhatTransformersBuilds(Path file) {
        JsonNode truth = GoldenListing.read(file);
        HfConfig config = HfConfig.parse(bytes(truth.get("config")));
        Builder builder = HfModels.builder("golden", config);
        // _from_config(config) builds in the default dtype, float32, whatever the config's torch_dtype says
        Model model = Catalog.build(builder, Kwargs.parse("golden", builder.args(),
                Map.of("architecture", truth.get("class").asText(), "torch_dtype", "float32"), true));

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
