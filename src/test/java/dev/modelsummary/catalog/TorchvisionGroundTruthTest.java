package dev.modelsummary.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.GroundTruth;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each built-in architecture lists exactly what PyTorch lists for the real torchvision model. */
class TorchvisionGroundTruthTest {

    @ParameterizedTest
    @ValueSource(strings = {"vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"})
    void builderMatchesPyTorch(String name) {
        Model model = Catalog.standard().build(name, ArchOptions.DEFAULTS).orElseThrow();
        GroundTruth truth = GroundTruth.torchvision(name);

        assertThat(entries(model, Role.PARAMETER)).containsExactlyElementsOf(truth.parameters());
        assertThat(entries(model, Role.BUFFER)).containsExactlyElementsOf(truth.buffers());
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(truth.stateDictKeys());
    }

    private static List<GroundTruth.Entry> entries(Model model, Role role) {
        return model.tensors().stream()
                .filter(t -> t.role() == role)
                .map(t -> new GroundTruth.Entry(t.name(),
                        Arrays.stream(t.shape().dims()).boxed().collect(Collectors.toList()),
                        t.dtype().torchName(), t.trainable()))
                .collect(Collectors.toList());
    }
}
