package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Fact;
import org.junit.jupiter.api.Test;

class FactsTest {
    @Test
    void aShortValueIsKeptAsItIs() {
        assertThat(Facts.of("name", "tiny")).isEqualTo(new Fact("name", "tiny"));
        assertThat(Facts.of("name", "x".repeat(Facts.MAX_VALUE_CHARS)).value()).hasSize(Facts.MAX_VALUE_CHARS);
    }

    @Test
    void aLongValueIsCutWithAnEllipsis() {
        String value = Facts.of("name", "x".repeat(Facts.MAX_VALUE_CHARS + 1)).value();

        assertThat(value).isEqualTo("x".repeat(Facts.MAX_VALUE_CHARS - 1) + "…");
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        String cut = Facts.cut(emoji.repeat(10), 4);

        assertThat(cut).isEqualTo(emoji.repeat(3) + "…");
        assertThat(Facts.cut(emoji.repeat(4), 4)).isEqualTo(emoji.repeat(4));
    }

    @Test
    void aLabelFromAFileIsCutToo() {
        Fact fact = Facts.fromFile("k".repeat(500), "v");

        assertThat(fact.label()).hasSize(Facts.MAX_LABEL_CHARS).endsWith("…");
    }
}
