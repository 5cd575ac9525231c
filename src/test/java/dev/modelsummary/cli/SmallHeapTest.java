package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.RunEach;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The promise for any input: a report (exit 0) or one error line with exit 3, in bounded time, and a clean
 * exit 3 even when the heap is small. Every committed weight file, real fixtures and hostile ones alike, is
 * read in one JVM started with {@code -Xmx64m}.
 */
class SmallHeapTest {

    @Test
    void everyCommittedFileGivesAReportOrOneLineAndExitThreeUnder64MegabytesOfHeap() throws Exception {
        List<String> files = committedFiles();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx64m", "-Xss4m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), RunEach.class.getName()));
        command.addAll(files);
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        byte[] stdout = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(stderr).isZero();
        List<String> rows = new String(stdout, StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(rows).hasSize(files.size());
        assertThat(rows).allSatisfy(row -> {
            String[] cells = row.split("\t", 3);
            int exit = Integer.parseInt(cells[0]);
            long errLines = Long.parseLong(cells[1]);
            assertThat(exit).as(cells[2]).isIn(ExitCode.OK, ExitCode.INPUT);
            assertThat(errLines).as(cells[2]).isLessThanOrEqualTo(exit == ExitCode.OK ? 100 : 1);
        });
    }

    /** Every file under the fixtures and the hostile corpus, manifests and expected outputs left out. */
    private static List<String> committedFiles() throws IOException {
        List<String> files = new ArrayList<>();
        for (String root : List.of("fixtures", "hostile")) {
            Path dir;
            try {
                dir = Resources.path(root);
            } catch (IllegalArgumentException e) {
                continue; // no such folder in this checkout
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().endsWith(".md"))
                        .filter(f -> !f.getFileName().toString().endsWith(".expected.json"))
                        .map(Path::toString)
                        .sorted()
                        .forEach(files::add);
            }
        }
        return files;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
