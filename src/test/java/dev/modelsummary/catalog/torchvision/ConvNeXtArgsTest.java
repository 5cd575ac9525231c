package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ConvNeXt builders take and refuse keyword arguments as torchvision's do. */
class ConvNeXtArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void weightsFixTheNumberOfClasses() {
        assertThatThrownBy(() -> CATALOG.build("convnext_tiny", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("convnext_tiny: The parameter 'num_classes' expected value 1000 but got 10 instead.");
    }

    @Test
    void stochasticDepthAndLayerScaleLeaveTheTensorsAlone() {
        Model plain = CATALOG.build("convnext_small").orElseThrow();
        Model tuned = CATALOG.build("convnext_small",
                Map.of("stochastic_depth_prob", "0.9", "layer_scale", "0.5")).orElseThrow();

        assertThat(tuned.tensors()).extracting(TensorEntry::name, TensorEntry::shape)
                .containsExactlyElementsOf(plain.tensors().stream()
                        .map(t -> tuple(t.name(), t.shape())).toList());
    }

    @Test
    void aWeightsMemberOfAnotherEnumIsRefused() {
        assertThatThrownBy(() -> CATALOG.build("convnext_base", Map.of("weights", "IMAGENET1K_V2")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("no such member of ConvNeXt_Base_Weights");
    }
}
