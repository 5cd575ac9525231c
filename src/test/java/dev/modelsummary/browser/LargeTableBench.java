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
            time(browser, count, "open", "", start);
            System.out.println("navigation timing: " + browser.evaluate("(t => ({parsed: t.domInteractive, "
                    + "scripts: t.domContentLoadedEventEnd, load: t.loadEventEnd, bytes: t.decodedBodySize}))"
                    + "(performance.getEntriesByType('navigation')[0].toJSON())"));
            time(browser, count, "sort", "Array.from(document.querySelectorAll('#tensor-table thead th'))"
                    + ".find(th => th.textContent === 'Parameters').click();", System.nanoTime());
            time(browser, count, "filter", typing("experts.7."), System.nanoTime());
            time(browser, count, "clear the filter", typing(""), System.nanoTime());
            time(browser, count, "show all", "var more = document.querySelectorAll('#tensor-more button');"
                    + "if (more.length > 1) more[1].click();", System.nanoTime());
            System.out.println("console errors: " + browser.consoleErrors());
        }
    }

    private static String typing(String query) {
        return "var input = document.getElementById('tensor-filter'); input.value = '" + query + "';"
                + "input.dispatchEvent(new Event('input'));";
    }

    /**
     * Runs {@code action}, then waits for a layout of the whole page and one frame (what a reader waits for),
     * and prints the time since {@code start}.
     */
    private static void time(HeadlessChromium browser, int count, String what, String action, long start)
            throws IOException {
        browser.evaluate(action + "document.body.offsetHeight; new Promise(r => requestAnimationFrame(() => r(1)))");
        report(count, what, start);
    }

    private static void report(int count, String what, long start) {
        System.out.printf("%,d tensors: %s %.2f s%n", count, what, (System.nanoTime() - start) / 1e9);
    }
}
