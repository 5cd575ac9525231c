package dev.modelsummary.catalog.timm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.GoldenListing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each timm model listed in {@code hf-golden/timm-0.9.7/} (made by the real timm 0.9.7,
 * {@code timm.create_model(name, pretrained=False)}) is built here by the builder {@code timm/<name>} with its
 * defaults, and lists exactly what PyTorch listed ({@link GoldenListing#assertMatches}).
 */
class TimmGroundTruthTest {
    private static final Catalog CATALOG = Catalog.standard();

    static Stream<Path> cases() throws IOException {
        return GoldenListing.files("hf-golden/timm-0.9.7");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsWhatTimmBuilds(Path file) {
        JsonNode truth = GoldenListing.read(file);
        String name = "timm/" + truth.get("model").asText();
        assertThat(truth.get("hub_id").asText()).isEqualTo(name);
        Model model = CATALOG.build(name).orElseThrow(() -> new AssertionError("no built-in " + name));

        assertThat(model.name()).isEqualTo("timm-" + truth.get("model").asText());
        GoldenListing.assertMatches(model, truth);
    }
}
