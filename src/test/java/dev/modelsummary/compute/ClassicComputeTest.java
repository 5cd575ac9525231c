package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The forward on shapes of torchvision's AlexNet, VGG, SqueezeNet and DenseNet (0.14.1): call order, classes and
 * output shapes, and every builder's published {@code _ops} (FLOPs / 2e9 to three decimals).
 */
class ClassicComputeTest {
    private static final Catalog CATALOG = Catalog.standard();

    static Module build(String name) {
        Builder builder = CATALOG.builder(name).orElseThrow();
        return builder.factory().build(Kwargs.defaults(name, builder.args()));
    }

    private static Trace.Call first(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @CsvSource({
        "alexnet, 0.714",
        "vgg11, 7.609", "vgg11_bn, 7.609", "vgg13, 11.308", "vgg13_bn, 11.308",
        "vgg16, 15.470", "vgg16_bn, 15.470", "vgg19, 19.632", "vgg19_bn, 19.632",
        "squeezenet1_0, 0.819", "squeezenet1_1, 0.349",
        "densenet121, 2.834", "densenet161, 7.728", "densenet169, 3.360", "densenet201, 4.291",
    })
    void publishedOpsAreMacsAt224(String builder, String ops) {
        Trace trace = build(builder).trace(Shape.of(1, 3, 224, 224));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void alexnetCallsAsHooksSeeThem() {
        Trace trace = build("alexnet").trace(Shape.of(2, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className()).toList();
        assertThat(calls).startsWith(" AlexNet", "features Sequential", "features.0 Conv2d", "features.1 ReLU",
                "features.2 MaxPool2d").contains("avgpool AdaptiveAvgPool2d", "classifier.0 Dropout",
                "classifier.6 Linear").hasSize(1 + 1 + 13 + 1 + 1 + 7);
        assertThat(first(trace, "features.0").out()).containsExactly(Shape.of(2, 64, 55, 55));
        assertThat(first(trace, "features").out()).containsExactly(Shape.of(2, 256, 6, 6));
        // 2 * N * 55 * 55 * 64 * 3 * 11 * 11
        assertThat(first(trace, "features.0").flops()).isEqualTo(2L * 2 * 55 * 55 * 64 * 3 * 11 * 11);
        // at 63 (min_size) the last pool sees 3x3 and gives 1x1; the adaptive pool spreads it to 6x6
        assertThat(first(build("alexnet").trace(Shape.of(1, 3, 63, 63)), "features").out())
                .containsExactly(Shape.of(1, 256, 1, 1));
    }

    @Test
    void vggBatchNormAddsCallsNotFlops() {
        Trace plain = build("vgg11").trace(Shape.of(1, 3, 224, 224));
        Trace bn = build("vgg11_bn").trace(Shape.of(1, 3, 224, 224));
        assertThat(bn.totalFlops()).isEqualTo(plain.totalFlops());
        assertThat(bn.calls().stream().filter(c -> c.className().equals("BatchNorm2d")).count()).isEqualTo(8);
        assertThat(bn.calls().stream().filter(c -> c.className().equals("MaxPool2d")).count()).isEqualTo(5);
        assertThat(first(bn, "features").out()).containsExactly(Shape.of(1, 512, 7, 7));
        // below 32 the fifth 2x2 pool sees a 0-pixel map: torch refuses it, naming the pool
        assertThatThrownBy(() -> build("vgg11").trace(Shape.of(1, 3, 31, 31)))
                .isInstanceOf(ShapeException.class)
                .extracting(e -> ((ShapeException) e).path()).isEqualTo("features.20");
    }

    @Test
    void squeezenetPoolsCeilAndFireConcatenates() {
        Trace v10 = build("squeezenet1_0").trace(Shape.of(1, 3, 224, 224));
        // conv 7/2: 109; ceil_mode pools: ceil((109 - 3) / 2) + 1 = 54, then 27, then 13
        assertThat(first(v10, "features.2").out()).containsExactly(Shape.of(1, 96, 54, 54));
        assertThat(first(v10, "features").out()).containsExactly(Shape.of(1, 512, 13, 13));
        assertThat(first(v10, "features.3").className()).isEqualTo("Fire");
        assertThat(first(v10, "features.3").out()).containsExactly(Shape.of(1, 128, 54, 54));
        assertThat(v10.calls().stream().filter(c -> c.name().startsWith("features.3")).map(Trace.Call::name)
                .toList()).containsExactly("features.3", "features.3.squeeze", "features.3.squeeze_activation",
                "features.3.expand1x1", "features.3.expand1x1_activation", "features.3.expand3x3",
                "features.3.expand3x3_activation");
        assertThat(first(v10, "classifier.3").className()).isEqualTo("AdaptiveAvgPool2d");
        Trace v11 = build("squeezenet1_1").trace(Shape.of(1, 3, 224, 224));
        assertThat(first(v11, "features.2").out()).containsExactly(Shape.of(1, 64, 55, 55));
        assertThat(first(v11, "features").out()).containsExactly(Shape.of(1, 512, 13, 13));
        // 17 (min_size): 8, ceil pool 4, 2, 1; floor mode would give 3, 1, 0
        assertThat(first(build("squeezenet1_1").trace(Shape.of(1, 3, 17, 17)), "features").out())
                .containsExactly(Shape.of(1, 512, 1, 1));
    }

    @Test
    void densenet121MatchesTorchCallByCall() throws IOException {
        JsonNode truth = GoldenTrace.read("tv-densenet121.json");
        Module model = build(truth.get("builder").asText());
        Trace trace = model.trace(GoldenTrace.inputShape(truth));
        GoldenTrace.assertMatches(truth, model, trace);
        assertThat(trace.totalFlops()).isEqualTo(5_668_323_328L);
        assertThat(trace.activations()).isEqualTo(38_561_256L);
    }

    @Test
    void denseLayerTakesTheListOfEarlierFeatures() {
        Trace trace = build("densenet121").trace(Shape.of(1, 3, 224, 224));
        // the 3rd layer of block 1 sees the block input and the two earlier outputs, as given
        assertThat(first(trace, "features.denseblock1.denselayer3").in())
                .containsExactly(Shape.of(1, 64, 56, 56), Shape.of(1, 32, 56, 56), Shape.of(1, 32, 56, 56));
        assertThat(first(trace, "features.denseblock1.denselayer3.norm1").in())
                .containsExactly(Shape.of(1, 128, 56, 56));
        assertThat(first(trace, "features.transition1").className()).isEqualTo("_Transition");
        assertThat(first(trace, "features.transition1.pool").out()).containsExactly(Shape.of(1, 128, 28, 28));
    }
}
