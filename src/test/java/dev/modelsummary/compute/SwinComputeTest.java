package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of torchvision's Swin Transformer V1 and V2 (0.14.1): call order (qkv and proj used
 * functionally, V2's cpb_mlp called), and every builder's published {@code _ops} at its crop size.
 */
class SwinComputeTest {

    @ParameterizedTest
    @CsvSource({
        "swin_t, 224, 4.491", "swin_s, 224, 8.741", "swin_b, 224, 15.431",
        "swin_v2_t, 256, 5.940", "swin_v2_s, 256, 11.546", "swin_v2_b, 256, 20.325",
    })
    void publishedOpsAreMacsAtTheCropSize(String builder, long crop, String ops) {
        Trace trace = MobileComputeTest.build(builder).trace(Shape.of(1, 3, crop, crop));
        assertThat(String.format(Locale.ROOT, "%.3f", trace.totalFlops() / 2e9)).isEqualTo(ops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
    }

    @Test
    void swinTinyCallsAttentionWithoutItsLinears() {
        Trace trace = MobileComputeTest.build("swin_t").trace(Shape.of(2, 3, 224, 224));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).startsWith(" SwinTransformer [[2, 1000]]", "features Sequential [[2, 7, 7, 768]]",
                "features.0 Sequential [[2, 56, 56, 96]]", "features.0.0 Conv2d [[2, 96, 56, 56]]",
                "features.0.1 Permute [[2, 56, 56, 96]]", "features.0.2 LayerNorm [[2, 56, 56, 96]]",
                "features.1 Sequential [[2, 56, 56, 96]]", "features.1.0 SwinTransformerBlock [[2, 56, 56, 96]]",
                "features.1.0.norm1 LayerNorm [[2, 56, 56, 96]]",
                "features.1.0.attn ShiftedWindowAttention [[2, 56, 56, 96]]",
                "features.1.0.stochastic_depth StochasticDepth [[2, 56, 56, 96]]",
                "features.1.0.norm2 LayerNorm [[2, 56, 56, 96]]", "features.1.0.mlp MLP [[2, 56, 56, 96]]",
                "features.1.0.mlp.0 Linear [[2, 56, 56, 384]]", "features.1.0.mlp.1 GELU [[2, 56, 56, 384]]",
                "features.1.0.mlp.2 Dropout [[2, 56, 56, 384]]", "features.1.0.mlp.3 Linear [[2, 56, 56, 96]]",
                "features.1.0.mlp.4 Dropout [[2, 56, 56, 96]]",
                "features.1.0.stochastic_depth StochasticDepth [[2, 56, 56, 96]]")
                .contains("features.2 PatchMerging [[2, 28, 28, 192]]", "features.2.norm LayerNorm [[2, 28, 28, 384]]",
                        "features.2.reduction Linear [[2, 28, 28, 192]]")
                .endsWith("norm LayerNorm [[2, 7, 7, 768]]", "permute Permute [[2, 768, 7, 7]]",
                        "avgpool AdaptiveAvgPool2d [[2, 768, 1, 1]]", "flatten Flatten [[2, 768]]",
                        "head Linear [[2, 1000]]");
        assertThat(calls).noneMatch(c -> c.contains("qkv") || c.contains("proj"));
        // One window-attention call at stage 1: qkv 2*(2*64*49)*96*288, QK^T and AV 2*(2*64*3*49*49*32) each,
        // proj 2*(2*64*49)*96*96.
        long rows = 2L * 64 * 49;
        long expected = 2 * rows * 96 * 288 + 2 * (2L * 2 * 64 * 3 * 49 * 49 * 32) + 2 * rows * 96 * 96;
        assertThat(trace.calls().stream().filter(c -> c.name().equals("features.1.0.attn")).findFirst()
                .orElseThrow().flops()).isEqualTo(expected);
    }

    @Test
    void swinV2CallsItsContinuousPositionBiasMlpFirst() {
        Trace trace = MobileComputeTest.build("swin_v2_t").trace(Shape.of(1, 3, 256, 256));
        List<String> calls = trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out())
                .toList();
        assertThat(calls).containsSubsequence("features.1.0 SwinTransformerBlockV2 [[1, 64, 64, 96]]",
                "features.1.0.attn ShiftedWindowAttentionV2 [[1, 64, 64, 96]]",
                "features.1.0.attn.cpb_mlp Sequential [[1, 15, 15, 3]]",
                "features.1.0.attn.cpb_mlp.0 Linear [[1, 15, 15, 512]]",
                "features.1.0.attn.cpb_mlp.1 ReLU [[1, 15, 15, 512]]",
                "features.1.0.attn.cpb_mlp.2 Linear [[1, 15, 15, 3]]",
                "features.1.0.norm1 LayerNorm [[1, 64, 64, 96]]",
                "features.2 PatchMergingV2 [[1, 32, 32, 192]]", "features.2.reduction Linear [[1, 32, 32, 192]]",
                "features.2.norm LayerNorm [[1, 32, 32, 192]]");
    }
}
