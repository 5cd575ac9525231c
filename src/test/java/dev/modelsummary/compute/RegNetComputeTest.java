package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forward on shapes of torchvision's RegNet (0.14.1): call structure, and published {@code _ops}. */
class RegNetComputeTest {

    @ParameterizedTest
    @CsvSource({
        "regnet_y_400mf, 224, 0.402", "regnet_y_800mf, 224, 0.834", "regnet_y_1_6gf, 224, 1.612",
        "regnet_y_3_2gf, 224, 3.176", "regnet_y_8gf, 224, 8.473", "regnet_y_16gf, 224, 15.912",
        "regnet_y_16gf, 384, 46.735", "regnet_y_32gf, 224, 32.280", "regnet_y_32gf, 384, 94.826",
        "regnet_y_128gf, 384, 374.570", "regnet_y_128gf, 224, 127.518",
        "regnet_x_400mf, 224, 0.414", "regnet_x_800mf, 224, 0.800", "regnet_x_1_6gf, 224, 1.603",
        "regnet_x_3_2gf, 224, 3.177", "regnet_x_8gf, 224, 7.995", "regnet_x_16gf, 224, 15.941",
        "regnet_x_32gf, 224, 31.736",
    })
    void publishedOpsAreMacsAtTheCropSize(String builder, long crop, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void projIsCalledBeforeTheTransform() {
        Trace trace = MobileComputeTest.build("regnet_y_400mf").trace(Shape.of(1, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" RegNet [[1, 1000]]", "stem SimpleStemIN [[1, 32, 112, 112]]",
                "stem.0 Conv2d [[1, 32, 112, 112]]", "stem.1 BatchNorm2d [[1, 32, 112, 112]]",
                "stem.2 ReLU [[1, 32, 112, 112]]", "trunk_output Sequential [[1, 440, 7, 7]]",
                "trunk_output.block1 AnyStage [[1, 48, 56, 56]]",
                "trunk_output.block1.block1-0 ResBottleneckBlock [[1, 48, 56, 56]]",
                "trunk_output.block1.block1-0.proj Conv2dNormActivation [[1, 48, 56, 56]]")
                .contains("trunk_output.block1.block1-0.f BottleneckTransform [[1, 48, 56, 56]]",
                        "trunk_output.block1.block1-0.f.se SqueezeExcitation [[1, 48, 56, 56]]",
                        "trunk_output.block1.block1-0.activation ReLU [[1, 48, 56, 56]]")
                .endsWith("avgpool AdaptiveAvgPool2d [[1, 440, 1, 1]]", "fc Linear [[1, 1000]]");
    }
}
