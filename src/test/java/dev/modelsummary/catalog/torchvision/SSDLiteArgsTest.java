package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ssdlite320_mobilenet_v3_large's arguments: trainable_backbone_layers, weights, and what torchvision refuses. */
class SSDLiteArgsTest {
    private static final Catalog CATALOG = Catalog.standard();
    private static final String NAME = "ssdlite320_mobilenet_v3_large";

    @Test
    void trainableLayersOutOfRangeAreRefusedWithPretrainedBackbone() {
        assertThatThrownBy(() -> CATALOG.build(NAME,
                Map.of("weights_backbone", "DEFAULT", "trainable_backbone_layers", "7")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("Trainable backbone layers should be in the range [0,6], got 7");
    }

    @Test
    void trainableLayersWithoutPretrainedWeightsWarnAndTrainEverything() {
        Model model = CATALOG.build(NAME, Map.of("trainable_backbone_layers", "0")).orElseThrow();

        assertThat(model.warnings()).singleElement().asString()
                .contains("falling back to trainable_backbone_layers=6 so that all layers are trainable");
        assertThat(model.tensors()).filteredOn(TensorEntry::isParameter).allMatch(TensorEntry::trainable);
    }

    @Test
    void weightsImposeCocoCategories() {
        assertThatThrownBy(() -> CATALOG.build(NAME, Map.of("weights", "COCO_V1", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("The parameter 'num_classes' expected value 91 but got 10 instead.");
    }

    @Test
    void reducedTailIsTheBuildersToSet() {
        assertThatThrownBy(() -> CATALOG.build(NAME, Map.of("reduced_tail", "true")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("takes no argument 'reduced_tail'");
    }
}
