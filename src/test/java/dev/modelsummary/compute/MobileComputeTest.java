package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of torchvision's MobileNetV2, MobileNetV3 and EfficientNet (0.14.1): torch's goldens call
 * by call, and every builder's published {@code _ops} (FLOPs / 2e9 to three decimals) at its default weights'
 * crop size.
 */
class MobileComputeTest {
    private static final Catalog CATALOG = Catalog.standard();

    static Module build(String name) {
        Builder builder = CATALOG.builder(name).orElseThrow();
        return builder.factory().build(Kwargs.defaults(name, builder.args()));
    }

    @ParameterizedTest
    @CsvSource({
        "mobilenet_v2, 224, 0.301",
        "mobilenet_v3_large, 224, 0.217",
        "mobilenet_v3_small, 224, 0.057",
        "efficientnet_b0, 224, 0.386", "efficientnet_b1, 240, 0.687", "efficientnet_b2, 288, 1.088",
        "efficientnet_b3, 300, 1.827", "efficientnet_b4, 380, 4.394", "efficientnet_b5, 456, 10.266",
        "efficientnet_b6, 528, 19.068", "efficientnet_b7, 600, 37.746",
        "efficientnet_v2_s, 384, 8.366", "efficientnet_v2_m, 480, 24.582", "efficientnet_v2_l, 480, 56.080",
    })
    void publishedOpsAreMacsAtTheCropSize(String builder, long crop, String ops) {
        Trace trace = build(builder).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void mobilenetV3SmallMatchesTorchCallByCall() throws IOException {
        matchesGolden("tv-mobilenet_v3_small.json");
    }

    @Test
    void efficientnetB0MatchesTorchCallByCall() throws IOException {
        matchesGolden("tv-efficientnet_b0.json");
    }

    @Test
    void mobilenetV2ResidualsAndFunctionalPool() {
        Trace trace = build("mobilenet_v2").trace(Shape.of(2, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className()).toList();
        assertThat(calls).startsWith(" MobileNetV2", "features Sequential", "features.0 Conv2dNormActivation",
                "features.0.0 Conv2d", "features.0.1 BatchNorm2d", "features.0.2 ReLU6",
                "features.1 InvertedResidual", "features.1.conv Sequential")
                .endsWith("classifier Sequential", "classifier.0 Dropout", "classifier.1 Linear");
        assertThat(trace.calls().stream().filter(c -> c.name().equals("features.18")).findFirst().orElseThrow()
                .out()).containsExactly(Shape.of(2, 1280, 7, 7));
    }

    @Test
    void mobilenetV3LargeActivationsAndDilatedTail() {
        Trace trace = build("mobilenet_v3_large").trace(Shape.of(1, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className()).toList();
        // "RE" up to block 6, "HS" from block 7 (C3) on; SE only where the table says.
        assertThat(calls).contains("features.0.2 Hardswish", "features.6.block.0.2 ReLU",
                "features.6.block.2.scale_activation Hardsigmoid", "features.7.block.0.2 Hardswish",
                "classifier.1 Hardswish", "classifier.2 Dropout")
                .doesNotContain("features.7.block.2.avgpool AdaptiveAvgPool2d");
        assertThat(last(trace, "features").out()).containsExactly(Shape.of(1, 960, 7, 7));

        Builder builder = CATALOG.builder("mobilenet_v3_large").orElseThrow();
        Module dilated = builder.factory().build(Kwargs.parse("mobilenet_v3_large", builder.args(),
                Map.of("dilated", "true")));
        Trace wide = dilated.trace(Shape.of(1, 3, 224, 224));
        // C4 keeps stride 1 and dilates instead: output stride 16, same parameters.
        assertThat(last(wide, "features").out()).containsExactly(Shape.of(1, 960, 14, 14));
        assertThat(dilated.parameterCount()).isEqualTo(build("mobilenet_v3_large").parameterCount());
        assertThat(wide.totalFlops()).isGreaterThan(trace.totalFlops());
    }

    private static Trace.Call last(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).reduce((a, b) -> b).orElseThrow();
    }

    void matchesGolden(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        Module model = build(truth.get("builder").asText());
        GoldenTrace.assertMatches(truth, model, model.trace(GoldenTrace.inputShape(truth)));
    }
}
