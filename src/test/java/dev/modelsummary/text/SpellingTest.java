package dev.modelsummary.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpellingTest {
    @Test
    void distanceCountsSingleCharacterEdits() {
        assertThat(Spelling.distance("--depht", "--depth")).isEqualTo(2); // a swap is two edits
        assertThat(Spelling.distance("torch_dtyp", "torch_dtype")).isEqualTo(1);
        assertThat(Spelling.distance("", "abc")).isEqualTo(3);
        assertThat(Spelling.distance("same", "same")).isZero();
    }

    @Test
    void nearestIsTheClosestPlausibleOtherName() {
        List<String> options = List.of("--depth", "--format", "--out");

        assertThat(Spelling.nearest("--depht", options)).isEqualTo("--depth");
        assertThat(Spelling.nearest("--fromat", options)).isEqualTo("--format");
        assertThat(Spelling.nearest("--qwertyuiop", options)).isNull();
        assertThat(Spelling.nearest("--depth", options)).isNull(); // an exact name is no typo
        assertThat(Spelling.nearest("x".repeat(101), options)).isNull();
    }
}
