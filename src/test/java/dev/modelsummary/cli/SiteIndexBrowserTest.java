package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The site's index.html in a real browser: it sorts, filters, counts and opens a model's page. */
class SiteIndexBrowserTest {
    private static final String VISIBLE_NAMES = "[...document.querySelectorAll('tbody tr')].filter(r => !r.hidden)"
            + ".map(r => r.cells[0].textContent)";

    @TempDir
    Path tmp;

    @Test
    void theIndexSortsFiltersAndOpensAModelsPage() throws IOException, InterruptedException {
        HeadlessChromium.assumeInstalled();
        Path site = tmp.resolve("site");
        CliRun run = CliRun.of("site", "--out", site.toString(), "--format", "html", "resnet18", "alexnet", "vgg11",
                "squeezenet1_0");
        assertThat(run.exitCode()).as(run.err()).isZero();

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(site.resolve("index.html"));
            // ranked within the group: most parameters first
            assertThat(names(browser)).containsExactly("vgg11", "alexnet", "resnet18", "squeezenet1_0");
            browser.evaluate("document.querySelectorAll('thead th')[2].click()"); // Parameters, ascending
            assertThat(names(browser)).containsExactly("squeezenet1_0", "resnet18", "alexnet", "vgg11");
            browser.evaluate("document.querySelectorAll('thead th')[0].click()"); // Model, by name
            assertThat(names(browser)).containsExactly("alexnet", "resnet18", "squeezenet1_0", "vgg11");

            browser.evaluate("(() => { const f = document.getElementById('filter'); f.value = 'NET';"
                    + " f.dispatchEvent(new Event('input')); })()");
            assertThat(names(browser)).containsExactly("alexnet", "resnet18", "squeezenet1_0");
            assertThat(browser.evaluate("document.getElementById('count').textContent").asText()).isEqualTo("3");
            browser.screenshot(Path.of("target/screenshots/site-index.png"));
            assertThat(browser.consoleErrors()).isEmpty();

            // a click on a row (not on its link) opens the model's page
            browser.evaluate("[...document.querySelectorAll('tbody tr')].find(r => r.cells[0].textContent === "
                    + "'resnet18').cells[2].click()");
            assertThat(pathAfterNavigation(browser)).endsWith("/image/classification/resnet18.html");
        }
    }

    @Test
    void aMarkdownSitesIndexFitsAt1280PxListsTheLargestFirstAndOpensHtmlPages()
            throws IOException, InterruptedException {
        HeadlessChromium.assumeInstalled();
        Path site = tmp.resolve("site");
        // the longest group (image/quantizable_classification) and model name of the built-ins
        CliRun run = CliRun.of("site", "--out", site.toString(), "resnet18", "gpt2", "quantized_mobilenet_v2",
                "fasterrcnn_mobilenet_v3_large_320_fpn", "bert-base-uncased");
        assertThat(run.exitCode()).as(run.err()).isZero();

        try (HeadlessChromium browser = HeadlessChromium.start(1280, 900)) {
            browser.open(site.resolve("index.html"));
            // by parameters across the groups, not group by group
            assertThat(names(browser)).containsExactly("gpt2", "bert-base-uncased",
                    "fasterrcnn_mobilenet_v3_large_320_fpn", "resnet18", "quantized_mobilenet_v2");
            // each group on one line, and the table within the window
            assertThat(browser.evaluate("[...document.querySelectorAll('td.group a')]"
                    + ".filter(a => a.getClientRects().length !== 1).length").asInt()).isZero();
            assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
                    .isTrue();
            // the page says how it is sorted; the first click on that heading reverses it, on another number sorts
            // largest first
            assertThat(browser.evaluate("document.querySelectorAll('thead th')[2].getAttribute('aria-sort')")
                    .asText()).isEqualTo("descending");
            browser.evaluate("document.querySelectorAll('thead th')[2].click()");
            assertThat(names(browser).get(0)).isEqualTo("quantized_mobilenet_v2");
            browser.evaluate("document.querySelectorAll('thead th')[5].click()"); // Tensors
            assertThat(browser.evaluate("document.querySelectorAll('thead th')[5].getAttribute('aria-sort')")
                    .asText()).isEqualTo("descending");
            browser.screenshot(Path.of("target/screenshots/site-index-md.png"));
            assertThat(browser.consoleErrors()).isEmpty();

            // a row opens the HTML page beside the Markdown one, not raw Markdown
            browser.evaluate("[...document.querySelectorAll('tbody tr')].find(r => r.cells[0].textContent === "
                    + "'gpt2').cells[2].click()");
            assertThat(pathAfterNavigation(browser)).endsWith("/language/causal_lm/gpt2.html");
        }
    }

    private static List<String> names(HeadlessChromium browser) throws IOException {
        List<String> names = new ArrayList<>();
        browser.evaluate(VISIBLE_NAMES).forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The page's path once the click's navigation has happened (it is asynchronous), or after 10 s. */
    private static String pathAfterNavigation(HeadlessChromium browser) throws InterruptedException {
        String path = "";
        for (int i = 0; i < 100; i++) {
            Thread.sleep(100);
            try {
                path = browser.evaluate("location.pathname").asText();
            } catch (IOException e) {
                continue; // the old page is going away: ask the new one
            }
            if (!path.endsWith("/index.html")) {
                break;
            }
        }
        return path;
    }
}
