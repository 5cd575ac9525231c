package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * Issue 17's "exactness on every config of the families we have": each file of {@code hf17/} (made by
 * tools/fixtures/hf17/make_hf17_exactness.py with the real transformers 4.57.6, which builds these configs of the
 * existing families as 4.40.2 does) is a tiny config exercising one key: {@code pruned_heads}, {@code torchscript},
 * Falcon's {@code ffn_hidden_size}, {@code num_key_value_heads: null}, XLNet's float32 tensors under a dtype,
 * {@code embedding_size} in BERT/RoBERTa, T5's {@code tie_encoder_decoder}, the refusals (padding index, cross
 * attention without a decoder, ResNet backbone stages) and {@code ResNetBackbone}. The model lists exactly what
 * PyTorch listed, or is refused (a ConfigException) with the library's words.
 */
class HfExactnessTest {
    static Stream<Path> cases() throws IOException {
        return GoldenListing.files("hf17");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsOrRefusesAsTransformersDoes(Path file) {
        JsonNode truth = GoldenListing.read(file);
        HfConfig config = HfConfig.parse(bytes(truth.get("config")));
        if (truth.has("error")) {
            String error = truth.get("error").asText();
            String words = error.substring(error.indexOf(": ") + 2);
            words = words.startsWith(") ") ? words.substring(2) : words; // past the module's repr
            words = words.isBlank() ? error.substring(0, error.indexOf(':')) : words; // NotImplementedError()
            assertThatThrownBy(() -> build(config, truth.get("class").asText()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(words);
            return;
        }
        GoldenListing.assertMatches(build(config, truth.get("class").asText()), truth);
    }

    static Model build(HfConfig config, String architecture) {
        Builder builder = HfModels.builder("golden", config);
        return Catalog.build(builder, Kwargs.parse("golden", builder.args(),
                Map.of("architecture", architecture), true));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return new ObjectMapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
