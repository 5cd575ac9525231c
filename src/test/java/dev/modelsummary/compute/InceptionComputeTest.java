package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of torchvision's GoogLeNet and Inception v3 (0.14.1) in eval mode: the auxiliary classifiers are never
 * called; published {@code _ops}.
 */
class InceptionComputeTest {

    @ParameterizedTest
    @CsvSource({"googlenet, 224, 1.498", "inception_v3, 299, 5.713"})
    void publishedOpsAreMacsAtTheCropSize(String builder, long crop, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void googlenetCallsNoAuxClassifierInEval() {
        Trace trace = MobileComputeTest.build("googlenet").trace(Shape.of(1, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" GoogLeNet [[1, 1000]]", "conv1 BasicConv2d [[1, 64, 112, 112]]",
                "conv1.conv Conv2d [[1, 64, 112, 112]]", "conv1.bn BatchNorm2d [[1, 64, 112, 112]]",
                "maxpool1 MaxPool2d [[1, 64, 56, 56]]")
                .contains("inception3a Inception [[1, 256, 28, 28]]",
                        "inception3a.branch4.0 MaxPool2d [[1, 192, 28, 28]]", "maxpool4 MaxPool2d [[1, 832, 7, 7]]")
                .endsWith("avgpool AdaptiveAvgPool2d [[1, 1024, 1, 1]]", "dropout Dropout [[1, 1024]]",
                        "fc Linear [[1, 1000]]");
        assertThat(calls).noneMatch(c -> c.startsWith("aux"));
    }

    @Test
    void inceptionV3At299CallsNoAuxLogitsAndDropsOutBeforeFlatten() {
        Trace trace = MobileComputeTest.build("inception_v3").trace(Shape.of(1, 3, 299, 299));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" Inception3 [[1, 1000]]", "Conv2d_1a_3x3 BasicConv2d [[1, 32, 149, 149]]")
                .contains("maxpool1 MaxPool2d [[1, 64, 73, 73]]", "maxpool2 MaxPool2d [[1, 192, 35, 35]]",
                        "Mixed_5b InceptionA [[1, 256, 35, 35]]", "Mixed_6a InceptionB [[1, 768, 17, 17]]",
                        "Mixed_6e InceptionC [[1, 768, 17, 17]]", "Mixed_7a InceptionD [[1, 1280, 8, 8]]",
                        "Mixed_7c InceptionE [[1, 2048, 8, 8]]")
                .endsWith("avgpool AdaptiveAvgPool2d [[1, 2048, 1, 1]]", "dropout Dropout [[1, 2048, 1, 1]]",
                        "fc Linear [[1, 1000]]");
        assertThat(calls).noneMatch(c -> c.startsWith("AuxLogits"));
    }
}
