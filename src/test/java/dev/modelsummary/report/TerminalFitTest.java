package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
    void aLongLineWrapsAtACommaNearTheEndAndContinuesUnderItsValue() {
        assertThat(TextFit.wrap("Parameters: 6,738,415,616 (6.74B) in 291 tensors, 6,738,415,616 trainable, "
                + "12.55 GiB", 80)).containsExactly(
                "Parameters: 6,738,415,616 (6.74B) in 291 tensors, 6,738,415,616 trainable,",
                "            12.55 GiB");
        assertThat(TextFit.wrap("short", 80)).containsExactly("short");
        assertThat(TextFit.wrap("x".repeat(100), 0)).containsExactly("x".repeat(100));
    }

    @Test
    void aWrappedLineKeepsANumberWithItsUnitAndBreaksOnlyAWordLongerThanALine() {
        List<String> lines = TextFit.wrap("  Weights: as stored 474.70 MiB (float32), float32 474.70 MiB, "
                + "float16/bfloat16 237.35 MiB", 60);
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(60));
        assertThat(lines).containsExactly("  Weights: as stored 474.70 MiB (float32),",
                "           float32 474.70 MiB, float16/bfloat16 237.35 MiB");
        assertThat(String.join(" ", lines)).contains("474.70 MiB", "237.35 MiB");

        List<String> path = TextFit.wrap("m  (pytorch: /" + "a".repeat(120) + ".pth)", 80);
        assertThat(path).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        assertThat(String.join("", path).replace(" ", "")).isEqualTo("m(pytorch:/" + "a".repeat(120) + ".pth)");
    }

    @Test
    void aTooWideTableNarrowsItsNameThenDropsColumnsInOrderGivingTheRoomBackToTheName() {
        int[] natural = {3, 40, 20, 20, 10};
        // 101 columns: the name narrows to 23
        assertThat(TextFit.widths(natural, 84, 1, new int[] {3})).containsExactly(3, 23, 20, 20, 10);
        // at 70 the name alone cannot make room: column 3 goes and the name gets back what it can
        assertThat(TextFit.widths(natural, 70, 1, new int[] {3})).containsExactly(3, 31, 20, -1, 10);
        assertThat(TextFit.widths(natural, 0, 1, new int[] {3})).containsExactly(natural);
    }

    @Test
    void aTableThatStillDoesNotFitIsSplitIntoBlocksRepeatingItsKeyColumns() {
        StringWriter out = new StringWriter();
        TextTable table = new TextTable("Use", "Weights", "Activations", "Total");
        table.rightAlign(1, 2, 3);
        table.fitTo(40);
        try {
            table.write(out, 2, i -> new String[] {"training SGD (momentum)", "25.10 GiB", "987.62 MiB",
                    "101.37 GiB"});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(out.toString()).isEqualTo("""
                Use                        Weights
                -----------------------  ---------
                training SGD (momentum)  25.10 GiB
                training SGD (momentum)  25.10 GiB

                Use                      Activations
                -----------------------  -----------
                training SGD (momentum)   987.62 MiB
                training SGD (momentum)   987.62 MiB

                Use                           Total
                -----------------------  ----------
                training SGD (momentum)  101.37 GiB
                training SGD (momentum)  101.37 GiB
                """);
    }

    @Test
    void aStackedTableKeepsItsNamesWholeOnALineOfTheirOwnWhenTheyWouldBeCut() {
        String[][] rows = {
            {"~ layer1.0.conv1.weight", "(64, 64, 1, 1) float32", "->", "(64, 64, 3, 3) float32", "shape"},
            {"~ layer1.1.conv1.weight", "(64, 256, 1, 1) float32", "->", "(64, 64, 3, 3) float32", "shape"}};

        assertThat(stacked(rows, 70)).isEqualTo("""
                ~ layer1.0.conv1.weight
                    (64, 64, 1, 1) float32   ->  (64, 64, 3, 3) float32  shape
                ~ layer1.1.conv1.weight
                    (64, 256, 1, 1) float32  ->  (64, 64, 3, 3) float32  shape
                """);
        // wide enough for the names: one line a row, as piped output (0: no width) always is
        String oneLine = """
                ~ layer1.0.conv1.weight  (64, 64, 1, 1) float32   ->  (64, 64, 3, 3) float32  shape
                ~ layer1.1.conv1.weight  (64, 256, 1, 1) float32  ->  (64, 64, 3, 3) float32  shape
                """;
        assertThat(stacked(rows, 100)).isEqualTo(oneLine);
        assertThat(stacked(rows, 0)).isEqualTo(oneLine);
        // too narrow even for the rest: the usual rule (names cut, then blocks)
        assertThat(stacked(rows, 50)).doesNotContain("\n    (").contains("\u2026");
    }

    private static String stacked(String[][] rows, int width) {
        StringWriter out = new StringWriter();
        TextTable table = TextTable.headless(5);
        table.nameColumn(0);
        table.stackNameWhenCut();
        table.fitTo(width);
        try {
            table.write(out, rows.length, i -> rows[i]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
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
