package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code -f text} on a terminal: lines keep to its width, names are cut in the middle, numbers never. */
class TerminalFitTest {

    @AfterEach
    void noTerminal() {
        System.clearProperty(TerminalWidth.PROPERTY);
    }

    private static Summary llamaLike() {
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tensors.add(TensorEntry.parameter("model.layers." + i + ".post_attention_layernorm.weight",
                    Shape.of(4096), DType.FLOAT16, true));
            tensors.add(TensorEntry.parameter("model.layers." + i + ".mlp.down_proj.weight", Shape.of(4096, 11008),
                    DType.FLOAT16, true));
        }
        return Summary.of(new Model("m", "test", "m.safetensors", tensors, List.of()));
    }

    private static List<String> tensorRows(String text) {
        return text.lines().dropWhile(l -> !l.matches(" *#  Name.*")).skip(2).toList();
    }

    @Test
    void onATerminalTheTensorTableFitsItsWidthAndKeepsEveryNumber() {
        System.setProperty(TerminalWidth.PROPERTY, "80");
        String text = TextReport.render(llamaLike());

        List<String> rows = tensorRows(text);
        assertThat(rows).hasSize(24);
        assertThat(rows).allSatisfy(row -> assertThat(row.length()).isLessThanOrEqualTo(80));
        assertThat(rows.get(1)).contains("\u2026").contains("45,088,768").contains("(4096, 11008)")
                .endsWith("float16");
        // every shape is its own squeezed shape: the column that repeats it is left out
        assertThat(text).doesNotContain("Squeezed");
    }

    @Test
    void pipedOutputKeepsWholeNamesAndTheSqueezedColumn() {
        String text = TextReport.render(llamaLike());

        assertThat(text).contains("model.layers.11.post_attention_layernorm.weight", "Squeezed")
                .doesNotContain("\u2026");
    }

    @Test
    void aNameIsCutInTheMiddleKeepingItsEnd() {
        assertThat(TextTable.middleCut("model.layers.0.mlp.down_proj.weight", 20)).hasSize(20)
                .isEqualTo("model.lay\u2026roj.weight");
        assertThat(TextTable.middleCut("short", 20)).isEqualTo("short");
    }

    @Test
    void onlyAPlausibleWidthCounts() {
        assertThat(TerminalWidth.parse("120")).isEqualTo(120);
        assertThat(TerminalWidth.parse("10")).isZero();
        assertThat(TerminalWidth.parse("abc")).isZero();
        assertThat(TerminalWidth.parse(null)).isZero();
        assertThat(TerminalWidth.parse("99999999")).isZero();
    }
}
