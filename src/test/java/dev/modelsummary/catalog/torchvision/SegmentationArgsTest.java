package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The segmentation builders' arguments: what the weights impose, and what torchvision refuses. */
class SegmentationArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void weightsImposeTwentyOneClasses() {
        assertThatThrownBy(() -> CATALOG.build("fcn_resnet50", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("The parameter 'num_classes' expected value 21 but got 10 instead.");
    }

    @Test
    void weightsImposeTheAuxiliaryClassifier() {
        assertThatThrownBy(() -> CATALOG.build("deeplabv3_mobilenet_v3_large",
                Map.of("weights", "COCO_WITH_VOC_LABELS_V1", "aux_loss", "false")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("The parameter 'aux_loss' expected value True but got False instead.");
    }

    @Test
    void numClassesNoneTakesTheWeightsCategories() {
        Model model = CATALOG.build("fcn_resnet50", Map.of("weights", "DEFAULT", "num_classes", "None")).orElseThrow();

        assertThat(tensor(model, "classifier.4.bias").shape().dims()).containsExactly(21);
        assertThat(tensor(model, "aux_classifier.4.bias").shape().dims()).containsExactly(21);
    }

    @Test
    void lrasppRefusesTheAuxiliaryLoss() {
        assertThatThrownBy(() -> CATALOG.build("lraspp_mobilenet_v3_large", Map.of("aux_loss", "true")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("This model does not use auxiliary loss");
    }

    private static TensorEntry tensor(Model model, String name) {
        return model.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
