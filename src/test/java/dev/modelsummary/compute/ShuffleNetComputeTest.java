package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forward on shapes of torchvision's ShuffleNetV2 (0.14.1): chunk/cat per block, and published {@code _ops}. */
class ShuffleNetComputeTest {

    @ParameterizedTest
    @CsvSource({
        "shufflenet_v2_x0_5, 224, 0.040", "shufflenet_v2_x1_0, 224, 0.145", "shufflenet_v2_x1_5, 224, 0.296",
        "shufflenet_v2_x2_0, 224, 0.583",
    })
    void publishedOpsAreMacsAtTheCropSize(String builder, long crop, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void strideOneBlocksRunOnlyBranch2OnHalfTheChannels() {
        Trace trace = MobileComputeTest.build("shufflenet_v2_x1_0").trace(Shape.of(1, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" ShuffleNetV2 [[1, 1000]]", "conv1 Sequential [[1, 24, 112, 112]]",
                "conv1.0 Conv2d [[1, 24, 112, 112]]", "conv1.1 BatchNorm2d [[1, 24, 112, 112]]",
                "conv1.2 ReLU [[1, 24, 112, 112]]", "maxpool MaxPool2d [[1, 24, 56, 56]]",
                "stage2 Sequential [[1, 116, 28, 28]]", "stage2.0 InvertedResidual [[1, 116, 28, 28]]",
                "stage2.0.branch1 Sequential [[1, 58, 28, 28]]")
                .contains("stage2.1 InvertedResidual [[1, 116, 28, 28]]", "stage2.1.branch2 Sequential [[1, 58, 28, 28]]")
                .doesNotContain("stage2.1.branch1 Sequential [[1, 58, 28, 28]]")
                .endsWith("conv5 Sequential [[1, 1024, 7, 7]]", "conv5.0 Conv2d [[1, 1024, 7, 7]]",
                        "conv5.1 BatchNorm2d [[1, 1024, 7, 7]]", "conv5.2 ReLU [[1, 1024, 7, 7]]",
                        "fc Linear [[1, 1000]]");
    }
}
