package dev.modelsummary.format.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The fixtures of tools/fixtures/make_tfjs_fixtures.py against the listings the script wrote beside them. */
class TfjsFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Model read(String folder) throws IOException {
        return WeightReaders.standard().read(Resources.path("fixtures/tfjs/" + folder + "/model.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"layers", "graph", "quantized", "sharded"})
    void everyWeightIsListedAsTheScriptWroteIt(String folder) throws IOException {
        Model model = read(folder);
        JsonNode expected = JSON.readTree(Resources.text("fixtures/tfjs/" + folder + "/model.expected.json"));
        assertThat(model.format()).isEqualTo("tfjs");
        assertThat(model.name()).isEqualTo(folder);
        List<String> want = new ArrayList<>();
        expected.forEach(e -> {
            List<Long> shape = new ArrayList<>();
            e.get("shape").forEach(d -> shape.add(d.asLong()));
            want.add(e.get("name").asText() + " " + shape + " " + e.get("dtype").asText() + " " + e.get("bytes").asLong());
        });
        List<String> got = model.tensors().stream()
                .map(t -> t.name() + " " + t.shape() + " " + t.dtype().torchName() + " " + t.bytes()).toList();
        assertThat(got).containsExactlyElementsOf(want);
    }

    @Test
    void aLayersModelsBatchNormStatisticsAreBuffers() throws IOException {
        Model model = read("layers");
        assertThat(model.tensors().stream().filter(t -> t.role() == Role.BUFFER).map(TensorEntry::name))
                .containsExactly("batch_normalization_BatchNormalization1/moving_mean",
                        "batch_normalization_BatchNormalization1/moving_variance");
        assertThat(model.tensors().stream().filter(TensorEntry::isParameter).allMatch(TensorEntry::trainable)).isTrue();
        assertThat(model.warnings()).isEmpty();
    }

    @Test
    void aGraphModelsWeightsAreFrozenAndItsIntConstantsBuffers() throws IOException {
        Model model = read("graph");
        assertThat(model.tensors()).extracting(TensorEntry::role, TensorEntry::trainable).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Role.PARAMETER, false),
                org.assertj.core.groups.Tuple.tuple(Role.PARAMETER, false),
                org.assertj.core.groups.Tuple.tuple(Role.BUFFER, false));
    }

    @Test
    void quantizedWeightsShowTheStoredDtypeAndAWarningNamesWhatTheyComputeAs() throws IOException {
        assertThat(read("quantized").warnings()).containsExactly(
                "'1' weights are stored quantized as uint8 (computed as float32); their dtype here is the stored one.",
                "'1' weights are stored quantized as float16 (computed as float32); their dtype here is the stored one.",
                "'1' weights are stored quantized as uint16 (computed as float32); their dtype here is the stored one.");
    }

    @Test
    void onlyModelJsonIsReadNeverAShard() throws IOException {
        for (String folder : List.of("layers", "graph", "quantized", "sharded")) {
            Path file = Resources.path("fixtures/tfjs/" + folder + "/model.json");
            CountingOpener opener = new CountingOpener();
            new TfjsReader().read(file, opener);
            assertThat(opener.opened()).containsExactly(file);
            assertThat(opener.totalBytes()).isEqualTo(Files.size(file));
        }
    }

    @Test
    void aHuggingFaceConfigIsNotClaimed() {
        assertThatThrownBy(() -> WeightReaders.standard().choose(Resources.path("fixtures/tfjs/not_tfjs/config.json")))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("Not a weight file of any supported format");
    }

    @Test
    void aSafetensorsIndexStaysWithSafetensors() throws IOException {
        Path index = Resources.path("fixtures/safetensors/sharded/model.safetensors.index.json");
        assertThat(WeightReaders.standard().choose(index).format()).isEqualTo("safetensors");
        byte[] bytes = Files.readAllBytes(index);
        assertThat(new TfjsReader().sniff(bytes, bytes.length)).isFalse();
    }
}
