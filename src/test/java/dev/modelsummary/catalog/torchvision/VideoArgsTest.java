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

    /** nn.Dropout's ValueError, with the rate as Python prints it. */
    @Test
    void dropoutRatesOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> build("s3d", Map.of("dropout", "1.5")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("s3d: dropout probability has to be between 0 and 1, but got 1.5");
        assertThatThrownBy(() -> build("mvit_v2_s", Map.of("dropout", "2")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mvit_v2_s: dropout probability has to be between 0 and 1, but got 2.0");
        // The blocks' Dropout layers are made before the head's.
        assertThatThrownBy(() -> build("mvit_v1_b", Map.of("attention_dropout", "-0.1", "dropout", "3")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mvit_v1_b: dropout probability has to be between 0 and 1, but got -0.1");
    }

    @Test
    void mvitWeightsFixNumClassesAndTheBuilderFixesItsSizes() {
        assertThatThrownBy(() -> build("mvit_v2_s", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mvit_v2_s: The parameter 'num_classes' expected value 400 but got 10 instead.");
        // mvit_v2_s passes rel_pos_embed itself: Python refuses a second value.
        assertThatThrownBy(() -> build("mvit_v2_s", Map.of("rel_pos_embed", "false")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("mvit_v2_s takes no argument 'rel_pos_embed'");
        assertThatThrownBy(() -> build("mvit_v1_b", Map.of("temporal_size", "8")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("mvit_v1_b takes no argument 'temporal_size'");
    }

    @Test
    void mvitV1TakesRelativePositions() {
        Model model = build("mvit_v1_b", Map.of("rel_pos_embed", "true"));
        assertThat(tensor(model, "blocks.0.attn.rel_pos_h").shape().dims()).containsExactly(111, 96);
        assertThat(model.tensors()).noneMatch(t -> t.name().equals("pos_encoding.spatial_pos"));
    }
}
