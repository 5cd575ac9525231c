package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelRandomTest {

    @Test
    void drawsTheCountAskedForAndNeverTheSameTwice() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            long[] values = KernelRandom.longs(3);
            assertThat(values).hasSize(3);
            Arrays.stream(values).forEach(v -> assertThat(seen.add(v)).as("a repeated 64-bit draw").isTrue());
        }
    }
}
