package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward on shapes of timm 0.9.7's EfficientNet family (efficientnet.py, _efficientnet_blocks.py): torch's
 * golden call by call.
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
}
