package dev.modelsummary.browser;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test (surefire runs only *Test classes): how long headless Chromium takes to open, sort and filter the
 * page of a checkpoint with many tensors (DeepSeek-V3 lists about 90,000). Run with
 * {@code mvn -o -B test -Dtest=LargeTableBench -Dbench.tensors=100000 -Dchromium.timeout.seconds=300}.
 */
class LargeTableBench {
    @TempDir
    Path dir;

    /** Names and shapes like a mixture-of-experts checkpoint: 61 layers of 256 experts, three matrices each. */
    static Summary experts(int count) {
        List<TensorEntry> tensors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int expert = i / 3;
            String matrix = List.of("gate_proj", "up_proj", "down_proj").get(i % 3);
            String name = "model.layers." + expert / 256 + ".mlp.experts." + expert % 256 + "." + matrix + ".weight";
            tensors.add(TensorEntry.parameter(name, Shape.of(1 + (i * 7919L) % 2048, 64), DType.BFLOAT16, true));
        }
        return Summary.of(new Model("experts", "safetensors", "experts.safetensors", tensors, List.of()));
    }

    @Test
    void openSortAndFilter() throws IOException {
        HeadlessChromium.assumeInstalled();
        int count = Integer.getInteger("bench.tensors", 100_000);
        Path page = dir.resolve("experts.html");
        try (Writer out = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
            HtmlReport.write(experts(count), out);
        }
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            long start = System.nanoTime();
            browser.open(page);
            // a layout of the whole page and one frame: what a reader waits for before the page is usable
            browser.evaluate("document.body.offsetHeight; new Promise(r => requestAnimationFrame(() => r(1)))");
            report(count, "open", start);
            System.out.println("navigation timing: " + browser.evaluate("(t => ({parsed: t.domInteractive, "
                    + "scripts: t.domContentLoadedEventEnd, load: t.loadEventEnd, bytes: t.decodedBodySize}))"
                    + "(performance.getEntriesByType('navigation')[0].toJSON())"));
            start = System.nanoTime();
            browser.evaluate("Array.from(document.querySelectorAll('#tensor-table thead th'))"
                    + ".find(th => th.textContent === 'Parameters').click(); document.body.offsetHeight;"
                    + "new Promise(r => requestAnimationFrame(() => r(1)))");
            report(count, "sort", start);
            start = System.nanoTime();
            browser.evaluate("var input = document.getElementById('tensor-filter'); input.value = 'experts.7.';"
                    + "input.dispatchEvent(new Event('input')); document.body.offsetHeight;"
                    + "new Promise(r => requestAnimationFrame(() => r(1)))");
            report(count, "filter", start);
            start = System.nanoTime();
            browser.evaluate("var input = document.getElementById('tensor-filter'); input.value = '';"
                    + "input.dispatchEvent(new Event('input')); document.body.offsetHeight;"
                    + "new Promise(r => requestAnimationFrame(() => r(1)))");
            report(count, "clear the filter", start);
            start = System.nanoTime();
            browser.evaluate("var more = document.querySelectorAll('#tensor-more button');"
                    + "if (more.length > 1) more[1].click(); document.body.offsetHeight;"
                    + "new Promise(r => requestAnimationFrame(() => r(1)))");
            report(count, "show all", start);
            System.out.println("console errors: " + browser.consoleErrors());
        }
    }

    private static void report(int count, String what, long start) {
        System.out.printf("%,d tensors: %s %.2f s%n", count, what, (System.nanoTime() - start) / 1e9);
    }
}
