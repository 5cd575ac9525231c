package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.report.HtmlReport;
import dev.modelsummary.summary.Summary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    void theStoredBytesCardNamesTheThreeLargestDtypesAndTheRestInItsTooltip() {
        String file = "src/test/resources/fixtures/safetensors/all_torch_dtypes.safetensors";
        CliRun run = CliRun.of(file, "-f", "html");
        List<String> byBytes = dtypesByBytes(CliRun.of(file, "-f", "json").out());

        assertThat(run.exitCode()).isZero();
        Matcher card = Pattern.compile("id=\"card-bytes\">.*?<div class=\"detail\">(.*?)</div>",
                Pattern.DOTALL).matcher(run.out());
        assertThat(card.find()).isTrue();
        String detail = card.group(1);
        assertThat(byBytes).hasSizeGreaterThan(4);
        assertThat(detail).startsWith(byBytes.get(0) + " ").contains(" &middot; " + byBytes.get(2) + " ")
                .doesNotContain(" &middot; " + byBytes.get(3) + " ")
                .endsWith("\">+" + (byBytes.size() - 3) + " more</span>");
        byBytes.forEach(dtype -> assertThat(detail).contains("title=\"").contains(dtype + " "));
    }

    /** The dtypes of a -f json report, largest total bytes first (ties by name). */
    private static List<String> dtypesByBytes(String json) {
        try {
            JsonNode dtypes = new ObjectMapper().readTree(json).get("dtypes");
            List<JsonNode> rows = new java.util.ArrayList<>();
            dtypes.forEach(rows::add);
            return rows.stream().sorted(Comparator.comparingLong((JsonNode d) -> d.get("bytes").asLong()).reversed())
                    .map(d -> d.get("dtype").asText()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
