package dev.modelsummary.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.HtmlReport;
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
        HeadlessChromium.assumeInstalled();
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
        }
    }

    @BeforeEach
    void openPage() throws IOException {
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
    void clickingParametersSortsAscendingThenDescending() throws IOException {
        clickHeader("Parameters");
        List<Long> first = parameterColumn();
        clickHeader("Parameters");
        List<Long> second = parameterColumn();

        assertThat(first).hasSize(summary.model().tensors().size());
        assertThat(first).isSorted().isNotEqualTo(second);
        assertThat(second).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(second.get(0)).isEqualTo(summary.layers().stream().mapToLong(TensorEntry::numel).max()
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

    private void clickHeader(String text) throws IOException {
        browser.evaluate("Array.from(document.querySelectorAll('#tensor-table thead th'))"
                + ".find(th => th.textContent === '" + text + "').click()");
    }

    private List<Long> parameterColumn() throws IOException {
        JsonNode values = browser.evaluate("Array.from(document.querySelectorAll('#tensor-table tbody tr'))"
                + ".map(r => r.cells[3].getAttribute('data-value'))");
        List<Long> column = new ArrayList<>();
        values.forEach(v -> column.add(Long.parseLong(v.asText())));
        return column;
    }
}
