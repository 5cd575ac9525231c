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
}
