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

    @Test
    void mvitV1BMatchesTorchCallByCall() throws IOException {
        new MobileComputeTest().matchesGolden("tv14-mvit_v1_b.json");
    }

    @Test
    void mvitV2SMatchesTorchCallByCall() throws IOException {
        new MobileComputeTest().matchesGolden("tv14-mvit_v2_s.json");
    }

    @ParameterizedTest
    @CsvSource({"mvit_v1_b, 70.599", "mvit_v2_s, 64.224"})
    void mvitPublishedOpsAtSixteenFramesOf224(String builder, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, 16, 224, 224));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
    }

    @Test
    void mvitV2SRelativePositionsAreThreeBmmsPerAttention() {
        // blocks.0 of mvit_v2_s: 1 head of 96, q grid 8x56x56 (no q stride), k grid 8x7x7 (stride 1, 8, 8).
        Trace trace = MobileComputeTest.build("mvit_v2_s").trace(Shape.of(2, 3, 16, 224, 224));
        long nq = 1 + 8 * 56 * 56;
        long nk = 1 + 8 * 7 * 7;
        long qkT = 2L * 2 * nq * nk * 96;
        long relPos = 2L * 2 * (nq - 1) * 96 * (7 + 7 + 8);
        long pools = 3 * 2L * 2 * 96 * 27 * (8 * 7 * 7 * 2 + 8 * 56 * 56) / 3;
        Trace.Call attn = last(trace, "blocks.0.attn");
        long linears = last(trace, "blocks.0.attn.qkv").flops() + last(trace, "blocks.0.attn.project").flops();
        long convs = last(trace, "blocks.0.attn.pool_q").flops() + last(trace, "blocks.0.attn.pool_k").flops()
                + last(trace, "blocks.0.attn.pool_v").flops();
        assertThat(convs).isEqualTo(pools);
        assertThat(attn.flops()).isEqualTo(linears + convs + 2 * qkT + relPos);
        assertThat(attn.out()).containsExactly(Shape.of(2, nq, 96));
    }

    @Test
    void mvitRefusesAnotherGridAsTorchDoes() {
        // The grid is fixed at construction: v1 adds its (1, 25089, 96) position embedding in place, v2 reshapes
        // the pooled tokens to the (8, 56, 56) grid.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> MobileComputeTest.build("mvit_v1_b").trace(Shape.of(1, 3, 16, 112, 112)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("The size of tensor a (6273) must match the size of tensor b (25089)");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> MobileComputeTest.build("mvit_v2_s").trace(Shape.of(1, 3, 8, 224, 224)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("shape '[1, 96, 8, 56, 56]' is invalid for input of size 1204224");
    }

    @Test
    void s3dMatchesTorchCallByCall() throws IOException {
        new MobileComputeTest().matchesGolden("tv14-s3d.json");
    }

    @Test
    void s3dPublishedOpsAtSixteenFramesOf224() {
        Trace trace = MobileComputeTest.build("s3d").trace(Shape.of(1, 3, 16, 224, 224));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo("17.979");
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 400));
    }

    @Test
    void s3dRefusesAClipTooShortForItsAvgPool() {
        // 8 frames: 4 after the stem, 2 after the (3, 3, 3) pool, 1 after the (2, 2, 2) pool; AvgPool3d((2, 7, 7)).
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> MobileComputeTest.build("s3d").trace(Shape.of(1, 3, 8, 224, 224)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("Given input size: (1024x1x7x7). Calculated output size: (1024x0x1x1)."
                        + " Output size is too small");
    }

    @Test
    void mvitV1BWithRelativePositionsAndProjectionAfterAttentionMatchesTorch() throws IOException {
        // mvit_v1_b's blocks without q pooling (empty stride_q) keep the q grid for the rel-pos products.
        com.fasterxml.jackson.databind.JsonNode truth =
                GoldenTrace.read("tv14-mvit_v1_b-rel_pos_embed-proj_after_attn.json");
        dev.modelsummary.catalog.Builder builder =
                dev.modelsummary.catalog.Catalog.standard().builder("mvit_v1_b").orElseThrow();
        dev.modelsummary.catalog.nn.Module model = builder.factory().build(dev.modelsummary.catalog.Kwargs.parse(
                "mvit_v1_b", builder.args(), java.util.Map.of("rel_pos_embed", "True", "proj_after_attn", "True")));
        GoldenTrace.assertMatches(truth, model, model.trace(GoldenTrace.inputShape(truth)));
    }

    private static Trace.Call last(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).reduce((a, b) -> b).orElseThrow();
    }
}
