package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.torchvision.ResNet;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * torchvision ResNet's forward on shapes against what torch 2.x itself reports (golden/compute/tv-resnet18.json:
 * forward hooks and FlopCounterMode on the meta device), and torchvision's published {@code _ops}.
 */
class ResNetComputeTest {

    private static ResNet build(ResNet.Variant variant) {
        return new ResNet(variant, 1000, Layers::batchNorm2d);
    }

    @Test
    void resnet18MatchesTorchCallByCall() throws IOException {
        JsonNode truth = GoldenTrace.read("tv-resnet18.json");
        ResNet model = build(ResNet.RESNET18);
        Trace trace = model.trace(GoldenTrace.inputShape(truth));
        GoldenTrace.assertMatches(truth, model, trace);
        assertThat(trace.totalFlops()).isEqualTo(3_628_146_688L);
        assertThat(trace.activations()).isEqualTo(7_477_736L);
        assertThat(trace.calls().get(0).parameters()).isEqualTo(11_689_512L);
    }

    @Test
    void sharedReluIsOneCallPerUse() {
        Trace trace = build(ResNet.RESNET50).trace(Shape.of(1, 3, 224, 224));
        // Bottleneck calls its one relu three times: 16 blocks, plus the stem's
        assertThat(trace.calls().stream().filter(c -> c.className().equals("ReLU")).count()).isEqualTo(16 * 3 + 1);
        assertThat(trace.calls().stream().filter(c -> c.name().equals("layer1.0.relu")).count()).isEqualTo(3);
    }

    @Test
    void publishedOpsAreMacs() {
        // torchvision's _ops (GFLOPS in its docs) = FLOPs / 2e9: resnet50 4.089, resnet18 1.814, resnet34 3.664,
        // resnet101 7.801, resnet152 11.514, resnext50_32x4d 4.23, wide_resnet50_2 11.398
        assertThat(build(ResNet.RESNET50).trace(Shape.of(1, 3, 224, 224)).totalFlops()).isEqualTo(8_178_368_512L);
        assertThat(ops(ResNet.RESNET18)).isEqualTo("1.814");
        assertThat(ops(ResNet.RESNET34)).isEqualTo("3.664");
        assertThat(ops(ResNet.RESNET101)).isEqualTo("7.801");
        assertThat(ops(ResNet.RESNET152)).isEqualTo("11.514");
        assertThat(ops(ResNet.RESNEXT50_32X4D)).isEqualTo("4.230");
        assertThat(ops(ResNet.WIDE_RESNET50_2)).isEqualTo("11.398");
    }

    private static String ops(ResNet.Variant v) {
        ResNet model = new ResNet(v, 1000, Layers::batchNorm2d);
        return String.format(java.util.Locale.ROOT, "%.3f", model.trace(Shape.of(1, 3, 224, 224)).totalFlops() / 2e9);
    }

    @Test
    void batchAndSizeScaleAsTorchComputes() {
        ResNet model = build(ResNet.RESNET18);
        Trace one = model.trace(Shape.of(1, 3, 320, 320));
        Trace eight = model.trace(Shape.of(8, 3, 320, 320));
        assertThat(eight.totalFlops()).isEqualTo(8 * one.totalFlops());
        assertThat(eight.activations()).isEqualTo(8 * one.activations());
        // 320 -> conv1 160 -> maxpool 80 -> 80, 40, 20, 10
        assertThat(eight.calls().stream().filter(c -> c.name().equals("layer4")).findFirst().orElseThrow().out())
                .containsExactly(Shape.of(8, 512, 10, 10));
        assertThat(eight.calls().get(0).out()).containsExactly(Shape.of(8, 1000));
    }

    @Test
    void tinyInputsShrinkToOnePixelAsTorchDoes() {
        // 16 -> conv1 floor((16+6-6-1)/2)+1 = 8 -> maxpool floor((8+2-2-1)/2)+1 = 4 -> 4, 2, 1, 1: torch runs it
        Trace trace = build(ResNet.RESNET18).trace(Shape.of(1, 3, 16, 16));
        assertThat(trace.calls().stream().filter(c -> c.name().equals("maxpool")).findFirst().orElseThrow().out())
                .containsExactly(Shape.of(1, 64, 4, 4));
        assertThat(trace.calls().stream().filter(c -> c.name().equals("layer4")).findFirst().orElseThrow().out())
                .containsExactly(Shape.of(1, 512, 1, 1));
        assertThat(build(ResNet.RESNET18).trace(Shape.of(1, 3, 1, 1)).calls().get(0).out())
                .containsExactly(Shape.of(1, 1000));
    }

    @Test
    void refusalsNameTheModuleInTorchsWords() {
        ResNet model = build(ResNet.RESNET18);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.trace(Shape.of(1, 4, 224, 224)))
                .isInstanceOf(ShapeException.class)
                .hasMessage("Given groups=1, weight of size [64, 3, 7, 7], expected input[1, 4, 224, 224] to have 3"
                        + " channels, but got 4 channels instead")
                .extracting(e -> ((ShapeException) e).path()).isEqualTo("conv1");
        // a 3-D input is unbatched (C, H, W): torch unsqueezes it before checking the channels
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.trace(Shape.of(1, 3, 224)))
                .isInstanceOf(ShapeException.class)
                .hasMessage("Given groups=1, weight of size [64, 3, 7, 7], expected input[1, 1, 3, 224] to have 3"
                        + " channels, but got 1 channels instead");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.trace(Shape.of(1, 224)))
                .isInstanceOf(ShapeException.class)
                .hasMessage("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 224]");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> model.trace(Shape.of(1L << 40, 3, 1L << 20, 1L << 20)))
                .isInstanceOf(ComputeOverflowException.class)
                .extracting(e -> ((ComputeException) e).path()).isEqualTo("conv1");
    }
}
