package dev.modelsummary.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Form;
import dev.modelsummary.report.FormPalette;
import dev.modelsummary.report.HtmlReport;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.HeadlessChromium;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixtral-8x7B's page at 1280 px, as a user saw it: a blank pie (its 99.9994 % slice an arc from a point to
 * itself), counts wrapped mid-number in the cards, treemap tiles in columns with every label cut.
 */
class LargeModelPageBrowserTest {
    private static final String MODEL = "mistralai/Mixtral-8x7B-v0.1";

    @TempDir
    Path dir;

    @Test
    void mixtralsPieCardsAndTreemapReadWell() throws IOException {
        HeadlessChromium.assumeInstalled();
        Summary summary = Summary.of(Catalog.standard().build(MODEL).orElseThrow());
        Path page = dir.resolve("mixtral.html");
        try (Writer out = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
            HtmlReport.write(summary, out);
        }

        try (HeadlessChromium browser = HeadlessChromium.start(1280, 900)) {
            browser.open(page);
            browser.screenshot(Path.of("target/screenshots/mixtral.png"));

            // the whole pie in the matrix colour
            assertThat(browser.evaluate("document.querySelector('#pie circle').getAttribute('fill')").asText())
                    .isEqualTo(FormPalette.hex(Form.MATRIX));
            // every card value on one line, whole
            assertThat(browser.evaluate("[...document.querySelectorAll('.card .value')].filter(v => {"
                    + " const r = document.createRange(); r.selectNodeContents(v);"
                    + " return r.getClientRects().length !== 1 || v.scrollWidth > v.clientWidth; })"
                    + ".map(v => v.textContent)").size()).isZero();
            // the tiles of every box in reading order: left to right along a row, rows top to bottom
            assertThat(browser.evaluate("[...document.querySelectorAll('#treemap, #treemap .tm-box, "
                    + "#treemap .tm-inner')].filter(c => { const k = [...c.children].filter(e => "
                    + "e.matches('.tm-box, .tm-inner')).map(e => [parseFloat(e.style.left), parseFloat(e.style.top)]);"
                    + " return !k.every((e, i) => i === 0 || (e[1] === k[i - 1][1] ? e[0] > k[i - 1][0]"
                    + " : e[1] > k[i - 1][1])); }).length").asInt()).isZero();
            // the 32 decoder layers read 0 to 8 along the first row
            assertThat(browser.evaluate("(() => { const name = c => c.querySelector(':scope > .tm-label')"
                    + ".firstChild.textContent; const layers = [...document.querySelectorAll('#treemap .tm-inner')]"
                    + ".find(c => c.querySelector(':scope > .tm-label') && name(c) === 'layers');"
                    + " return [...layers.children].filter(e => e.matches('.tm-inner')).slice(0, 9).map(name)"
                    + ".join(' '); })()")
                    .asText()).isEqualTo("0 1 2 3 4 5 6 7 8");
            // no label is cut by its box: each fits, shortened in the middle if need be
            assertThat(browser.evaluate("document.querySelectorAll('#treemap .tm-label').length").asInt())
                    .isGreaterThan(64);
            assertThat(browser.evaluate("[...document.querySelectorAll('#treemap .tm-label')]"
                    + ".filter(l => l.scrollWidth > l.clientWidth).map(l => l.textContent)").size()).isZero();
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }
}
