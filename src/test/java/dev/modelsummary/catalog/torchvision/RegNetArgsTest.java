package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RegNet builders take and refuse keyword arguments as torchvision's do. */
class RegNetArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void weightsFixTheNumberOfClasses() {
        assertThatThrownBy(() -> CATALOG.build("regnet_x_800mf", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("regnet_x_800mf: The parameter 'num_classes' expected value 1000 but got 10 instead.");
    }

    /** torchvision passes **kwargs to both BlockParams and RegNet, so se_ratio is a TypeError there. */
    @Test
    void blockParamsSettingsAreNotArguments() {
        assertThatThrownBy(() -> CATALOG.build("regnet_y_400mf", Map.of("se_ratio", "0.5")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("regnet_y_400mf takes no argument 'se_ratio'");
    }

    @Test
    void theLargestRegNetHasOnlySwagWeights() {
        assertThatThrownBy(() -> CATALOG.build("regnet_y_128gf", Map.of("weights", "IMAGENET1K_V1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("no such member of RegNet_Y_128GF_Weights");
    }

    @Test
    void stemWidthSetsTheStemConvolution() {
        Model model = CATALOG.build("regnet_x_400mf", Map.of("stem_width", "16")).orElseThrow();

        assertThat(model.tensors().get(0).shape().dims()).containsExactly(16, 3, 3, 3);
    }
}
