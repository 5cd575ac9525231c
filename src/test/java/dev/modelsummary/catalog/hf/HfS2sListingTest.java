package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
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
 * Every head class of OPT, GPT-Neo, BLOOM, GPT-J, BART and mT5 on small configs (shape keys, ties, dtypes spelled
 * {@code dtype} and {@code torch_dtype}), listed by the real transformers 4.57.6 (tools/fixtures/hf17/
 * s2s_listing_golden.py, and 58 seeded random configs from s2s_random_listings.py) and built here in the config's
 * dtype as 4.57's {@code _from_config} builds.
 */
class HfS2sListingTest {
    static Stream<Path> cases() throws IOException {
        return Stream.concat(GoldenListing.files("hf-golden/hf17-s2s"),
                GoldenListing.files("hf-golden/hf17-s2s-random"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsWhatTransformersBuilds(Path file) {
        JsonNode truth = GoldenListing.read(file);
        HfConfig config = HfConfig.parse(bytes(truth.get("config")));
        assumeThat(HfModels.family(config.modelType().orElseThrow())).isPresent();
        Builder builder = HfModels.builder("golden", config);
        String dtype = config.has("dtype") ? config.string("dtype", "float32")
                : config.string("torch_dtype", "float32");
        Model model = Catalog.build(builder, Kwargs.parse("golden", builder.args(),
                Map.of("architecture", truth.get("class").asText(), "torch_dtype", dtype), true));
        GoldenListing.assertMatches(model, truth);
    }

    /** OPT's {@code _init_weights} fills a LayerNorm weight that {@code elementwise_affine=False} leaves None. */
    @Test
    void optWithoutLayerNormAffineIsRefusedAsUpstreamFails() {
        HfConfig config = HfConfig.parse(("{\"model_type\": \"opt\", \"hidden_size\": 32, \"num_attention_heads\": 4,"
                + " \"layer_norm_elementwise_affine\": false}").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new dev.modelsummary.catalog.hf.transformers.Opt().build(config, "OPTModel"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'NoneType' object has no attribute 'data'");
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return new ObjectMapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
