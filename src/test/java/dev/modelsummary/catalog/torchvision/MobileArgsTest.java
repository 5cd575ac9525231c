package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keyword arguments the mobile families (MobileNetV2, ShuffleNetV2, MNASNet, EfficientNet) refuse as torchvision does. */
class MobileArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void weightsFixNumClasses() {
        assertThatThrownBy(() -> CATALOG.build("mobilenet_v2", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mobilenet_v2: The parameter 'num_classes' expected value 1000 but got 10 instead.");
    }

    @Test
    void mobilenetV2RefusesRoundNearestZero() {
        assertThatThrownBy(() -> CATALOG.build("mobilenet_v2", Map.of("round_nearest", "0")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mobilenet_v2: round_nearest=0: integer division or modulo by zero");
    }

    @Test
    void shufflenetWeightsFixNumClasses() {
        assertThatThrownBy(() -> CATALOG.build("shufflenet_v2_x1_0",
                Map.of("weights", "ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1", "num_classes", "5")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("shufflenet_v2_x1_0: The parameter 'num_classes' expected value 1000 but got 5 instead.");
    }
}
