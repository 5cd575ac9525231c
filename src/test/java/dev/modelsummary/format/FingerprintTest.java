package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    @Test
    void equalNamesShareAFingerprintAndDistinctOnesDoNot() {
        Fingerprint f = Fingerprint.random();
        assertThat(f.of("blk.0.attn_q.weight")).isEqualTo(f.of("blk.0.attn_q.weight"));
        assertThat(f.of("ab".getBytes(StandardCharsets.US_ASCII))).isEqualTo(f.of("ab".getBytes(StandardCharsets.US_ASCII)));
        // the length is mixed in: a leading unit of value 0 cannot vanish
        assertThat(f.of(new byte[] {0, 1})).isNotEqualTo(f.of(new byte[] {1}));
        assertThat(f.of("")).isNotEqualTo(f.of("\0"));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            seen.add(f.of("k." + i));
        }
        assertThat(seen).hasSize(200_000);
        assertThat(seen).allMatch(v -> v >= 0 && v < (1L << 61));
    }

    @Test
    void eachCheckDrawsItsOwnBase() {
        assertThat(Fingerprint.random().of("w")).isNotEqualTo(Fingerprint.random().of("w"));
    }
}
