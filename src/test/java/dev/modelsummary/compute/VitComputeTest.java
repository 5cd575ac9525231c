package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * The forward on shapes of torchvision's VisionTransformer (0.14.1): torch's vit_b_16 golden call by call, and
 * the published {@code _ops} of every ViT weight (FLOPs / 2e9 to three decimals) at its crop size.
 */
class VitComputeTest {
    private static final Catalog CATALOG = Catalog.standard();

    static Module build(String name, Map<String, String> args) {
        Builder builder = CATALOG.builder(name).orElseThrow();
        return builder.factory().build(Kwargs.parse(name, builder.args(), args));
    }

    @Test
    void vitB16MatchesTorchCallByCall() throws IOException {
        new MobileComputeTest().matchesGolden("tv-vit_b_16.json");
    }

    @ParameterizedTest
    @CsvSource({
        "vit_b_16, IMAGENET1K_V1, 224, 17.564", "vit_b_16, IMAGENET1K_SWAG_E2E_V1, 384, 55.484",
        "vit_b_16, IMAGENET1K_SWAG_LINEAR_V1, 224, 17.564",
        "vit_b_32, IMAGENET1K_V1, 224, 4.409",
        "vit_l_16, IMAGENET1K_V1, 224, 61.555", "vit_l_16, IMAGENET1K_SWAG_E2E_V1, 512, 361.986",
        "vit_l_16, IMAGENET1K_SWAG_LINEAR_V1, 224, 61.555",
        "vit_l_32, IMAGENET1K_V1, 224, 15.378",
        "vit_h_14, IMAGENET1K_SWAG_E2E_V1, 518, 1016.717", "vit_h_14, IMAGENET1K_SWAG_LINEAR_V1, 224, 167.295",
    })
    void publishedOpsAreMacsAtTheCropSize(String builder, String weights, long crop, String ops) {
        Trace trace = build(builder, Map.of("weights", weights)).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void batchScalesAndAttentionIsCountedInItsCall() {
        Module model = build("vit_b_32", Map.of());
        Trace one = model.trace(Shape.of(1, 3, 224, 224));
        Trace four = model.trace(Shape.of(4, 3, 224, 224));
        assertThat(four.totalFlops()).isEqualTo(4 * one.totalFlops());
        // 50 tokens of 768, 12 heads: in_proj 2*50*768*2304, QK^T and AV 2*12*50*50*64 each, out_proj 2*50*768*768.
        long attention = 2L * 50 * 768 * 2304 + 2 * (2L * 12 * 50 * 50 * 64) + 2L * 50 * 768 * 768;
        assertThat(one.flopsByModule()).containsEntry("encoder.layers.encoder_layer_0.self_attention", attention)
                .doesNotContainKey("encoder.layers.encoder_layer_0.self_attention.out_proj");
        assertThat(one.calls().stream().map(Trace.Call::name).toList())
                .doesNotContain("encoder.layers.encoder_layer_0.self_attention.out_proj");
    }

    @Test
    void representationSizeAddsPreLogitsAndTanh() {
        Trace trace = build("vit_b_32", Map.of("representation_size", "512")).trace(Shape.of(2, 3, 224, 224));
        List<String> tail = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(tail).endsWith("heads Sequential [[2, 1000]]", "heads.pre_logits Linear [[2, 512]]",
                "heads.act Tanh [[2, 512]]", "heads.head Linear [[2, 1000]]");
    }

    @Test
    void wrongImageSizeIsRefusedInTorchsWords() {
        Module model = build("vit_b_16", Map.of());
        assertThatThrownBy(() -> model.trace(Shape.of(1, 3, 240, 224))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("Wrong image height! Expected 224 but got 240!");
        assertThatThrownBy(() -> model.trace(Shape.of(3, 224, 224))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("not enough values to unpack (expected 4, got 3)");
        assertThatThrownBy(() -> model.trace(Shape.of(1, 4, 224, 224))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("to have 3 channels, but got 4 channels instead")
                .extracting(e -> ((ShapeException) e).path()).isEqualTo("conv_proj");
    }

    @Test
    void matmulBroadcastsBatchDims() {
        assertThat(MatMul.matmul(Shape.of(2, 1, 3, 4), Shape.of(5, 4, 6))).isEqualTo(Shape.of(2, 5, 3, 6));
        assertThat(MatMul.matmulFlops(Shape.of(2, 1, 3, 4), Shape.of(5, 4, 6))).isEqualTo(2L * 10 * 3 * 4 * 6);
        assertThat(MatMul.bmmFlops(Shape.of(3, 5, 7), Shape.of(3, 7, 2))).isEqualTo(2L * 3 * 5 * 7 * 2);
        assertThatThrownBy(() -> MatMul.bmm(Shape.of(3, 5, 7), Shape.of(3, 6, 2)))
                .hasMessage("Expected size for first two dimensions of batch2 tensor to be: [3, 7] but got: [3, 6].");
        assertThatThrownBy(() -> MatMul.matmul(Shape.of(2, 3, 4), Shape.of(3, 4, 6)))
                .isInstanceOf(ShapeException.class);
    }
}
