package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keyword arguments of the video builders (r3d_18, mc3_18, r2plus1d_18, s3d, mvit_v1_b, mvit_v2_s). */
class VideoArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    private static Model build(String name, Map<String, String> args) {
        return CATALOG.build(name, args).orElseThrow();
    }

    private static TensorEntry tensor(Model model, String name) {
        return model.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void videoResNetWeightsFixNumClasses() {
        assertThatThrownBy(() -> build("r3d_18", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("r3d_18: The parameter 'num_classes' expected value 400 but got 10 instead.");
        assertThat(tensor(build("mc3_18", Map.of("weights", "KINETICS400_V1", "num_classes", "400")), "fc.weight")
                .shape().dims()).containsExactly(400, 512);
    }

    @Test
    void s3dTakesDropoutAndWeightsFixNumClasses() {
        assertThat(tensor(build("s3d", Map.of("dropout", "0.5", "num_classes", "3")), "classifier.1.weight")
                .shape().dims()).containsExactly(3, 1024, 1, 1, 1);
        assertThatThrownBy(() -> build("s3d", Map.of("weights", "DEFAULT", "num_classes", "3")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("s3d: The parameter 'num_classes' expected value 400 but got 3 instead.");
    }
}
