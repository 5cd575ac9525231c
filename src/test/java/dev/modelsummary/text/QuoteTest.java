package dev.modelsummary.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuoteTest {

    @Test
    void quotesAndEscapesC0Controls() {
        assertThat(Quote.of("a\nb\u001b[31m")).isEqualTo("'a\\u000ab\\u001b[31m'");
    }

    @Test
    void escapesC1ControlsAndLineSeparators() {
        // U+009B is an 8-bit CSI to some terminals; U+0085, U+2028 and U+2029 end lines in some viewers.
        assertThat(Quote.of("a\u009b31mb\u0085c\u2028d\u2029e"))
                .isEqualTo("'a\\u009b31mb\\u0085c\\u2028d\\u2029e'");
    }

    @Test
    void escapesFormatCharactersAndUnpairedSurrogates() {
        assertThat(Quote.of("\u202eabc\ufeff\ud800x")).isEqualTo("'\\u202eabc\\ufeff\\ud800x'");
        assertThat(Quote.of("\ud83d\ude00")).isEqualTo("'\ud83d\ude00'");
    }

    @Test
    void cutsLongValues() {
        assertThat(Quote.of("x".repeat(500))).isEqualTo("'" + "x".repeat(200) + "...'");
    }

    @Test
    void bareEscapesWithoutQuotesAndCutsOnlyPastAPathsLength() {
        assertThat(Quote.bare("/tmp/a\nb")).isEqualTo("/tmp/a\\u000ab");
        assertThat(Quote.bare("p".repeat(4096))).isEqualTo("p".repeat(4096));
        assertThat(Quote.bare("p".repeat(5000))).isEqualTo("p".repeat(4096) + "...");
    }

    @Test
    void escapedKeepsEveryCharacter() {
        String name = "n".repeat(10_000) + "\r";
        assertThat(Quote.escaped(name)).isEqualTo("n".repeat(10_000) + "\\u000d");
        assertThat(Quote.escaped("plain.weight")).isSameAs("plain.weight");
    }
}
