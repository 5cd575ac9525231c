package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.report.HtmlReport;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --format html}: the page on stdout, or DIR/html/NAME.html with --out, for one model or --all. */
class HtmlCliTest {
    @TempDir
    Path tmp;

    @Test
    void printsThePageOnStdout() {
        CliRun run = CliRun.of("resnet18", "--format", "html");
        CliRun synonym = CliRun.of("resnet18", "-f", "HTM");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo(HtmlReport.render(Summary.of(Catalog.standard().build("resnet18")
                .orElseThrow())));
        assertThat(synonym.out()).isEqualTo(run.out());
    }

    @Test
    void outWritesTheHtmlFolder() throws IOException {
        CliRun run = CliRun.of("alexnet", "-f", "html", "--out", tmp.toString(), "--name", "net");

        Path page = tmp.resolve("html/net.html");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(page + System.lineSeparator());
        assertThat(Files.readString(page)).startsWith("<!doctype html>").contains("<title>net parameter information");
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.filter(Files::isRegularFile)).containsExactly(page);
        }
    }

    @Test
    void allWritesOnePagePerBuiltin() throws IOException {
        CliRun run = CliRun.of("--all", "--format", "html", "--out", tmp.toString());

        assertThat(run.exitCode()).isZero();
        // a Hub id's page is named with '-' for '/' (microsoft-resnet-50), as the other formats name theirs
        List<String> expected = Catalog.standard().builders().stream().map(b -> b.name().replace('/', '-') + ".html")
                .sorted().collect(Collectors.toList());
        try (Stream<Path> files = Files.list(tmp.resolve("html"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactlyElementsOf(expected);
        }
        assertThat(Files.readString(tmp.resolve("html/vit_b_16.html"))).contains(">86,567,656<");
    }

    @Test
    void theFormatErrorNamesHtml() {
        CliRun run = CliRun.of("resnet18", "--format", "pdf");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("'pdf' is not a format (expected md, json, text or html)");
    }
}
