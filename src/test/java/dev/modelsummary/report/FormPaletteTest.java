package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Form;
import java.awt.Color;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FormPaletteTest {

    @Test
    void commonFormsGetFixedOkabeItoColours() {
        assertThat(FormPalette.hex(Form.VECTOR)).isEqualTo("#e69f00");
        assertThat(FormPalette.hex(Form.MATRIX)).isEqualTo("#0072b2");
        assertThat(FormPalette.hex(new Form(0))).isEqualTo("#cc79a7");
        assertThat(FormPalette.hex(new Form(3))).isEqualTo("#d55e00");
        assertThat(FormPalette.hex(new Form(4))).isEqualTo("#009e73");
        assertThat(FormPalette.hex(new Form(5))).isEqualTo("#56b4e9");
        assertThat(FormPalette.hex(new Form(6))).isEqualTo("#f0e442");
    }

    @Test
    void aFormHasTheSameColourEveryTimeWhateverElseWasAskedBefore() {
        Color rank10 = FormPalette.color(new Form(10));
        for (int rank = 0; rank < 40; rank++) {
            FormPalette.color(new Form(rank));
        }
        assertThat(FormPalette.color(new Form(10))).isEqualTo(rank10);
        assertThat(FormPalette.color(new Form(4))).isEqualTo(FormPalette.color(new Form(4)));
    }

    @Test
    void ranksUpToTwentyAllGetDistinctOpaqueColours() {
        Set<Integer> seen = new HashSet<>();
        for (int rank = 0; rank <= 20; rank++) {
            Color c = FormPalette.color(new Form(rank));
            assertThat(c.getAlpha()).isEqualTo(255);
            assertThat(seen.add(c.getRGB())).as("colour of rank %d is new", rank).isTrue();
            assertThat(c).as("rank %d is visible on white", rank).isNotEqualTo(Color.WHITE);
        }
    }

    @Test
    void hexIsSevenCharactersOfLowerCaseHex() {
        for (Form form : List.of(Form.VECTOR, new Form(7), new Form(1000))) {
            assertThat(FormPalette.hex(form)).matches("#[0-9a-f]{6}");
            assertThat(Color.decode(FormPalette.hex(form))).isEqualTo(FormPalette.color(form));
        }
    }
}
