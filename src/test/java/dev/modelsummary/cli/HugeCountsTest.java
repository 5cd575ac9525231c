package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.Resources;
import org.junit.jupiter.api.Test;

/**
 * Real torch.save files whose element counts are huge (see fixtures/huge/MANIFEST.md): torch loads them, so they
 * get a report, computed with exact arithmetic where Python's integers are exact.
 */
class HugeCountsTest {

    @Test
    void anExpandedTensorOf2Pow57ElementsGetsItsReport() {
        CliRun run = CliRun.of(Resources.path("fixtures/huge/expand_2pow57.pth").toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        // 2^57 + 3 parameters; f"{100 * 2**57 / (2**57 + 3):.2f}" is 100.00 in Python.
        assertThat(run.out()).contains("**Number of parameters: [ 144115.19T ]**")
                .contains("| Vector | Matrix | \n|  --- | --- |\n| 100.00 | 0.00 | \n");
    }

    @Test
    void aMetaTensorOf2Pow59ElementsGetsItsJsonReport() {
        CliRun run = CliRun.of(Resources.path("fixtures/huge/meta_2pow59.pth").toString(), "-f", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("\"count\": " + ((1L << 59) + 3) + ",")
                .contains("\"bytes\": " + (((1L << 59) + 3) * 4) + "\n");
    }

    @Test
    void totalsPast2Pow63AreUnreadableInputNotABug() {
        String path = Resources.path("fixtures/huge/totals_overflow.pth").toString();
        CliRun run = CliRun.of(path);

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: " + path + ": Tensors' sizes add up past 2^63 bytes.\n");
    }
}
