package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The forward on shapes of torchvision's MaxViT (0.14.1): window/grid partitions, MBConv with its
 * stride-2 projection, and the published {@code _ops} of maxvit_t at 224.
 */
class MaxVitComputeTest {

    @Test
    void publishedOpsAreMacsAtTheCropSize() {
        Trace trace = MobileComputeTest.build("maxvit_t").trace(Shape.of(1, 3, 224, 224));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo("5.558");
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void callsPartitionWindowsAndGrids() {
        Trace trace = MobileComputeTest.build("maxvit_t").trace(Shape.of(2, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" MaxVit [[2, 1000]]", "stem Sequential [[2, 64, 112, 112]]",
                "stem.0 Conv2dNormActivation [[2, 64, 112, 112]]", "stem.0.0 Conv2d [[2, 64, 112, 112]]",
                "stem.0.1 BatchNorm2d [[2, 64, 112, 112]]", "stem.0.2 GELU [[2, 64, 112, 112]]",
                "stem.1 Conv2dNormActivation [[2, 64, 112, 112]]", "stem.1.0 Conv2d [[2, 64, 112, 112]]",
                "blocks.0 MaxVitBlock [[2, 64, 56, 56]]", "blocks.0.layers.0 MaxVitLayer [[2, 64, 56, 56]]",
                "blocks.0.layers.0.layers Sequential [[2, 64, 56, 56]]",
                "blocks.0.layers.0.layers.MBconv MBConv [[2, 64, 56, 56]]",
                "blocks.0.layers.0.layers.MBconv.proj Sequential [[2, 64, 56, 56]]",
                "blocks.0.layers.0.layers.MBconv.proj.0 AvgPool2d [[2, 64, 56, 56]]",
                "blocks.0.layers.0.layers.MBconv.proj.1 Conv2d [[2, 64, 56, 56]]",
                "blocks.0.layers.0.layers.MBconv.layers Sequential [[2, 64, 56, 56]]")
                .contains("blocks.0.layers.0.layers.MBconv.stochastic_depth Identity [[2, 64, 56, 56]]",
                        "blocks.0.layers.1.layers.MBconv.stochastic_depth StochasticDepth [[2, 64, 56, 56]]",
                        "blocks.0.layers.0.layers.window_attention.partition_op WindowPartition [[2, 64, 49, 64]]",
                        "blocks.0.layers.0.layers.window_attention.partition_swap Identity [[2, 64, 49, 64]]",
                        "blocks.0.layers.0.layers.grid_attention.partition_op WindowPartition [[2, 49, 64, 64]]",
                        "blocks.0.layers.0.layers.grid_attention.partition_swap SwapAxes [[2, 64, 49, 64]]",
                        "blocks.0.layers.0.layers.grid_attention.attn_layer.1 RelativePositionalMultiHeadAttention"
                                + " [[2, 64, 49, 64]]",
                        "blocks.0.layers.0.layers.grid_attention.departition_op WindowDepartition"
                                + " [[2, 64, 56, 56]]",
                        "blocks.3 MaxVitBlock [[2, 512, 7, 7]]")
                .endsWith("classifier Sequential [[2, 1000]]", "classifier.0 AdaptiveAvgPool2d [[2, 512, 1, 1]]",
                        "classifier.1 Flatten [[2, 512]]", "classifier.2 LayerNorm [[2, 512]]",
                        "classifier.3 Linear [[2, 512]]", "classifier.4 Tanh [[2, 512]]",
                        "classifier.5 Linear [[2, 1000]]");
    }

    @Test
    void aDifferentInputCannotBeDepartitionedToTheBuiltGrid() {
        assertThatThrownBy(() -> MobileComputeTest.build("maxvit_t").trace(Shape.of(1, 3, 448, 448)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("is invalid for input of size");
    }
}
