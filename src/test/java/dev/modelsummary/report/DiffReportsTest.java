package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ModelDiff;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The diff reports escape names from files as the summary reports do, and cut lists only when asked. */
class DiffReportsTest {
    /** A newline, an escape sequence, a bidi override and Markdown table markup. */
    private static final String HOSTILE = "evil\n\u001b[31m\u202e|<b>`";

    private static final ModelDiff DIFF = ModelDiff.of(
            new Model("a\u001b]0;x", "test", "a.pth", List.of(
                    TensorEntry.parameter(HOSTILE, Shape.of(2), DType.FLOAT32, true),
                    TensorEntry.parameter("w", Shape.of(2), DType.FLOAT32, true)), List.of()),
            new Model("b", "test", "b\n.pth", List.of(
                    TensorEntry.parameter("w", Shape.of(3), DType.FLOAT32, true),
                    TensorEntry.parameter("t", Shape.of(3), DType.FLOAT32, true).withAliasOf(HOSTILE)), List.of()));

    private interface Report {
        void write(StringWriter out) throws IOException;
    }

    private static String render(Report report) throws IOException {
        StringWriter out = new StringWriter();
        report.write(out);
        return out.toString();
    }

    @Test
    void textEscapesControlAndFormatCharacters() throws IOException {
        String text = render(out -> DiffTextReport.write(DIFF, Integer.MAX_VALUE, out));

        assertThat(text).doesNotContain("\u001b", "\u202e", "evil\n");
        assertThat(text).contains("--- a\\u001b]0;x  (test: a.pth)\n", "+++ b  (test: b\\u000a.pth)\n",
                "- evil\\u000a\\u001b[31m\\u202e|<b>`  (2,) float32\n",
                "+ t  (3,) float32 tied to evil\\u000a\\u001b[31m\\u202e|<b>`\n",
                "~ w  (2,) float32  ->  (3,) float32  shape\n");
    }

    @Test
    void markdownEscapesMarkupToo() throws IOException {
        String md = render(out -> DiffMarkdownReport.write(DIFF, Integer.MAX_VALUE, out));

        assertThat(md).doesNotContain("\u001b", "\u202e", "evil\n", "<b>");
        assertThat(md).contains("| evil\\u000a\\u001b[31m\\u202e\\|\\<b\\>\\` | (2,) float32 |\n");
    }

    @Test
    void jsonKeepsNamesWholeAndEscaped() throws IOException {
        String json = render(out -> DiffJsonReport.write(DIFF, out));

        assertThat(json).doesNotContain("\u001b", "\u202e");
        JsonNode tree = new ObjectMapper().readTree(json);
        assertThat(tree.get("onlyInA").get(0).get("name").asText()).isEqualTo(HOSTILE);
        assertThat(tree.get("onlyInB").get(0).get("aliasOf").asText()).isEqualTo(HOSTILE);
        assertThat(tree.get("b").get("source").asText()).isEqualTo("b\n.pth");
    }

    @Test
    void maxRowsCutsEachSectionAndSaysSo() throws IOException {
        String text = render(out -> DiffTextReport.write(DIFF, 0, out));
        String md = render(out -> DiffMarkdownReport.write(DIFF, 0, out));

        assertThat(text).contains("Only in A (1):\n... and 1 more (raise --max-rows to list them)\n");
        assertThat(text).doesNotContain("~ w");
        assertThat(md).contains("| --- | --- |\n\n... and 1 more (raise --max-rows to list them)\n");
    }
}
