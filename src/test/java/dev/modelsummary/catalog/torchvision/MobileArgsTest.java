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

    @Test
    void mnasnetWeightsFixNumClasses() {
        assertThatThrownBy(() -> CATALOG.build("mnasnet0_5", Map.of("num_classes", "10", "weights", "IMAGENET1K_V1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mnasnet0_5: The parameter 'num_classes' expected value 1000 but got 10 instead.");
    }

    @Test
    void efficientnetV2WeightsFixNumClasses() {
        assertThatThrownBy(() -> CATALOG.build("efficientnet_v2_s", Map.of("weights", "DEFAULT", "num_classes", "2")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("efficientnet_v2_s: The parameter 'num_classes' expected value 1000 but got 2 instead.");
    }

    /** The builders pass dropout to _efficientnet themselves: Python's TypeError, "got multiple values". */
    @Test
    void efficientnetRefusesDropout() {
        assertThatThrownBy(() -> CATALOG.build("efficientnet_b0", Map.of("dropout", "0.1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("efficientnet_b0 takes no argument 'dropout'");
    }

    @Test
    void dropoutOutsideZeroToOneIsRefusedAsNnDropoutRefusesIt() {
        assertThatThrownBy(() -> CATALOG.build("mobilenet_v2", Map.of("dropout", "1.5")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mobilenet_v2: dropout probability has to be between 0 and 1, but got 1.5");
        assertThatThrownBy(() -> CATALOG.build("mnasnet1_0", Map.of("dropout", "-1e-5")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("mnasnet1_0: dropout probability has to be between 0 and 1, but got -1e-05");
    }
}
