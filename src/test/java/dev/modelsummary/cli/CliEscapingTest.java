package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a path, an option value or a file holds, every diagnostic is one line without raw control
 * characters: a newline must not forge a second {@code model-summary:} line, an escape must not reach the
 * terminal.
 */
class CliEscapingTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingPathWithANewlineIsMissingInputOnOneLine() {
        CliRun run = CliRun.of("no\nsuch");

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: no\\u000asuch: No such file or directory.\n");
    }

    @Test
    void aPathWithANulByteIsMissingInput() {
        CliRun run = CliRun.of("a\u0000b");

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: a\\u0000b: No such file or directory.\n");
    }

    @Test
    void aMissingPathWithAnEscapePrintsItEscaped() {
        String missing = tmp.resolve("x\u001b[2J.pth").toString();
        CliRun run = CliRun.of(missing);

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: " + missing.replace("\u001b", "\\u001b")
                + ": No such file or directory.\n");
    }

    @Test
    void aCorruptFileWithAForgedLineInItsNameStaysOneLine() throws IOException {
        Path file = Files.write(tmp.resolve("a\nmodel-summary: fine.safetensors"), new byte[] {1, 2, 3, 4, 5});
        CliRun run = CliRun.of(file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: " + tmp + "/a\\u000amodel-summary: fine.safetensors"
                + ": File is too small to hold the 8-byte header length: it has '5' bytes.\n");
    }

    @Test
    void warningsNameTheFileEscaped() throws IOException {
        Path file = Files.copy(Resources.path("fixtures/pickle/user_class.pth"), tmp.resolve("w\u009b2J.pth"));
        CliRun run = CliRun.of(file.toString(), "-f", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEqualTo("model-summary: warning: " + tmp + "/w\\u009b2J.pth: unknown pickle global "
                + "'__main__.UserThing' read as an inert placeholder.\n");
    }

    @Test
    void picocliMessagesAreOneLine() {
        CliRun run = CliRun.of("vit_l_16", "--col\nour");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: Unknown option: '--col\\u000aour'. See 'model-summary --help'.\n");
    }

    @Test
    void optionValuesAreEscaped() {
        CliRun format = CliRun.of("vit_l_16", "--format", "p\u001bdf");
        CliRun limit = CliRun.of("vit_l_16", "--limit", "no\nsuch=5");
        CliRun name = CliRun.of("vit_l_16", "--name", "a\nb", "--out", tmp.toString());

        assertThat(format.err()).contains("'p\\u001bdf' is not a format (expected md, json, text or html)");
        assertThat(limit.err()).startsWith("model-summary: --limit 'no\\u000asuch': no limit 'no\\u000asuch'; ");
        assertThat(name.err()).isEqualTo("model-summary: 'a\\u000ab' cannot name an output file; pass --name with "
                + "letters, digits, '_', '-', '.' or '+'.\n");
        for (CliRun run : new CliRun[] {format, limit, name}) {
            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err().lines()).hasSize(1);
            assertThat(run.err()).doesNotContain("\u001b");
        }
    }

    @Test
    void writtenPathsAreListedOneALine() {
        Path out = tmp.resolve("site\nfake");
        CliRun run = CliRun.of("resnet18", "--out", out.toString(), "-f", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(tmp + "/site\\u000afake/json/resnet18.json\n");
        assertThat(out.resolve("json/resnet18.json")).exists();
    }
}
