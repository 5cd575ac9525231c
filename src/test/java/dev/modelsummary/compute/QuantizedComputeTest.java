package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quantized torchvision builders as {@code quantize=False} builds them (0.14.1,
 * {@code models/quantization/*.py}): the float graph of the Quantizable classes, as forward hooks see it, with
 * {@code quant}/{@code dequant} (QuantStub/DeQuantStub) calls, the renamed blocks, and one
 * {@code activation_post_process} (Identity) call per FloatFunctional {@code add}/{@code add_relu}/{@code mul}/
 * {@code cat} (the methods themselves are not forward, so hooks see only that child). Goldens made with real
 * torch 1.13 + torchvision 0.14.1 ({@code tools/fixtures/compute/make_tv14_goldens.py}).
 */
class QuantizedComputeTest {

    @ParameterizedTest
    @ValueSource(strings = {"quantized_resnet18", "quantized_resnet50", "quantized_resnext101_32x8d",
        "quantized_mobilenet_v3_large", "quantized_mobilenet_v2", "quantized_shufflenet_v2_x1_0",
        "quantized_googlenet", "quantized_inception_v3"})
    void matchesTorchCallByCall(String builder) throws IOException {
        new MobileComputeTest().matchesGolden("tv14-" + builder + ".json");
    }

    @ParameterizedTest
    @CsvSource({"quantized_resnet18, resnet18", "quantized_resnet50, resnet50",
        "quantized_mobilenet_v3_large, mobilenet_v3_large", "quantized_mobilenet_v2, mobilenet_v2",
        "quantized_shufflenet_v2_x0_5, shufflenet_v2_x0_5", "quantized_shufflenet_v2_x2_0, shufflenet_v2_x2_0"})
    void sameFlopsAsTheFloatModelWithStubCallsAround(String quantized, String floatBuilder) {
        Trace q = MobileComputeTest.build(quantized).trace(Shape.of(1, 3, 224, 224));
        Trace f = MobileComputeTest.build(floatBuilder).trace(Shape.of(1, 3, 224, 224));
        assertThat(q.totalFlops()).isEqualTo(f.totalFlops());
        List<String> names = q.calls().stream().map(c -> c.name() + " " + c.className()).toList();
        assertThat(names.get(1)).isEqualTo("quant QuantStub");
        assertThat(names.get(names.size() - 1)).isEqualTo("dequant DeQuantStub");
        assertThat(names.get(0)).startsWith(" Quantizable");
        assertThat(String.format(Locale.ROOT, "%.3f", q.totalFlops() / 2e9))
                .isEqualTo(String.format(Locale.ROOT, "%.3f", f.totalFlops() / 2e9));
    }

    @org.junit.jupiter.api.Test
    void mobilenetV2sReLU6BecomesReLUAsReplaceReluDoes() {
        Trace q = MobileComputeTest.build("quantized_mobilenet_v2").trace(Shape.of(1, 3, 224, 224));
        List<String> classes = q.calls().stream().map(Trace.Call::className).toList();
        assertThat(classes).doesNotContain("ReLU6").contains("ReLU");
        Trace f = MobileComputeTest.build("mobilenet_v2").trace(Shape.of(1, 3, 224, 224));
        assertThat(f.calls().stream().map(Trace.Call::className).toList()).contains("ReLU6").doesNotContain("ReLU");
    }
}
