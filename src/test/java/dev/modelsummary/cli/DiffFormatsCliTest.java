package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.report.HtmlReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code diff -f FORMAT}: every format {@code --format} accepts writes a report (none is silently empty). */
class DiffFormatsCliTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void everyFormatWritesADiff(OutputFormat format) {
        CliRun run = CliRun.of("diff", "resnet18", "resnet18", "--arg-b", "num_classes=10", "-f", format.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("fc.weight").contains("10");
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void everyFormatSaysWhenNothingDiffers(OutputFormat format) {
        CliRun run = CliRun.of("diff", "resnet18", "resnet18", "-f", format.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isNotBlank();
    }

    @Test
    void htmlIsASelfContainedPageWithEverySection() {
        CliRun run = CliRun.of("diff", "resnet18", "resnet18", "--arg-b", "num_classes=10", "-f", "html",
                "--max-rows", "1");

        String page = run.out();
        assertThat(page).startsWith("<!doctype html>\n").endsWith("</html>\n")
                .contains("<meta http-equiv=\"Content-Security-Policy\" content=\""
                        + HtmlReport.CONTENT_SECURITY_POLICY + "\">")
                .contains("<title>resnet18 vs resnet18 [num_classes=10]</title>")
                .contains("<strong>Differ: 2 changed, 0 only in A, 0 only in B,")
                .contains("<section id=\"changed\">", "<section id=\"totals\">", "<section id=\"forms\">")
                .contains("<td class=\"name\">fc.weight</td><td>(1000, 512) float32</td><td>(10, 512) float32</td>"
                        + "<td>shape</td>")
                .contains("... and 1 more (raise --max-rows to list them)")
                .doesNotContain("<td class=\"name\">fc.bias</td>")
                // nothing to fetch: no external script, style or image
                .doesNotContain("src=\"http", "href=\"http", "<link");
    }

    @Test
    void htmlEscapesEveryValueFromAFile() throws IOException {
        Path a = writeSafetensors(tmp.resolve("a<b>.safetensors"), "w<script>alert(1)</script>&\"'");
        Path b = writeSafetensors(tmp.resolve("b.safetensors"), "plain");

        CliRun run = CliRun.of("diff", a.toString(), b.toString(), "-f", "html");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.out()).doesNotContain("<script>alert", "a<b>")
                .contains("w&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;")
                .contains("a&lt;b&gt;");
    }

    private static Path writeSafetensors(Path file, String name) throws IOException {
        String header = "{\"" + name.replace("\"", "\\\"") + "\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[0,8]}}";
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + text.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(text.length).put(text);
        return Files.write(file, buffer.array());
    }
}
