package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.testutil.Resources;
import org.junit.jupiter.api.Test;

/**
 * The pickle verdict on the command line: in every report, a warning on stderr when something can run code,
 * and {@code --strict} turning that into exit code 4 after the report is written. Fixtures from
 * {@code tools/fixtures/make_pickle_fixtures.py} (never loaded there either).
 */
class PickleScanCliTest {
    private static final String OS_SYSTEM = Resources.path("fixtures/pickle/os_system.pkl").toString();
    private static final String HIDDEN = Resources.path("fixtures/pickle/hidden_after_stop.pth").toString();
    private static final String BENIGN = Resources.path("fixtures/pickle/train_checkpoint.pth").toString();
    private static final String DANGER = "pickle imports 'posix.system', which can run code: never load this file "
            + "with torch.load(weights_only=False) or pickle.load (nothing was executed here).";

    @Test
    void aDangerousImportIsAWarningAndTheReportSaysSo() {
        CliRun run = CliRun.of(OS_SYSTEM, "-f", "text");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.err()).isEqualTo("model-summary: warning: " + OS_SYSTEM + ": " + DANGER + "\n");
        assertThat(run.out()).contains("Pickle: 1 pickle, 1 global imported: 1 dangerous ('posix.system').");
    }

    @Test
    void strictExitsFourAfterWritingTheReport() throws Exception {
        CliRun run = CliRun.of(OS_SYSTEM, "--strict", "-f", "json");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DANGEROUS_PICKLE);
        assertThat(run.err()).isEqualTo("model-summary: " + OS_SYSTEM + ": " + DANGER + "\n");
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.at("/pickle/dangerous").toString()).isEqualTo("[\"posix.system\"]");
        assertThat(json.at("/pickle/imports").toString()).isEqualTo("[\"posix.system\"]");
    }

    @Test
    void strictPassesABenignCheckpoint() {
        CliRun run = CliRun.of(BENIGN, "--strict", "-f", "text");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("Checkpoint contents (model read from ").contains("Pickle: 1 pickle");
    }

    @Test
    void theMarkdownPageCarriesTheVerdict() {
        CliRun run = CliRun.of(OS_SYSTEM);

        assertThat(run.out()).contains("**Pickle scan:** 1 pickle, 1 global imported: 1 dangerous ('posix.system').");
    }

    @Test
    void bytesAfterStopAreAWarningButNotAStrictFailure() {
        CliRun run = CliRun.of(HIDDEN, "--strict", "-f", "text");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.err()).isEqualTo("model-summary: warning: " + HIDDEN + ": pickle 'hidden_after_stop/data.pkl' "
                + "has 42 bytes after its STOP opcode, which loaders never read and a payload can hide in.\n");
    }

    @Test
    void diffAndSiteWarnOfBytesAfterStopAsTheSummaryDoes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        String warning = "model-summary: warning: " + HIDDEN + ": pickle 'hidden_after_stop/data.pkl' has 42 bytes "
                + "after its STOP opcode, which loaders never read and a payload can hide in.\n";

        CliRun diff = CliRun.of("diff", HIDDEN, HIDDEN);
        CliRun site = CliRun.of("site", "--out", tmp.resolve("site").toString(), HIDDEN);

        assertThat(diff.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(diff.err()).isEqualTo(warning + warning); // one for each side
        assertThat(site.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(site.err()).isEqualTo(warning);
    }
}
