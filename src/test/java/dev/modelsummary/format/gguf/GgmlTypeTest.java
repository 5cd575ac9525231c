package dev.modelsummary.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every ggml type id pinned to upstream: the ids of {@code enum ggml_type} in ggml.h (llama.cpp master: removed
 * 4, 5, 31-33, 36-38; last 42, GGML_TYPE_COUNT 43), the block sizes and bytes of gguf-py's
 * {@code GGML_QUANT_SIZES} (gguf-py/gguf/constants.py) and of ggml's {@code sizeof(block_*)} (ggml-common.h).
 */
class GgmlTypeTest {
    private static final int QK_K = 256;

    /** id -> {block size, gguf-py bytes, ggml bytes}, the expressions copied from the two sources. */
    private static Map<Integer, int[]> upstream() {
        Map<Integer, int[]> m = new TreeMap<>();
        m.put(0, new int[] {1, 4, 4});                                              // F32
        m.put(1, new int[] {1, 2, 2});                                              // F16
        m.put(2, new int[] {32, 2 + 16, 18});                                       // Q4_0
        m.put(3, new int[] {32, 2 + 2 + 16, 20});                                   // Q4_1
        m.put(6, new int[] {32, 2 + 4 + 16, 22});                                   // Q5_0
        m.put(7, new int[] {32, 2 + 2 + 4 + 16, 24});                               // Q5_1
        m.put(8, new int[] {32, 2 + 32, 34});                                       // Q8_0
        m.put(9, new int[] {32, 4 + 4 + 32, 2 + 2 + 32});                           // Q8_1: the one difference
        m.put(10, new int[] {256, 2 + 2 + QK_K / 16 + QK_K / 4, 84});               // Q2_K
        m.put(11, new int[] {256, 2 + QK_K / 4 + QK_K / 8 + 12, 110});              // Q3_K
        m.put(12, new int[] {256, 2 + 2 + QK_K / 2 + 12, 144});                     // Q4_K
        m.put(13, new int[] {256, 2 + 2 + QK_K / 2 + QK_K / 8 + 12, 176});          // Q5_K
        m.put(14, new int[] {256, 2 + QK_K / 2 + QK_K / 4 + QK_K / 16, 210});       // Q6_K
        m.put(15, new int[] {256, 4 + QK_K + QK_K / 8, 292});                       // Q8_K
        m.put(16, new int[] {256, 2 + QK_K / 4, 66});                               // IQ2_XXS
        m.put(17, new int[] {256, 2 + QK_K / 4 + QK_K / 32, 74});                   // IQ2_XS
        m.put(18, new int[] {256, 2 + QK_K / 4 + QK_K / 8, 98});                    // IQ3_XXS
        m.put(19, new int[] {256, 2 + QK_K / 8 + QK_K / 16, 50});                   // IQ1_S
        m.put(20, new int[] {32, 2 + 16, 18});                                      // IQ4_NL
        m.put(21, new int[] {256, 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4, 110});   // IQ3_S
        m.put(22, new int[] {256, 2 + QK_K / 4 + QK_K / 16, 82});                   // IQ2_S
        m.put(23, new int[] {256, 2 + 2 + QK_K / 2 + QK_K / 64, 136});              // IQ4_XS
        m.put(24, new int[] {1, 1, 1});                                             // I8
        m.put(25, new int[] {1, 2, 2});                                             // I16
        m.put(26, new int[] {1, 4, 4});                                             // I32
        m.put(27, new int[] {1, 8, 8});                                             // I64
        m.put(28, new int[] {1, 8, 8});                                             // F64
        m.put(29, new int[] {256, QK_K / 8 + QK_K / 16 + QK_K / 32, 56});           // IQ1_M
        m.put(30, new int[] {1, 2, 2});                                             // BF16
        m.put(34, new int[] {256, 2 + 4 * 13, 54});                                 // TQ1_0
        m.put(35, new int[] {256, 2 + 64, 66});                                     // TQ2_0
        m.put(39, new int[] {32, 1 + 16, 17});                                      // MXFP4
        m.put(40, new int[] {64, 4 + 32, 36});                                      // NVFP4
        m.put(41, new int[] {128, 2 + 16, 18});                                     // Q1_0
        m.put(42, new int[] {64, 2 + 64 / 4, 18});  // Q2_0: ggml.h only (gguf-py has no entry yet); ggml-common.h
        return m;
    }

    @Test
    void everyIdHasUpstreamsSizesAndNoOtherIdHasAny() {
        Map<Integer, int[]> upstream = upstream();
        for (int id = -1; id <= 64; id++) {
            int[] sizes = upstream.get(id);
            var type = GgmlType.byId(id);
            if (sizes == null) {
                assertThat(type).as("id %d", id).isEmpty();
                continue;
            }
            assertThat(type).as("id %d", id).isPresent();
            assertThat(type.get().id()).isEqualTo(id);
            assertThat(type.get().blockSize()).as("%s block size", type.get()).isEqualTo(sizes[0]);
            assertThat(type.get().ggufPyBlockBytes()).as("%s gguf-py bytes", type.get()).isEqualTo(sizes[1]);
            assertThat(type.get().blockBytes()).as("%s ggml bytes", type.get()).isEqualTo(sizes[2]);
            // The model's dtype sizes a tensor as ggml does.
            assertThat(type.get().dtype().blockSize()).isEqualTo(sizes[0]);
            assertThat(type.get().dtype().blockBytes()).isEqualTo(sizes[2]);
        }
        assertThat(GgmlType.values()).hasSize(upstream.size());
    }

    @Test
    void onlyQ81DiffersBetweenGgufPyAndGgml() {
        assertThat(IntStream.range(0, 64).mapToObj(GgmlType::byId).flatMap(java.util.Optional::stream)
                .filter(t -> t.ggufPyBlockBytes() != t.blockBytes())).containsExactly(GgmlType.Q8_1);
    }
}
