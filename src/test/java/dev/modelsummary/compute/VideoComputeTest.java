package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of torchvision's video ResNets (0.14.1, {@code models/video/resnet.py}): torch's r3d_18
 * golden call by call, and each builder's published {@code _ops} at its default weights' clip (1, 3, 16, 112, 112).
 */
class VideoComputeTest {

    @ParameterizedTest
    @CsvSource({"r3d_18, 40.697", "mc3_18, 43.343", "r2plus1d_18, 40.519"})
    void publishedOpsAreMacsAtTheDefaultClip(String builder, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, 16, 112, 112));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 400));
    }

    @Test
    void r3d18MatchesTorchCallByCall() throws IOException {
        new MobileComputeTest().matchesGolden("tv-r3d_18.json");
    }

    @Test
    void r2plus1dAndMc3KeepTheirTemporalStrides() {
        Trace r2 = MobileComputeTest.build("r2plus1d_18").trace(Shape.of(2, 3, 16, 112, 112));
        List<String> calls = r2.calls().stream().map(c -> c.name() + " " + c.className()).toList();
        assertThat(calls).startsWith(" VideoResNet", "stem R2Plus1dStem", "stem.0 Conv3d")
                .contains("layer2.0.conv1.0 Conv2Plus1D", "layer2.0.conv1.0.3 Conv3d", "layer2.0.downsample.1 BatchNorm3d")
                .endsWith("avgpool AdaptiveAvgPool3d", "fc Linear");
        assertThat(last(r2, "layer4").out()).containsExactly(Shape.of(2, 512, 2, 7, 7));

        Trace mc3 = MobileComputeTest.build("mc3_18").trace(Shape.of(1, 3, 16, 112, 112));
        // Only layer1 is 3-D; the (1, 3, 3) layers and their downsamples keep all 16 frames.
        assertThat(last(mc3, "layer4").out()).containsExactly(Shape.of(1, 512, 16, 7, 7));
        assertThat(last(mc3, "layer3.0.conv1.0").className()).isEqualTo("Conv3DNoTemporal");
    }

    @Test
    void tooShortAClipIsRefusedNamingTheModule() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> MobileComputeTest.build("r3d_18").trace(Shape.of(1, 3, 16, 112)))
                .isInstanceOf(ComputeException.class);
    }

    private static Trace.Call last(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).reduce((a, b) -> b).orElseThrow();
    }
}
