package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names from a file are data: kept whole, but neither allowed to widen every row nor to drive a terminal. */
class HostileNamesReportTest {
    private static final String LONG = "n".repeat(100_000);

    private static Summary model(String fileName, String... names) {
        List<TensorEntry> tensors = new ArrayList<>();
        for (String name : names) {
            tensors.add(TensorEntry.parameter(name, Shape.of(2, 3), DType.FLOAT32, true));
        }
        return Summary.of(new Model(fileName, "safetensors", fileName + ".safetensors", tensors, List.of()));
    }

    private static Summary oneLongNameAmongMany() {
        String[] names = new String[200];
        for (int i = 0; i < names.length; i++) {
            names[i] = i == 0 ? LONG : "layer" + i + ".weight";
        }
        return model("m", names);
    }

    @Test
    void aLongNameOverflowsItsColumnInsteadOfWideningEveryRow() {
        String text = TextReport.render(oneLongNameAmongMany());

        assertThat(text).contains(LONG);
        assertThat(text.length()).isLessThan(LONG.length() + 200 * 200);
        assertThat(text).containsPattern("\n  2  layer1\\.weight +\\(2, 3\\) +\\(2, 3\\) +6  Matrix  float32\n");
        assertThat(text.lines().filter(l -> l.length() > 1000)).hasSize(1);
    }

    @Test
    void textColumnsStayAlignedForOrdinaryNames() {
        String text = TextReport.render(model("m", "a.weight", "a.much.longer.name.weight"));

        assertThat(text).contains("\n#  Name                       Shape   Squeezed  Parameters  Form    DType\n"
                + "-  -------------------------  ------  --------  ----------  ------  -------\n"
                + "1  a.weight                   (2, 3)  (2, 3)             6  Matrix  float32\n"
                + "2  a.much.longer.name.weight  (2, 3)  (2, 3)             6  Matrix  float32\n");
    }

    @Test
    void markdownAndJsonKeepALongNameWhole() throws IOException {
        Summary summary = oneLongNameAmongMany();

        assertThat(MarkdownReport.render(summary)).contains("| " + LONG + " | (2, 3) |");
        assertThat(new ObjectMapper().readTree(JsonReport.render(summary)).at("/tensors/0/name").asText())
                .isEqualTo(LONG);
    }

    @Test
    void controlCharactersInNamesAreEscapedInTextAndMarkdown() {
        Summary summary = model("x\u001b]0;owned\u0007", "evil\n| forged | row |\u009b2J", "ok.weight");

        assertThat(TextReport.render(summary)).doesNotContain("\u001b", "\u0007", "\u009b")
                .contains("evil\\u000a| forged | row |\\u009b2J", "x\\u001b]0;owned\\u0007");
        // A Markdown cell also escapes the pipes, so the name cannot forge table cells.
        assertThat(MarkdownReport.render(summary)).doesNotContain("\u001b", "\u0007", "\u009b")
                .contains("| evil\\u000a\\| forged \\| row \\|\\u009b2J |", "x\\u001b]0;owned\\u0007");
    }

    @Test
    void jsonEscapesEveryControlAndFormatCharacterLosslessly() throws IOException {
        Summary summary = model("m", "a\u001b[2J\u009b\u202e\u2028b");
        String json = JsonReport.render(summary);

        assertThat(json).contains("\"a\\u001B[2J\\u009B\\u202E\\u2028b\"");
        assertThat(new ObjectMapper().readTree(json).at("/tensors/0/name").asText())
                .isEqualTo("a\u001b[2J\u009b\u202e\u2028b");
    }
}
