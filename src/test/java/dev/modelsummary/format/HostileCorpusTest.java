package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modelsummary.cli.Main;
import dev.modelsummary.testutil.Resources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the hostile corpus ({@code src/test/resources/hostile/MANIFEST.md}) through the real command
 * line: the exact error line with exit code 3, or a report, in bounded time.
 */
class HostileCorpusTest {
    /** Seconds, not minutes: generous enough for a loaded 2-core CI machine, far below any hang. */
    private static final Duration BOUND = Duration.ofSeconds(15);
    /** Any control character but the newline that ends a line: none may reach a terminal from a report. */
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n]]");

    static Stream<Arguments> manifest() {
        return Resources.text("hostile/MANIFEST.md").lines()
                .filter(line -> line.startsWith("| ") && !line.startsWith("| file |") && !line.startsWith("| ---"))
                .map(line -> line.substring(2, line.length() - 2).split(" \\| ", -1))
                .map(cells -> Arguments.of(cells[0], cells[2]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifest")
    void givesItsLineOrAReport(String file, String expected) {
        String path = Resources.path("hostile/" + file).toString();
        if (expected.equals("report")) {
            for (String format : List.of("md", "json", "text")) {
                Run run = assertTimeoutPreemptively(BOUND, () -> Run.of(path, "-f", format));
                assertThat(run.exitCode()).as(format + ": " + run.err()).isZero();
                assertThat(run.err().lines()).allMatch(line -> line.startsWith("model-summary: warning: "));
                assertThat(CONTROL.matcher(run.out()).find()).as(format + " holds a control character").isFalse();
            }
        } else {
            Run run = assertTimeoutPreemptively(BOUND, () -> Run.of(path));
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err()).isEqualTo(expected.replaceFirst("PATH", Matcher.quoteReplacement(path)) + "\n");
            assertThat(run.out()).isEmpty();
        }
    }

    private record Run(int exitCode, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
            return new Run(code, out.toString(), err.toString());
        }
    }
}
