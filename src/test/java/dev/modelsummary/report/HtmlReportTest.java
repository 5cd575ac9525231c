package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The HTML page as text: its parts, the same numbers as the Markdown page, nothing that loads from anywhere,
 * hostile names kept inert, and the same bytes every time. The browser test checks that it works.
 *
 * <p>The golden page is rewritten by running this class with {@code -Dgolden.accept=true}: then look at the
 * diff (and at the page in a browser) before committing it.
 */
class HtmlReportTest {
    private static final String GOLDEN = "golden/html/alexnet.html";
    private static final String MEGABYTE_NAME = "n".repeat(1_000_000);

    private static Summary builtin(String name) {
        return Summary.of(Catalog.standard().build(name).orElseThrow());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("where %s starts", start).isNotNegative();
        from += start.length();
        return text.substring(from, text.indexOf(end, from));
    }

    /**
     * The page with its inlined stylesheets and scripts replaced by their names: the golden file pins the page's
     * own markup, and a change to a shared asset (which the browser test checks) does not rewrite it.
     */
    private static String withoutAssets(String page) {
        return page.replace(Html.css(), "/* base.css */\n").replace(Html.reportCss(), "/* report.css */\n")
                .replace(Html.tableScript(), "// table.js\n").replace(Html.treemapScript(), "// treemap.js\n");
    }

    @Test
    void aCountTooLongForACardShowsItsShortFormWithTheExactCountBeneath() {
        // Mixtral's 46,702,792,704 wrapped mid-number in a card of the usual width
        String page = HtmlReport.render(ChartModels.of("big", Shape.of(266_240), Shape.of(4096, 11_401_984)));

        assertThat(between(page, "id=\"card-parameters\">", "</div></div>")).contains(
                "<div class=\"value\">46.7B</div><div class=\"detail\"><span class=\"exact\">46,702,792,704</span>");
        assertThat(between(page, "id=\"card-trainable\">", "</div></div>")).contains(
                ">46.7B<", "<span class=\"exact\">46,702,792,704</span><br>100.00 %");
        assertThat(between(page, "id=\"card-layers\">", "</div></div>")).contains("<div class=\"value\">2</div>");
        assertThat(page).contains(".card .value { white-space: nowrap;");
    }

    @Test
    void alexnetMatchesTheGoldenPage() throws IOException {
        String page = withoutAssets(HtmlReport.render(builtin("alexnet")));
        assertThat(page).contains("/* base.css */", "/* report.css */", "// table.js", "// treemap.js");
        if (Boolean.getBoolean("golden.accept")) {
            Path file = Path.of("src/test/resources", GOLDEN); // the source tree: the classpath copy is stale now
            Files.createDirectories(file.getParent());
            Files.writeString(file, page, StandardCharsets.UTF_8);
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(page);
            return;
        }
        assertThat(page).isEqualTo(Resources.text(GOLDEN));
    }

    @Test
    void thePageHasItsPartsInOrder() {
        Summary summary = builtin("resnet18");
        String page = HtmlReport.render(summary);

        assertThat(page).startsWith("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")
                .contains("<meta name=\"viewport\"")
                .contains("<title>resnet18 parameter information</title>")
                .contains("<p class=\"muted\">Built-in architecture <code>resnet18</code></p>")
                .endsWith("</body>\n</html>\n");
        assertThat(page).containsSubsequence("id=\"totals\"", "id=\"forms\"", "id=\"pie\"", "<svg ",
                "id=\"treemap\"",
                "<script type=\"application/json\" id=\"tree\">", "id=\"module-table\"", "id=\"tensor-filter\"",
                "id=\"tensor-table\"", "<script>", "<script>", "</body>");
        // torchvision's documentation lists resnet18 with 11,689,512 parameters
        assertThat(between(page, "id=\"card-parameters\">", "</div></div>"))
                .contains("<div class=\"value\">11,689,512</div><div class=\"detail\">11.7M");
        assertThat(between(page, "id=\"card-layers\">", "</div></div>")).contains(">62<");
        String tensors = between(page, "id=\"tensor-table\"", "</table>");
        assertThat(count(tensors, "<tr")).isEqualTo(1 + summary.model().tensors().size());
        assertThat(tensors).contains("<th class=\"num\" data-type=\"number\">Parameters</th>")
                .contains("<tr><td class=\"name\">conv1.<wbr>weight</td><td>(64, 3, 7, 7)</td><td>(64, 3, 7, 7)</td>"
                        + "<td class=\"num\" data-value=\"9408\">9,408</td><td>Tensor rank 4</td><td>float32</td>"
                        + "<td>parameter</td><td>yes</td></tr>")
                .contains("<tr class=\"buffer\"><td class=\"name\">bn1.<wbr>num_batches_tracked</td><td>()</td><td>()</td>"
                        + "<td class=\"num\" data-value=\"1\">1</td><td>Tensor rank 0</td><td>int64</td>"
                        + "<td><span class=\"badge\">buffer</span></td><td></td></tr>");
    }

    @Test
    void formCardsShowTheMarkdownPagesPercentages() {
        Summary summary = builtin("vit_b_16");
        String markdown = MarkdownReport.render(summary);
        String page = HtmlReport.render(summary);

        List<String> byTensors = percentRow(markdown, "**Proportional of each form** (%)");
        List<String> byParameters = percentRow(markdown, "**Proportional of parameters by form** (%)");
        Matcher cards = Pattern.compile("<div class=\"value\">([0-9.]+) %</div><div class=\"detail\">of parameters "
                + "\\([0-9,]+\\)</div><div class=\"detail\">([0-9.]+) % of tensors").matcher(page);
        List<String> shownParameters = new ArrayList<>();
        List<String> shownTensors = new ArrayList<>();
        while (cards.find()) {
            shownParameters.add(cards.group(1));
            shownTensors.add(cards.group(2));
        }
        assertThat(shownParameters).isEqualTo(byParameters).hasSize(summary.forms().size());
        assertThat(shownTensors).isEqualTo(byTensors);
    }

    /** The value row of one of the Markdown page's form tables. */
    private static List<String> percentRow(String markdown, String heading) {
        String table = markdown.substring(markdown.indexOf(heading) + heading.length()).strip();
        String row = table.lines().skip(2).findFirst().orElseThrow();
        List<String> values = new ArrayList<>();
        for (String cell : row.split("\\|")) {
            if (!cell.isBlank()) {
                values.add(cell.strip());
            }
        }
        return values;
    }

    @Test
    void thePageNamesNothingOutsideItself() {
        for (String name : List.of("alexnet", "resnet18", "vit_b_16")) {
            String page = HtmlReport.render(builtin(name)).toLowerCase(Locale.ROOT);

            assertThat(page).as(name).doesNotContain("http:", "https:", "url(", "@import", "//cdn", "ftp:",
                    "data:image").doesNotContainPattern("\\s(src|href|action|srcset)\\s*=");
        }
    }

    @Test
    void theSameSummaryGivesTheSameBytes() {
        String first = HtmlReport.render(builtin("resnet18"));
        String second = HtmlReport.render(builtin("resnet18"));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void hostileNamesStayTextAndCannotBreakOutOfTheirElements() throws IOException {
        String breakout = "</script><script>alert(1)</script>";
        List<String> names = List.of(breakout + ".weight", "q\"u'o<t>e&s.bias", "ctl\u0000\u001b[2J\u007f.w",
                "sep\u2028ara\u2029tors.w", "<!--comment.w", MEGABYTE_NAME + ".weight", "</SCRIPT >.w");
        List<TensorEntry> tensors = new ArrayList<>();
        for (String name : names) {
            tensors.add(TensorEntry.parameter(name, Shape.of(2, 3), DType.FLOAT32, true));
        }
        Summary summary = Summary.of(new Model("m</title><script>x()</script>", "safetensors",
                "/tmp/\"><img src=x onerror=alert(1)>.safetensors", tensors, List.of(),
                FileDetails.NONE.withFacts(List.of(new Fact("name", "<b>\u001b]0;owned\u0007</b>")))));

        String page = HtmlReport.render(summary);

        String lower = page.toLowerCase(Locale.ROOT);
        assertThat(count(lower, "<script")).isEqualTo(3);
        assertThat(count(lower, "</script")).isEqualTo(3);
        assertThat(lower).doesNotContain("<!--", "<img", "<b>");
        assertThat(page.chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f)).isEmpty();
        assertThat(page).contains("\n<title>m&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt; parameter information"
                + "</title>\n<style>\n");
        assertThat(page).contains("<td class=\"name\">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;.<wbr>weight</td>")
                .contains("<td class=\"name\">q&quot;u&#39;o&lt;t&gt;e&amp;s.<wbr>bias</td>")
                .contains("<td class=\"name\">ctl\uFFFD\uFFFD[2J\uFFFD.<wbr>w</td>")
                .contains("<td class=\"name\">" + MEGABYTE_NAME + ".<wbr>weight</td>")
                .contains("<td>&lt;b&gt;\uFFFD]0;owned\uFFFD&lt;/b&gt;</td>");
        assertThat(page.length()).isLessThan(MEGABYTE_NAME.length() + 200_000); // the long name once, whole

        JsonNode tree = new ObjectMapper().readTree(between(page, "id=\"tree\">", "</script>"));
        assertThat(tree.path("c").findValuesAsText("n")).contains(breakout, "sep\u2028ara\u2029tors")
                .contains("n".repeat(ModuleTreeJson.MAX_NAME - 1) + "\u2026");
    }

    @Test
    void fileDetailsTiedWeightsAndSiteRankAreShown() {
        List<TensorEntry> tensors = List.of(
                TensorEntry.parameter("embed.weight", Shape.of(10, 4), DType.FLOAT16, true),
                TensorEntry.parameter("lm_head.weight", Shape.of(10, 4), DType.FLOAT16, false)
                        .withAliasOf("embed.weight"),
                TensorEntry.parameter("norm.weight", Shape.of(4), DType.FLOAT32, false));
        FileDetails details = FileDetails.NONE.withFacts(List.of(new Fact("architecture", "llama")))
                .withNotes(List.of("weights are packed"));
        Summary summary = Summary.of(new Model("tiny", "gguf", "tiny.gguf", tensors,
                List.of("unknown key <x> skipped"), details));
        StringBuilderWriter out = new StringBuilderWriter();

        try {
            HtmlReport.write(summary, out, new dev.modelsummary.report.SiteRank(3, 80, "text/generation",
                    "../ranking/text-generation.html#tiny"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String page = out.toString();

        assertThat(page).contains("gguf file <code>tiny.gguf</code> &middot; <a href=\"../ranking/"
                        + "text-generation.html#tiny\">rank 3 of 80 in text/generation</a>")
                .contains("<tr><th>architecture</th><td>llama</td></tr>")
                .contains("<p><strong>Note:</strong> weights are packed</p>")
                .contains("<p class=\"warning\"><strong>Warning:</strong> unknown key &lt;x&gt; skipped</p>")
                .contains("<tr class=\"alias\"><td class=\"name\">lm_head.<wbr>weight <span class=\"tied\">tied to "
                        + "embed.weight</span></td>");
        assertThat(between(page, "id=\"card-trainable\">", "</div></div>")).contains(">40<");
        assertThat(between(page, "id=\"card-frozen\">", "</div></div>")).contains(">4<");
        assertThat(between(page, "id=\"card-bytes\">", "</div></div>")).contains("float16 80 B &middot; float32 16 B");
        assertThat(between(page, "id=\"card-bits\">", "</div></div>")).contains(">17.45<"); // 96 x 8 / 44
    }

    @Test
    void rowsPastTheLimitAreWrittenHiddenAndSaySo() {
        String page = HtmlReport.render(numbered(HtmlReport.TENSOR_ROW_LIMIT + 1));
        String table = between(page, "<table class=\"sortable\" id=\"tensor-table\"", "</section>");

        assertThat(table).startsWith(" data-filter=\"tensor-filter\" data-count=\"tensor-count\" data-limit=\"1000\" "
                + "data-more=\"tensor-more\">");
        assertThat(count(table, "<tr>")).isEqualTo(1 + HtmlReport.TENSOR_ROW_LIMIT); // the header row too
        assertThat(count(table, "<tr hidden>")).isEqualTo(1);
        assertThat(table).contains("<tr hidden><td class=\"name\">blocks.<wbr>1000.<wbr>weight</td>")
                .endsWith("</table>\n<p class=\"muted\" id=\"tensor-more\">Showing the first 1,000 of 1,001 "
                        + "tensors; the filter and sorting search all of them.</p>\n");
        assertThat(page).contains("<span id=\"tensor-count\">1,001</span> of 1,001 tensors match</span>");
    }

    @Test
    void aTableWithinTheLimitIsWrittenWhole() {
        String page = HtmlReport.render(numbered(HtmlReport.TENSOR_ROW_LIMIT));

        assertThat(between(page, "<section id=\"tensors\">", "</section>"))
                .doesNotContain("hidden", "data-limit", "tensor-more")
                .contains("<span id=\"tensor-count\">1,000</span> of 1,000 tensors shown</span>");
    }

    /** {@code count} tensors named blocks.0.weight, blocks.1.weight, ... */
    private static Summary numbered(int count) {
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tensors.add(TensorEntry.parameter("blocks." + i + ".weight", Shape.of(8, 8), DType.FLOAT32, true));
        }
        return Summary.of(new Model("wide", "safetensors", "wide.safetensors", tensors, List.of()));
    }

    @Test
    void aLargeModelIsWrittenInSmallPieces() throws IOException {
        Summary summary = numbered(100_000);
        StringBuilderWriter out = new StringBuilderWriter();

        HtmlReport.write(summary, out);

        assertThat(out.largestWrite).isLessThan(64 * 1024);
        assertThat(out.toString()).hasSizeGreaterThan(10_000_000);
    }

    /** Remembers the largest single write: the page must be streamed, not assembled and written at once. */
    private static Summary computed(String name) {
        Model model = Catalog.standard().build(name).orElseThrow();
        Summary summary = Summary.of(model);
        ModelInput input = model.architecture().defaultInput();
        return summary.withCompute(ComputeSummary.of(summary, input, model.architecture().trace(input)));
    }

    @Test
    void computeAddsCardsAndAFlopsColumnToTheModuleTable() {
        String page = HtmlReport.render(computed("resnet50"));
        // torchvision's published _ops for resnet50: 4.089 GMACs
        assertThat(between(page, "id=\"card-gflops\">", "</div></div>")).contains(">8.18<", "8,178,368,512 FLOPs");
        assertThat(between(page, "id=\"card-gmacs\">", "</div></div>")).contains(">4.09<");
        assertThat(between(page, "id=\"card-input\">", "</div></div>")).contains(">[1, 3, 224, 224]<",
                "images (N, C, H, W)", "588.00 KiB");
        assertThat(page).contains("id=\"card-activations\"", "id=\"card-memory\"");
        assertThat(page.indexOf("id=\"card-gflops\"")).isBetween(page.indexOf("id=\"card-bits\""),
                page.indexOf("id=\"form-split\""));

        String table = between(page, "<table class=\"sortable\" id=\"module-table\">", "</table>");
        assertThat(table).contains("<th class=\"num\" data-type=\"number\">FLOPs</th>");
        Matcher row = Pattern.compile("<tr><td class=\"name depth(\\d)\">([^<]*)</td>.*?"
                + "<td class=\"num\" data-value=\"(-?\\d+)\">[^<]*</td></tr>").matcher(table);
        long root = -1;
        long depthOne = 0;
        long fc = -1;
        int rows = 0;
        while (row.find()) {
            rows++;
            long flops = Long.parseLong(row.group(3));
            if (row.group(1).equals("0")) {
                root = flops;
            } else if (row.group(1).equals("1")) {
                depthOne += flops;
            }
            if (row.group(2).equals("fc")) {
                fc = flops;
            }
        }
        assertThat(rows).isEqualTo(count(table, "<tr><td"));
        assertThat(root).isEqualTo(8_178_368_512L);
        assertThat(depthOne).as("pooling and activations count nothing").isEqualTo(root);
        assertThat(fc).isEqualTo(2L * 2048 * 1000);
    }

    @Test
    void aModuleCalledTwiceCountsBothCalls() {
        Trace.Call root = new Trace.Call("", "M", List.of(), List.of(), 0, 10, false);
        Trace.Call shared = new Trace.Call("shared", "L", List.of(), List.of(), 0, 3, true);
        Trace.Call block = new Trace.Call("block", "B", List.of(), List.of(), 0, 4, false);
        ComputeSummary compute = new ComputeSummary(ModelInput.text(1, 4), List.of(root, shared, block, shared),
                10, 0, 4, 32, 0, 0, 3, null);
        assertThat(HtmlReport.flopsByModule(compute)).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("", 10L, "shared", 6L, "block", 4L));
        assertThat(HtmlReport.flopsByModule(null)).isNull();
    }

    @Test
    void withoutComputeThePageHasNoComputeParts() {
        String page = HtmlReport.render(builtin("resnet18"));
        assertThat(page).doesNotContain("card-gflops", "FLOPs", "GMACs");
    }

    private static final class StringBuilderWriter extends Writer {
        private final StringBuilder text = new StringBuilder();
        private int largestWrite;

        @Override
        public void write(char[] buffer, int offset, int length) {
            largestWrite = Math.max(largestWrite, length);
            text.append(buffer, offset, length);
        }

        @Override
        public void write(String string) {
            largestWrite = Math.max(largestWrite, string.length());
            text.append(string);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
