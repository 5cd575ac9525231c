package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A legacy {@code .h5} with a {@code model_config}: roles from the config as Keras counts them
 * ({@code tools/fixtures/make_keras_roles_fixtures.py}: a frozen nested model, BatchNormalization statistics).
 */
class KerasRolesTest {
    private static final String FILE = "fixtures/keras/roles_cnn.h5";

    @Test
    void trainableAndNonTrainableCountsAreKerasOwn() throws IOException {
        Model model = new KerasReader().read(Resources.path(FILE), ChannelOpener.FILES);
        JsonNode expected = new ObjectMapper().readTree(Resources.text(FILE + ".expected.json"));
        long trainable = model.tensors().stream().filter(t -> t.isParameter() && t.trainable())
                .mapToLong(TensorEntry::numel).sum();
        long others = model.tensors().stream().filter(t -> !(t.isParameter() && t.trainable()))
                .mapToLong(TensorEntry::numel).sum();
        assertThat(trainable).isEqualTo(expected.get("trainable").asLong()).isEqualTo(890);
        assertThat(others).isEqualTo(expected.get("non_trainable").asLong()).isEqualTo(1248);

        Map<String, String> roles = new LinkedHashMap<>();
        for (JsonNode row : expected.get("weights")) {
            roles.put(row.get("name").asText(), row.get("role").asText());
        }
        Map<String, String> actual = model.tensors().stream().collect(Collectors.toMap(TensorEntry::name, KerasRolesTest::role,
                (a, b) -> a, LinkedHashMap::new));
        assertThat(actual).containsExactlyEntriesOf(roles);
        assertThat(model.warnings()).noneMatch(w -> w.contains("inferred from names"));
    }

    @Test
    void withoutAConfigTheRolesAreSaidToBeGuessed() throws IOException {
        Model model = new KerasReader().read(Resources.path("fixtures/keras/legacy_weights.h5"), ChannelOpener.FILES);
        assertThat(model.warnings()).containsExactly("The file holds no model config: roles are inferred from "
                + "names (BatchNormalization moving statistics and integer variables non-trainable, every other "
                + "weight trainable).");
    }

    @Test
    void theModelsOwnVariablesInTopLevelModelWeightsAreListed() throws IOException {
        Model model = new KerasReader().read(Resources.path("fixtures/keras/top_level.h5"), ChannelOpener.FILES);
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("dense/my_model/dense/kernel",
                "top_level_model_weights/my_model/scale");
    }

    @Test
    void olderKeras3ArchivesFindTheirLayersBySavingLibsPaths() throws IOException {
        // no 'name' attribute on the vars groups: layers/dense_1 is the second Dense ("b", frozen);
        // layers/functional/layers/dense is "c" inside the frozen model "sub"
        Model model = new KerasReader().read(Resources.path("fixtures/keras/unnamed_vars.keras"), ChannelOpener.FILES);
        Map<String, String> actual = model.tensors().stream().collect(Collectors.toMap(TensorEntry::name,
                KerasRolesTest::role, (a, b) -> a, LinkedHashMap::new));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("layers/dense/vars/0", "trainable");
        expected.put("layers/dense/vars/1", "trainable");
        expected.put("layers/dense_1/vars/0", "frozen");
        expected.put("layers/dense_1/vars/1", "frozen");
        expected.put("layers/functional/layers/dense/vars/0", "frozen");
        expected.put("layers/functional/layers/dense/vars/1", "frozen");
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void snakeCaseIsKerasOwn() {
        assertThat(KerasConfig.snakeCase("Conv2D")).isEqualTo("conv2d");
        assertThat(KerasConfig.snakeCase("BatchNormalization")).isEqualTo("batch_normalization");
        assertThat(KerasConfig.snakeCase("LSTM")).isEqualTo("lstm");
        assertThat(KerasConfig.snakeCase("DTypePolicy")).isEqualTo("d_type_policy");
    }

    private static String role(TensorEntry t) {
        return t.role() == Role.BUFFER ? "buffer" : t.trainable() ? "trainable" : "frozen";
    }
}
