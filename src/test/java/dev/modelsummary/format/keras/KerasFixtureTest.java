package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixtures of {@code tools/fixtures/make_keras_fixtures.py}, compared with what h5py itself reported of
 * each file ({@code <file>.expected.json}: every dataset's path, shape and dtype).
 */
class KerasFixtureTest {
    private static final String DIR = "fixtures/keras/";
    private final KerasReader reader = new KerasReader();

    private Model read(String file) throws IOException {
        return reader.read(Resources.path(DIR + file), ChannelOpener.FILES);
    }

    /** h5py's datasets, named as the reader names them ({@code prefix} stripped), optimizer state left out. */
    private static Map<String, String> expected(String file, String prefix, String optimizer) throws IOException {
        JsonNode rows = new ObjectMapper().readTree(Resources.text(DIR + file + ".expected.json"));
        Map<String, String> byName = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            String path = row.get("path").asText();
            if (path.startsWith(optimizer)) {
                continue;
            }
            List<Long> shape = new ArrayList<>();
            row.get("shape").forEach(d -> shape.add(d.asLong()));
            String dtype = row.path("dtype_attr").isTextual() ? row.get("dtype_attr").asText() : row.get("dtype").asText();
            byName.put(path.substring(prefix.length()), shape + " " + dtype);
        }
        return byName;
    }

    private static Map<String, String> actual(Model model) {
        return model.tensors().stream().collect(Collectors.toMap(TensorEntry::name,
                t -> t.shape() + " " + t.dtype().torchName(), (a, b) -> a, LinkedHashMap::new));
    }

    @ParameterizedTest
    @CsvSource({
            "keras3.keras, '', optimizer/",
            "keras3.weights.h5, '', optimizer/",
            "legacy_full.h5, model_weights/, optimizer_weights/",
            "legacy_weights.h5, '', optimizer_weights/",
    })
    void everyDatasetAsH5pyReportsIt(String file, String prefix, String optimizer) throws IOException {
        Model model = read(file);
        assertThat(model.format()).isEqualTo("keras");
        assertThat(actual(model)).containsExactlyInAnyOrderEntriesOf(expected(file, prefix, optimizer));
    }

    @Test
    void legacyFilesListWeightsInLayerNamesAndWeightNamesOrder() throws IOException {
        Model model = read("legacy_full.h5");
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly(
                "dense/dense/kernel:0", "dense/dense/bias:0",
                "batch_normalization/batch_normalization/gamma:0", "batch_normalization/batch_normalization/beta:0",
                "batch_normalization/batch_normalization/moving_mean:0",
                "batch_normalization/batch_normalization/moving_variance:0",
                "dense_1/dense_1/kernel:0", "dense_1/dense_1/bias:0");
        assertThat(buffers(model)).containsExactly("batch_normalization/batch_normalization/moving_mean:0",
                "batch_normalization/batch_normalization/moving_variance:0");
        assertThat(model.warnings()).containsExactly(
                "Optimizer state in 'optimizer_weights' is not listed: it is not model weights.");
        // save_weights files hold no model config: the roles above are a guess, and said to be
        assertThat(read("legacy_weights.h5").warnings()).singleElement().asString()
                .startsWith("The file holds no model config: roles are inferred from names");
    }

    @Test
    void keras3ArchiveTakesTrainableAndBatchNormalizationFromConfigJson() throws IOException {
        Model model = read("keras3.keras");
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly(
                "layers/batch_normalization/vars/0", "layers/batch_normalization/vars/1",
                "layers/batch_normalization/vars/2", "layers/batch_normalization/vars/3",
                "layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1",
                "layers/embedding/vars/0");
        assertThat(buffers(model)).containsExactly("layers/batch_normalization/vars/2",
                "layers/batch_normalization/vars/3");
        // config.json: "head" (stored as layers/dense_1) has trainable false: frozen parameters
        assertThat(model.tensors()).filteredOn(t -> t.isParameter() && !t.trainable()).extracting(TensorEntry::name)
                .containsExactly("layers/dense_1/vars/0", "layers/dense_1/vars/1");
        assertThat(model.warnings()).containsExactly(
                "Optimizer state in 'optimizer' is not listed: it is not model weights.");
    }

    @Test
    void keras3WeightsFileWithoutConfigInfersBatchNormalizationFromTheGroupName() throws IOException {
        Model model = read("keras3.weights.h5");
        assertThat(buffers(model)).containsExactly("layers/batch_normalization/vars/2",
                "layers/batch_normalization/vars/3");
        assertThat(model.tensors()).filteredOn(TensorEntry::isParameter).allMatch(TensorEntry::trainable);
    }

    @Test
    void theRegistryPicksTheKerasReaderByMagic() throws IOException {
        for (String file : List.of("keras3.keras", "keras3.weights.h5", "legacy_full.h5")) {
            assertThat(WeightReaders.standard().choose(Resources.path(DIR + file))).isInstanceOf(KerasReader.class);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "keras3_deflated.keras|Keras archive's 'model.weights.h5' is compressed (method 8); only a STORED one "
                    + "(Keras's default) can be read header-only.",
            "bad_layer_names.h5|'layer_names' lists 'missing', which is not a group.",
            "bad_weight_names.h5|Layer 'dense' lists weight 'dense/bias:0', which is not a dataset.",
            "bad_dtype.weights.h5|Dataset 'layers/text/vars/0' has HDF5 datatype class '3' of 3 bytes, not a Keras "
                    + "variable type.",
            "bad_bfloat16.weights.h5|Dataset 'layers/dense/vars/0' is marked bfloat16 but holds float32 values.",
    })
    void invalidFixturesAreRefusedInOneSentence(String file, String message) {
        assertThatThrownBy(() -> read(file)).isInstanceOf(FormatException.class).hasMessage(message);
    }

    private static List<String> buffers(Model model) {
        return model.tensors().stream().filter(t -> t.role() == Role.BUFFER).map(TensorEntry::name).toList();
    }
}
