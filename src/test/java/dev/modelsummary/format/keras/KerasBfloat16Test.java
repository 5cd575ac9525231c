package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * bfloat16 variables as Keras + h5py store them: an HDF5 opaque type of 2 bytes with no tag, which jhdf 0.13.0
 * could not parse (the whole group failed); {@code tools/fixtures/make_keras_bfloat16_fixtures.py}.
 */
class KerasBfloat16Test {
    private static final String DIR = "fixtures/keras/";

    @ParameterizedTest
    @CsvSource({"bf16.weights.h5, '', 0", "bf16.keras, '', 0", "bf16_legacy.h5, model_weights/, 1"})
    void bfloat16DatasetsAreListedWithTheirShapesAndSizes(String file, String prefix, int warnings)
            throws IOException {
        Model model = new KerasReader().read(Resources.path(DIR + file), ChannelOpener.FILES);
        Map<String, String> actual = model.tensors().stream().collect(Collectors.toMap(TensorEntry::name,
                t -> t.shape() + " " + t.dtype().torchName(), (a, b) -> a, LinkedHashMap::new));
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected(file));
        assertThat(model.tensors()).allMatch(t -> t.dtype() == DType.BFLOAT16);
        assertThat(model.tensors().stream().mapToLong(TensorEntry::bytes).sum()).isEqualTo(2 * (12 + 3));
        // only the legacy file lacks Keras 3's dtype="bfloat16" marker: its reading is said to be inferred
        assertThat(model.warnings()).filteredOn(w -> w.contains("opaque")).hasSize(warnings);
    }

    private static Map<String, String> expected(String file) throws IOException {
        Map<String, String> byName = new LinkedHashMap<>();
        for (JsonNode row : new ObjectMapper().readTree(Resources.text(DIR + file + ".expected.json"))) {
            List<Long> shape = new ArrayList<>();
            row.get("shape").forEach(d -> shape.add(d.asLong()));
            byName.put(row.get("path").asText(), shape + " " + row.get("keras_dtype").asText());
        }
        return byName;
    }
}
