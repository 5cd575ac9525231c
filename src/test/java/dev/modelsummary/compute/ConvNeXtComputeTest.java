package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of torchvision's ConvNeXt (0.14.1): call order with LayerNorm2d, Permute and the
 * channels-last Linears, and every builder's published {@code _ops} at its crop size (224).
 */
class ConvNeXtComputeTest {

    @ParameterizedTest
    @CsvSource({
        "convnext_tiny, 224, 4.456", "convnext_small, 224, 8.684", "convnext_base, 224, 15.355",
        "convnext_large, 224, 34.361",
    })
    void publishedOpsAreMacsAtTheCropSize(String builder, long crop, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void cnBlockRunsChannelsLastBetweenPermutes() {
        Trace trace = MobileComputeTest.build("convnext_tiny").trace(Shape.of(2, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" ConvNeXt [[2, 1000]]", "features Sequential [[2, 768, 7, 7]]",
                "features.0 Conv2dNormActivation [[2, 96, 56, 56]]", "features.0.0 Conv2d [[2, 96, 56, 56]]",
                "features.0.1 LayerNorm2d [[2, 96, 56, 56]]", "features.1 Sequential [[2, 96, 56, 56]]",
                "features.1.0 CNBlock [[2, 96, 56, 56]]", "features.1.0.block Sequential [[2, 96, 56, 56]]",
                "features.1.0.block.0 Conv2d [[2, 96, 56, 56]]", "features.1.0.block.1 Permute [[2, 56, 56, 96]]",
                "features.1.0.block.2 LayerNorm [[2, 56, 56, 96]]", "features.1.0.block.3 Linear [[2, 56, 56, 384]]",
                "features.1.0.block.4 GELU [[2, 56, 56, 384]]", "features.1.0.block.5 Linear [[2, 56, 56, 96]]",
                "features.1.0.block.6 Permute [[2, 96, 56, 56]]",
                "features.1.0.stochastic_depth StochasticDepth [[2, 96, 56, 56]]")
                .contains("features.2 Sequential [[2, 192, 28, 28]]", "features.2.0 LayerNorm2d [[2, 96, 56, 56]]",
                        "features.2.1 Conv2d [[2, 192, 28, 28]]")
                .endsWith("avgpool AdaptiveAvgPool2d [[2, 768, 1, 1]]", "classifier Sequential [[2, 1000]]",
                        "classifier.0 LayerNorm2d [[2, 768, 1, 1]]", "classifier.1 Flatten [[2, 768]]",
                        "classifier.2 Linear [[2, 1000]]");
    }
}
