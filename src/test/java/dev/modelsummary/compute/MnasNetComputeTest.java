package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forward on shapes of torchvision's MNASNet (0.14.1): call structure, and published {@code _ops}. */
class MnasNetComputeTest {

    @ParameterizedTest
    @CsvSource({
        "mnasnet0_5, 224, 0.104", "mnasnet0_75, 224, 0.215", "mnasnet1_0, 224, 0.314", "mnasnet1_3, 224, 0.526",
    })
    void publishedOpsAreMacsAtTheCropSize(String builder, long crop, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void stacksStrideAndMeanFeedsTheClassifier() {
        Trace trace = MobileComputeTest.build("mnasnet1_0").trace(Shape.of(2, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" MNASNet [[2, 1000]]", "layers Sequential [[2, 1280, 7, 7]]",
                "layers.0 Conv2d [[2, 32, 112, 112]]", "layers.1 BatchNorm2d [[2, 32, 112, 112]]",
                "layers.2 ReLU [[2, 32, 112, 112]]", "layers.3 Conv2d [[2, 32, 112, 112]]")
                .contains("layers.8 Sequential [[2, 24, 56, 56]]", "layers.8.0 _InvertedResidual [[2, 24, 56, 56]]",
                        "layers.11 Sequential [[2, 96, 14, 14]]", "layers.13 Sequential [[2, 320, 7, 7]]")
                .endsWith("classifier Sequential [[2, 1000]]", "classifier.0 Dropout [[2, 1280]]",
                        "classifier.1 Linear [[2, 1000]]");
    }
}
