package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward on shapes of timm 0.9.7's EfficientNet and MobileNetV3 classes (efficientnet.py, mobilenetv3.py,
 * _efficientnet_blocks.py, layers/adaptive_avgmax_pool.py): torch's golden call by call. The goldens other than
 * timm-efficientnet_b0.json are made by tools/fixtures/compute/timm_golden.py (timm 0.9.7's source on torch 1.13,
 * forward hooks and a dispatch-mode FLOP counter that reproduces timm-efficientnet_b0.json exactly).
 */
class TimmComputeTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void efficientnetB0MatchesTorchCallByCall() throws IOException {
        new MobileComputeTest().matchesGolden("timm-efficientnet_b0.json");
    }

    @Test
    void withoutClassifierTheHeadIsPoolAndIdentity() {
        Builder builder = CATALOG.builder("timm/efficientnet_b0").orElseThrow();
        Kwargs kw = Kwargs.defaults("timm/efficientnet_b0", builder.args());
        kw.overwrite("num_classes", 0L);
        Module model = builder.factory().build(kw);
        Trace trace = model.trace(Shape.of(1, 3, 224, 224));
        Trace.Call last = trace.calls().get(trace.calls().size() - 1);
        assertThat(last.name()).isEqualTo("classifier");
        assertThat(last.className()).isEqualTo("Identity");
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1280));
        // the golden's total less the classifier's 2 x 1280 x 1000
        assertThat(trace.totalFlops()).isEqualTo(771629504L - 2560000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
        "efficientnet_b5", "efficientnetv2_rw_t", "mobilenetv2_050", "mobilenetv2_100", "mobilenetv2_110d",
        "mobilenetv2_120d", "mobilenetv2_140"})
    void theClassifierIsTheOnlyDifferenceWithoutIt(String name) {
        Builder builder = CATALOG.builder("timm/" + name).orElseThrow();
        Module with = builder.factory().build(Kwargs.defaults("timm/" + name, builder.args()));
        Kwargs kw = Kwargs.defaults("timm/" + name, builder.args());
        kw.overwrite("num_classes", 0L);
        Module without = builder.factory().build(kw);
        Trace a = with.trace(Shape.of(1, 3, 224, 224));
        Trace b = without.trace(Shape.of(1, 3, 224, 224));
        long features = b.calls().get(0).out().get(0).dim(1);
        assertThat(a.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
        assertThat(a.totalFlops() - b.totalFlops()).isEqualTo(2L * features * 1000);
        assertThat(a.calls().size()).isEqualTo(b.calls().size());
    }

    /** The golden's builder with its {@code args} (num_classes, global_pool) at its input shape. */
    private static void matchesGolden(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        String name = truth.get("builder").asText();
        Builder builder = CATALOG.builder(name).orElseThrow();
        Kwargs kw = Kwargs.defaults(name, builder.args());
        truth.get("args").fields().forEachRemaining(e -> kw.overwrite(e.getKey(),
                e.getValue().isNumber() ? (Object) e.getValue().asLong() : e.getValue().asText()));
        Module model = builder.factory().build(kw);
        GoldenTrace.assertMatches(truth, model, model.trace(GoldenTrace.inputShape(truth)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm-mobilenetv3_large_100.json", "timm-mobilenetv3_rw-globalpoolcatavgmax.json",
        "timm-mobilenetv3_small_050-numclasses0-2x3x160x192.json", "timm-mobilenetv3_small_100-globalpoolavgmax.json",
        "timm-mobilenetv3_small_075-globalpoolmax-numclasses10.json",
        "timm-mobilenetv3_large_100-globalpoolnone-numclasses0.json",
        "timm-mobilenetv3_large_100-globalpoolfastavg.json", "timm-efficientnet_b0-globalpoolcatavgmax.json",
        "timm-mobilenetv2_050-globalpoolmax.json", "timm-mobilenetv2_100-globalpoolfastmax.json",
        "timm-mobilenetv2_100-globalpoolnone-numclasses0.json"})
    void matchesTorchCallByCall(String file) throws IOException {
        matchesGolden(file);
    }

    private static Module build(String name, Object... overrides) {
        Builder builder = CATALOG.builder("timm/" + name).orElseThrow();
        Kwargs kw = Kwargs.defaults("timm/" + name, builder.args());
        for (int i = 0; i < overrides.length; i += 2) {
            kw.overwrite((String) overrides[i], overrides[i + 1]);
        }
        return builder.factory().build(kw);
    }

    @Test
    void mobilenetV3LargeFirstCallsAndEfficientHead() {
        Trace trace = build("mobilenetv3_large_100").trace(Shape.of(1, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className()).toList();
        // ds block (nre: ReLU, no SE), then the first ir with SE (stage 2: ReLU in the block and in the SE,
        // forced, and the hard-sigmoid gate)
        assertThat(calls).startsWith(" MobileNetV3", "conv_stem Conv2d", "bn1 BatchNormAct2d", "bn1.drop Identity",
                "bn1.act Hardswish", "blocks Sequential", "blocks.0 Sequential", "blocks.0.0 DepthwiseSeparableConv",
                "blocks.0.0.conv_dw Conv2d", "blocks.0.0.bn1 BatchNormAct2d", "blocks.0.0.bn1.drop Identity",
                "blocks.0.0.bn1.act ReLU", "blocks.0.0.se Identity", "blocks.0.0.conv_pw Conv2d",
                "blocks.0.0.bn2 BatchNormAct2d", "blocks.0.0.bn2.drop Identity", "blocks.0.0.bn2.act Identity",
                "blocks.0.0.drop_path Identity", "blocks.1 Sequential", "blocks.1.0 InvertedResidual")
                .contains("blocks.2.0.se SqueezeExcite", "blocks.2.0.se.act1 ReLU", "blocks.2.0.se.gate Hardsigmoid",
                        "blocks.4.0.bn1.act Hardswish", "blocks.4.0.se.act1 ReLU")
                .endsWith("global_pool SelectAdaptivePool2d", "global_pool.pool AdaptiveAvgPool2d",
                        "global_pool.flatten Identity", "conv_head Conv2d", "act2 Hardswish", "flatten Flatten",
                        "classifier Linear");
        // the head conv runs on the pooled (1, 960, 1, 1): 2 x 960 x 1280 FLOPs
        assertThat(trace.calls().stream().filter(c -> c.name().equals("conv_head")).findFirst().orElseThrow()
                .flops()).isEqualTo(2L * 960 * 1280);
        // conv_stem 3x3/2 pad 1 to 112x112: 2 x 112^2 x 16 x 3 x 9
        assertThat(trace.calls().get(1).flops()).isEqualTo(2L * 112 * 112 * 16 * 27);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenetv3_large_100", "mobilenetv3_rw", "mobilenetv3_small_050",
        "mobilenetv3_small_075", "mobilenetv3_small_100"})
    void mobilenetV3ClassifierIsTheOnlyDifferenceWithoutIt(String name) {
        Trace a = build(name).trace(Shape.of(1, 3, 224, 224));
        Trace b = build(name, "num_classes", 0L).trace(Shape.of(1, 3, 224, 224));
        long features = b.calls().get(0).out().get(0).dim(1);
        assertThat(features).isEqualTo(name.contains("small") ? 1024 : 1280);
        assertThat(a.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
        assertThat(a.totalFlops() - b.totalFlops()).isEqualTo(2L * features * 1000);
        assertThat(a.calls().size()).isEqualTo(b.calls().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenetv3_large_100", "mobilenetv3_small_100", "efficientnet_b0", "mobilenetv2_100"})
    void catavgmaxDoublesThePooledChannels(String name) {
        Trace avg = build(name).trace(Shape.of(1, 3, 224, 224));
        Trace cat = build(name, "global_pool", "catavgmax").trace(Shape.of(1, 3, 224, 224));
        Trace.Call pool = cat.calls().stream().filter(c -> c.name().equals("global_pool.pool")).findFirst()
                .orElseThrow();
        assertThat(pool.className()).isEqualTo("AdaptiveCatAvgMaxPool2d");
        long channels = pool.out().get(0).dim(1) / 2;
        // the first layer after the pool (MobileNetV3's conv_head, EfficientNet's classifier) takes 2C inputs
        long next = name.startsWith("mobilenetv3") ? (name.contains("small") ? 1024 : 1280) : 1000;
        assertThat(cat.totalFlops() - avg.totalFlops()).isEqualTo(2L * channels * next);
    }

    @Test
    void fastCatAvgMaxBuildsTheSumPoolAsUpstreamSoTheHeadRefusesIt() {
        // 0.9.7 tests endswith('avgmax') first: FastAdaptiveAvgMaxPool (C channels), feat_mult still 2
        assertThatThrownBy(() -> build("efficientnet_b0", "global_pool", "fastcatavgmax")
                .trace(Shape.of(1, 3, 224, 224))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("mat1 and mat2 shapes cannot be multiplied (1x1280 and 2560x1000)");
        assertThatThrownBy(() -> build("mobilenetv3_large_100", "global_pool", "fastcatavgmax")
                .trace(Shape.of(1, 3, 224, 224))).isInstanceOf(ShapeException.class).hasMessageContaining(
                        "expected input[1, 960, 1, 1] to have 1920 channels, but got 960 channels instead");
    }

    @Test
    void mobilenetV3WithoutPoolingRefusesTheClassifier() {
        // global_pool='' keeps 7x7, flatten is an Identity, and the Linear sees (1, 1280, 7, 7)
        assertThatThrownBy(() -> build("mobilenetv3_large_100", "global_pool", "").trace(Shape.of(1, 3, 224, 224)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("mat1 and mat2 shapes cannot be multiplied (8960x7 and 1280x1000)");
    }

    /** Every builder Timm registers traces at 224 with 1000 classes and without a classifier. */
    @Test
    void everyRegisteredTimmBuilderTracesWithAndWithoutItsClassifier() {
        List<Builder> builders = dev.modelsummary.catalog.timm.Timm.builders();
        assertThat(builders).hasSize(17);
        for (Builder builder : builders) {
            String name = builder.name().substring("timm/".length());
            Trace a = build(name).trace(Shape.of(1, 3, 224, 224));
            Trace b = build(name, "num_classes", 0L).trace(Shape.of(1, 3, 224, 224));
            long features = b.calls().get(0).out().get(0).dim(1);
            assertThat(a.calls().get(0).out()).as(name).containsExactly(Shape.of(1, 1000));
            assertThat(a.totalFlops() - b.totalFlops()).as(name).isEqualTo(2L * features * 1000);
        }
    }
}
