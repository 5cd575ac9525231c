package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --out writes every file or none: a failure leaves what was there before, and no folder it made. */
class AtomicOutputTest {
    @TempDir
    Path tmp;

    @Test
    void whenFigsIsAFileNoPageAndNoFolderIsWritten() throws IOException {
        Path out = Files.createDirectory(tmp.resolve("site"));
        Files.writeString(out.resolve("figs"), "not a folder");

        CliRun run = CliRun.of("resnet18", "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: cannot write under " + out + ": A file is in the way of '"
                + out.resolve("figs") + "'.\n");
        assertThat(run.out()).isEmpty();
        assertThat(files(out)).containsExactly(out.resolve("figs"));
    }

    @Test
    void whenTheChartsSlotIsAFolderTheOldPageStays() throws IOException {
        Path out = tmp.resolve("site");
        Path page = Files.writeString(Files.createDirectories(out.resolve("image_model_info")).resolve("resnet18.md"),
                "the old page");
        Path slot = Files.createDirectories(out.resolve("figs/resnet18_pie_chart.png"));

        CliRun run = CliRun.of("resnet18", "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: cannot write under " + out + ": A folder is in the way of '"
                + slot + "'.\n");
        assertThat(Files.readString(page)).isEqualTo("the old page");
        assertThat(files(out)).containsExactlyInAnyOrder(page, out.resolve("figs"), slot, out.resolve("image_model_info"));
    }

    @Test
    void aFailedMoveRestoresWhatEarlierMovesReplacedAndRemovesTheFoldersItMade() throws IOException {
        Path kept = Files.writeString(Files.createDirectories(tmp.resolve("a")).resolve("page.md"), "old");
        Path fresh = tmp.resolve("b/c/new.md");
        Path raced = tmp.resolve("d/chart.png");
        AtomicOutput output = new AtomicOutput();
        output.add(kept, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        output.add(fresh, out -> out.write(1));
        // Written after every check passed: a folder appears in the chart's slot, as another process could make.
        output.add(raced, out -> {
            Files.createDirectories(raced);
            out.write(2);
        });

        assertThatThrownBy(output::commit).isInstanceOf(FileSystemException.class);

        assertThat(Files.readString(kept)).isEqualTo("old");
        assertThat(files(tmp)).containsExactlyInAnyOrder(tmp.resolve("a"), kept, tmp.resolve("d"), raced);
    }

    @Test
    void aSuccessfulCommitReplacesAndLeavesNoTemporaries() throws IOException {
        Path kept = Files.writeString(Files.createDirectories(tmp.resolve("a")).resolve("page.md"), "old");
        AtomicOutput output = new AtomicOutput();
        output.add(kept, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        output.add(tmp.resolve("b/c.png"), out -> out.write(7));

        assertThat(output.commit()).containsExactly(kept, tmp.resolve("b/c.png"));

        assertThat(Files.readString(kept)).isEqualTo("new");
        assertThat(files(tmp)).containsExactlyInAnyOrder(tmp.resolve("a"), kept, tmp.resolve("b"), tmp.resolve("b/c.png"));
    }

    private static java.util.List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).toList();
        }
    }
}
