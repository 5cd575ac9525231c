package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modelsummary.cli.Main;
import dev.modelsummary.testutil.Resources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the hostile corpus ({@code src/test/resources/hostile/MANIFEST.md}) through the real command line:
 * a report, or exactly the error line the manifest gives with exit code 3, within a few seconds.
 */
class HostileCorpusTest {
    private static final String FOLDER = "src/test/resources/hostile/";
    private static final Duration BOUND = Duration.ofSeconds(5);

    /** The manifest's rows: file, and the expected error line or "report". */
    static Stream<Arguments> corpus() {
        return Resources.text("hostile/MANIFEST.md").lines()
                .filter(line -> line.startsWith("| ") && !line.startsWith("| file |"))
                .map(line -> line.substring(2, line.length() - 2).split(" \\| "))
                .map(cells -> Arguments.of(cells[0], cells[cells.length - 1].replaceAll("^`|`$", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void givesAReportOrOneErrorLine(String file, String expected) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exitCode = assertTimeoutPreemptively(BOUND, () -> Main.execute(
                new String[] {"-f", "text", FOLDER + file}, new PrintWriter(out), new PrintWriter(err)));

        if (expected.equals("report")) {
            assertThat(exitCode).as(err.toString()).isZero();
            assertThat(out.toString()).isNotBlank();
            assertThat(Arrays.asList(err.toString().split("\n"))).allMatch(
                    line -> line.isEmpty() || line.startsWith("model-summary: warning: "));
        } else {
            assertThat(err.toString()).isEqualTo(expected + "\n");
            assertThat(exitCode).isEqualTo(3);
        }
    }
}
