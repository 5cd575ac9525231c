package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --out DIR} never writes (or reads) through a symbolic link under DIR: it could lead anywhere. */
class OutputLinksTest {
    @TempDir
    Path tmp;

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aSiteWhoseSubFolderIsALinkOutsideIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path site = tmp.resolve("site");
        assertThat(CliRun.of("site", "--out", site.toString(), "alexnet").exitCode()).isZero();
        Path outside = tmp.resolve("outside");
        Files.move(site.resolve("json"), outside);
        Files.createSymbolicLink(site.resolve("json"), outside);
        List<Path> outsideBefore = tree(outside);
        List<Path> siteBefore = tree(site);

        CliRun run = CliRun.of("site", "--out", site.toString(), "resnet18");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("'" + site.resolve("json") + "' is a symbolic link to '" + outside + "'",
                "nothing was written");
        assertThat(tree(outside)).isEqualTo(outsideBefore);
        assertThat(tree(site)).isEqualTo(siteBefore);
    }

    @Test
    void aFreshSiteWithALinkedGroupFolderWritesNothing() throws IOException {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(site.resolve("json"), outside);

        CliRun run = CliRun.of("site", "--out", site.toString(), "alexnet");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(tree(outside)).containsExactly(outside);
        assertThat(tree(site)).containsExactly(site, site.resolve("json"));
    }

    @Test
    void theOutFolderItselfMayBeALink() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path site = Files.createSymbolicLink(tmp.resolve("site"), real);

        CliRun run = CliRun.of("site", "--out", site.toString(), "alexnet");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(real.resolve("README.md")).exists();
    }

    @Test
    void aSummaryOutputFolderWithALinkedSubFolderIsRefused() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(out.resolve("json"), outside);

        CliRun run = CliRun.of("alexnet", "-f", "json", "-o", out.toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("symbolic link");
        assertThat(tree(outside)).containsExactly(outside);
    }
}
