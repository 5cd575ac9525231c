package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The forward on shapes of torchvision's segmentation models (0.14.1): torch's deeplabv3_mobilenet_v3_large golden
 * call by call, and the published {@code _ops} of each builder's weights (which set {@code aux_loss}) at their
 * resize size, 520x520.
 */
class SegmentationComputeTest {
    private static final Catalog CATALOG = Catalog.standard();

    private static Module withWeights(String name) {
        Builder builder = CATALOG.builder(name).orElseThrow();
        return builder.factory().build(Kwargs.parse(name, builder.args(),
                Map.of("weights", "COCO_WITH_VOC_LABELS_V1")));
    }

    @ParameterizedTest
    @CsvSource({"fcn_resnet50, 152.717, 2", "fcn_resnet101, 232.738, 2", "deeplabv3_resnet50, 178.722, 2",
        "deeplabv3_resnet101, 258.743, 2", "deeplabv3_mobilenet_v3_large, 10.452, 2", "lraspp_mobilenet_v3_large, 2.086, 1"})
    void publishedOpsAreMacsAt520(String builder, String ops, int outputs) {
        Trace trace = withWeights(builder).trace(Shape.of(1, 3, 520, 520));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).hasSize(outputs).allMatch(s -> s.equals(Shape.of(1, 21, 520, 520)));
    }

    @Test
    void deeplabv3MobileNetV3LargeMatchesTorchCallByCall() throws IOException {
        new MobileComputeTest().matchesGolden("tv-deeplabv3_mobilenet_v3_large.json");
    }

    @Test
    void resnetBackbonesDilateLayer3And4AndReturnAuxBeforeOut() {
        Trace trace = withWeights("deeplabv3_resnet50").trace(Shape.of(2, 3, 224, 224));
        // replace_stride_with_dilation=[False, True, True]: output stride 8, dilation 2 then 4.
        assertThat(trace.calls().stream().filter(c -> c.name().equals("backbone")).findFirst().orElseThrow().out())
                .containsExactly(Shape.of(2, 1024, 28, 28), Shape.of(2, 2048, 28, 28));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className()).toList();
        assertThat(calls).contains("backbone IntermediateLayerGetter", "classifier DeepLabHead", "classifier.0 ASPP",
                "classifier.0.convs.4 ASPPPooling", "aux_classifier FCNHead", "aux_classifier.3 Dropout")
                .doesNotContain("backbone.avgpool AdaptiveAvgPool2d");
        assertThat(calls.indexOf("classifier DeepLabHead")).isLessThan(calls.indexOf("aux_classifier FCNHead"));
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(2, 21, 224, 224), Shape.of(2, 21, 224, 224));
    }
}
