package dev.modelsummary.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.HtmlReport;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.HeadlessChromium;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML page in a real browser (headless Chromium): it renders without a console error under its own
 * no-network Content-Security-Policy, its cards say what the summary says, the tensor table sorts and filters,
 * and the treemap zooms. A screenshot goes to {@code target/screenshots/} for people to look at.
 */
class ChromiumHtmlReportTest {
    private static final String MODEL = "resnet18";

    @TempDir
    static Path dir;
    private static Summary summary;
    private static Path page;
    private static HeadlessChromium browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        if (!HeadlessChromium.isInstalled()) {
            return; // each test skips (or fails under CI) in openPage, and is counted
        }
        summary = Summary.of(Catalog.standard().build(MODEL).orElseThrow());
        page = dir.resolve(MODEL + ".html");
        try (Writer out = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
            HtmlReport.write(summary, out);
        }
        browser = HeadlessChromium.start(1280, 900);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null; // ChromiumSkipTest runs this class again in the same JVM
        }
    }

    @BeforeEach
    void openPage() throws IOException {
        HeadlessChromium.assumeInstalled();
        browser.open(page);
    }

    @Test
    void rendersWithoutConsoleErrorsAndLeavesAScreenshot() throws IOException {
        Path shot = Path.of("target", "screenshots", MODEL + ".png");
        Files.deleteIfExists(shot);

        browser.screenshot(shot);

        assertThat(browser.consoleErrors()).isEmpty();
        byte[] png = Files.readAllBytes(shot);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        assertThat(png.length).isGreaterThan(50_000);
    }

    @Test
    void aRequestForAnythingOutsideThePageIsBlockedAndReported() throws IOException {
        browser.evaluate("var img = document.createElement('img'); img.src = 'https://example.com/x.png';"
                + "document.body.appendChild(img); new Promise(function (done) { setTimeout(done, 200); })");

        assertThat(browser.consoleErrors()).isNotEmpty();
    }

    @Test
    void theCardsShowTheTotals() throws IOException {
        String parameters = browser.evaluate("document.querySelector('#card-parameters .value').textContent")
                .asText();
        String layers = browser.evaluate("document.querySelector('#card-layers .value').textContent").asText();

        assertThat(parameters.replace(",", "")).isEqualTo(Long.toString(summary.parameters().count()));
        assertThat(parameters).isEqualTo("11,689,512"); // torchvision's documented count for resnet18
        assertThat(layers).isEqualTo(Integer.toString(summary.layers().size()));
    }

    @Test
    void clickingParametersSortsLargestFirstThenSmallest() throws IOException {
        clickHeader("Parameters");
        List<Long> first = parameterColumn();
        clickHeader("Parameters");
        List<Long> second = parameterColumn();

        assertThat(first).hasSize(summary.model().tensors().size());
        assertThat(second).isSorted().isNotEqualTo(first);
        assertThat(first).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(first.get(0)).isEqualTo(summary.layers().stream().mapToLong(TensorEntry::numel).max()
                .orElseThrow());
    }

    @Test
    void typingInTheFilterKeepsTheMatchingRowsAndCountsThem() throws IOException {
        browser.evaluate("var input = document.getElementById('tensor-filter'); input.value = 'bias';"
                + "input.dispatchEvent(new Event('input'))");
        JsonNode shown = browser.evaluate("Array.from(document.querySelectorAll('#tensor-table tbody tr'))"
                + ".filter(r => !r.hidden).map(r => r.cells[0].textContent)");
        String counter = browser.evaluate("document.getElementById('tensor-count').textContent").asText();

        long expected = summary.model().tensors().stream().filter(t -> t.name().contains("bias")).count();
        assertThat(expected).isPositive();
        assertThat(shown).hasSize((int) expected);
        shown.forEach(name -> assertThat(name.asText()).contains("bias"));
        assertThat(counter).isEqualTo(Long.toString(expected));
    }

    @Test
    void clickingAModuleZoomsIntoItAndThePathLeadsBack() throws IOException {
        String top = browser.evaluate("document.getElementById('treemap-path').textContent").asText();
        int boxes = browser.evaluate("document.querySelectorAll('#treemap .tm-box').length").asInt();
        String largest = browser.evaluate("document.querySelector('#treemap .tm-box.zoomable .tm-label')"
                + ".firstChild.textContent").asText();

        browser.evaluate("document.querySelector('#treemap .tm-box.zoomable').click()");
        String zoomed = browser.evaluate("document.getElementById('treemap-path').textContent").asText();
        browser.evaluate("document.querySelector('#treemap-path button').click()");
        String back = browser.evaluate("document.getElementById('treemap-path').textContent").asText();

        assertThat(boxes).isGreaterThan(3); // resnet18: conv1, bn1, layer1-4, fc
        assertThat(largest).isEqualTo("layer4"); // 8.4M of 11.7M parameters
        assertThat(top).startsWith(MODEL + " \u2014 11,689,512 parameters");
        assertThat(zoomed).startsWith(MODEL + "\u203alayer4 \u2014 8,393,728 parameters");
        assertThat(back).isEqualTo(top);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void hostileNamesShowAsTextAndRunNothing() throws IOException {
        List<String> names = List.of("</script><script>window.pwned = 1</script>.weight",
                "<img src=x onerror=\"window.pwned = 2\">.bias", "q\"u'o\u0000\u001b[2J\u2028.w",
                "n".repeat(1_000_000) + ".weight");
        List<TensorEntry> tensors = new ArrayList<>();
        for (String name : names) {
            tensors.add(TensorEntry.parameter(name, Shape.of(4, 4), DType.FLOAT32, true));
        }
        Path hostile = dir.resolve("hostile.html");
        Files.writeString(hostile, HtmlReport.render(Summary.of(new Model("</title><script>window.pwned = 3"
                + "</script>", "safetensors", "x.safetensors", tensors, List.of()))), StandardCharsets.UTF_8);

        browser.open(hostile);

        assertThat(browser.consoleErrors()).isEmpty();
        assertThat(browser.evaluate("typeof window.pwned").asText()).isEqualTo("undefined");
        JsonNode shown = browser.evaluate("Array.from(document.querySelectorAll('#tensor-table tbody tr'))"
                + ".map(r => r.cells[0].textContent.length < 100 ? r.cells[0].textContent : r.cells[0].textContent"
                + ".length)");
        assertThat(shown).hasSize(4);
        assertThat(shown.get(0).asText()).isEqualTo(names.get(0));
        assertThat(shown.get(1).asText()).isEqualTo(names.get(1));
        assertThat(shown.get(2).asText()).isEqualTo("q\"u'o\uFFFD\uFFFD[2J\u2028.w");
        assertThat(shown.get(3).asInt()).isEqualTo(names.get(3).length());
        assertThat(browser.evaluate("document.querySelectorAll('#treemap .tm-box').length").asInt()).isEqualTo(4);
        assertThat(browser.evaluate("document.title").asText())
                .isEqualTo("</title><script>window.pwned = 3</script> parameter information");
    }

    /** 3,000 tensors, past the page's row limit; the largest (4096 x 8) is row 2,500, far beyond it. */
    private static List<TensorEntry> longTable() {
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            tensors.add(TensorEntry.parameter("layers." + i + (i % 2 == 0 ? ".weight" : ".bias"),
                    Shape.of(i == 2_500 ? 4096 : 1 + i % 50, 8), DType.FLOAT32, true));
        }
        return tensors;
    }

    private static void openLongTable() throws IOException {
        Path file = dir.resolve("long.html");
        if (!Files.exists(file)) {
            Files.writeString(file, HtmlReport.render(Summary.of(new Model("long", "safetensors",
                    "long.safetensors", longTable(), List.of()))), StandardCharsets.UTF_8);
        }
        browser.open(file);
    }

    /** The rows a reader sees, in the order seen: the first cell's text, then the parameter count. */
    private static JsonNode visibleRows() throws IOException {
        return browser.evaluate("Array.from(document.querySelectorAll('#tensor-table tbody tr:not([hidden])'))"
                + ".map(r => [r.cells[0].textContent, Number(r.cells[3].getAttribute('data-value'))])");
    }

    private static String text(String id) throws IOException {
        return browser.evaluate("document.getElementById('" + id + "').textContent").asText();
    }

    private static void filter(String query) throws IOException {
        browser.evaluate("var input = document.getElementById('tensor-filter'); input.value = '" + query + "';"
                + "input.dispatchEvent(new Event('input'))");
    }

    @Test
    void aLongTableShowsItsFirstRowsAndOffersTheRest() throws IOException {
        openLongTable();

        JsonNode rows = visibleRows();
        assertThat(rows).hasSize(1_000);
        assertThat(rows.get(999).get(0).asText()).isEqualTo("layers.999.bias");
        assertThat(browser.evaluate("document.querySelectorAll('#tensor-table tbody tr').length").asInt())
                .isEqualTo(3_000);
        assertThat(text("tensor-count")).isEqualTo("3,000");
        assertThat(text("tensor-more")).startsWith("Showing 1,000 of 3,000 rows;")
                .endsWith("Show 1,000 more Show all 3,000");

        browser.evaluate("document.querySelector('#tensor-more button').click()");
        assertThat(visibleRows()).hasSize(2_000);
        assertThat(text("tensor-more")).startsWith("Showing 2,000 of 3,000 rows;").endsWith("Show 1,000 more");
        browser.evaluate("document.querySelector('#tensor-more button').click()");
        JsonNode all = visibleRows();
        assertThat(all).hasSize(3_000);
        assertThat(all.get(2_999).get(0).asText()).isEqualTo("layers.2999.bias");
        assertThat(browser.evaluate("document.getElementById('tensor-more').hidden").asBoolean()).isTrue();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void theFilterFindsRowsPastTheLimit() throws IOException {
        openLongTable();

        filter("layers.25"); // layers.25, layers.250-259, layers.2500-2599
        JsonNode few = visibleRows();
        String fewCount = text("tensor-count");
        filter("WEIGHT");
        JsonNode weights = visibleRows();
        String weightCount = text("tensor-count");
        String more = text("tensor-more");
        browser.evaluate("document.querySelector('#tensor-more button').click()");
        JsonNode allWeights = visibleRows();

        assertThat(few).hasSize(111);
        few.forEach(row -> assertThat(row.get(0).asText()).startsWith("layers.25"));
        assertThat(few.get(110).get(0).asText()).isEqualTo("layers.2599.bias");
        assertThat(fewCount).isEqualTo("111");
        assertThat(weights).hasSize(1_000);
        assertThat(weightCount).isEqualTo("1,500");
        assertThat(more).startsWith("Showing 1,000 of 1,500 matching rows;").endsWith("Show 500 more");
        assertThat(allWeights).hasSize(1_500);
        allWeights.forEach(row -> assertThat(row.get(0).asText()).endsWith(".weight"));
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void sortingOrdersAllRowsNotJustTheShownOnes() throws IOException {
        openLongTable();
        List<Long> largestFirst = longTable().stream().map(TensorEntry::numel).sorted((a, b) -> Long.compare(b, a))
                .limit(1_000).toList();

        clickHeader("Parameters"); // numbers sort largest first
        JsonNode rows = visibleRows();
        filter("bias");
        JsonNode biases = visibleRows();
        filter("");
        JsonNode cleared = visibleRows();

        assertThat(rows).hasSize(1_000);
        assertThat(rows.get(0).get(0).asText()).isEqualTo("layers.2500.weight");
        List<Long> shown = new ArrayList<>();
        rows.forEach(row -> shown.add(row.get(1).asLong()));
        assertThat(shown).isEqualTo(largestFirst);
        assertThat(biases).hasSize(1_000);
        assertThat(biases.get(0).get(0).asText()).isEqualTo("layers.49.bias"); // 50 x 8, the first odd row of 50
        assertThat(cleared).isEqualTo(rows);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aComputedPageShowsItsCardsAndSortsTheModuleTableByFlops() throws IOException {
        Model model = Catalog.standard().build(MODEL).orElseThrow();
        ModelInput input = model.architecture().defaultInput();
        Summary computed = summary.withCompute(ComputeSummary.of(summary, input, model.architecture().trace(input)));
        Path computedPage = dir.resolve(MODEL + "-compute.html");
        try (Writer out = Files.newBufferedWriter(computedPage, StandardCharsets.UTF_8)) {
            HtmlReport.write(computed, out);
        }
        browser.open(computedPage);

        String sort = "Array.from(document.querySelectorAll('#module-table thead th'))"
                + ".find(th => th.textContent === 'FLOPs').click();";
        browser.evaluate(sort); // numbers sort largest first
        JsonNode flops = browser.evaluate("Array.from(document.querySelectorAll('#module-table tbody tr'))"
                + ".map(r => Number(r.cells[4].getAttribute('data-value')))");

        // resnet18: torchvision's _ops 1.814 GMACs
        assertThat(browser.evaluate("document.querySelector('#card-gflops .value').textContent").asText())
                .isEqualTo("3.63");
        List<Long> column = new ArrayList<>();
        flops.forEach(v -> column.add(v.asLong()));
        assertThat(column).hasSizeGreaterThan(10).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(column.get(0)).isEqualTo(3_628_146_688L);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static void clickHeader(String text) throws IOException {
        browser.evaluate("Array.from(document.querySelectorAll('#tensor-table thead th'))"
                + ".find(th => th.textContent === '" + text + "').click()");
    }

    private static List<Long> parameterColumn() throws IOException {
        JsonNode values = browser.evaluate("Array.from(document.querySelectorAll('#tensor-table tbody tr'))"
                + ".map(r => r.cells[3].getAttribute('data-value'))");
        List<Long> column = new ArrayList<>();
        values.forEach(v -> column.add(Long.parseLong(v.asText())));
        return column;
    }
}
