package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.testutil.ArchiveMutants;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile-file guard for the DCP and PT2 readers: fixed-seed random corruptions of a DCP {@code .metadata} and of
 * a PT2 archive's payload configs must each read or fail with a FormatException, never another exception.
 */
class DcpPt2MutationTest {
    private static final int MUTANTS = 300;

    @TempDir
    Path dir;

    @Test
    void everyDcpMetadataMutantReadsOrFailsWithAFormatException() throws IOException {
        Path source = Path.of("src", "test", "resources", "fixtures", "dcp", "simple");
        for (String shard : List.of("__0_0.distcp", "__1_0.distcp")) {
            Files.copy(source.resolve(shard), dir.resolve(shard));
        }
        byte[] original = Files.readAllBytes(source.resolve(".metadata"));
        Random random = new Random(15);
        int failures = 0;
        for (int i = 0; i < MUTANTS; i++) {
            Files.write(dir.resolve(".metadata"), ArchiveMutants.mutate(original, random));
            try {
                new DcpReader().read(dir, ChannelOpener.FILES);
            } catch (FormatException expected) {
                failures++;
            }
        }
        assertThat(failures).as("some mutants must be refused").isPositive();
    }

    @Test
    void everyPt2ConfigMutantReadsOrFailsWithAFormatException() throws IOException {
        Map<String, byte[]> original = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(Resources.path("fixtures/pt2/net.pt2").toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    original.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        List<String> targets = original.keySet().stream().filter(n -> n.endsWith(".json")).toList();
        Random random = new Random(15);
        Path file = dir.resolve("net.pt2");
        int failures = ArchiveMutants.refused(original, targets, random, file, MUTANTS,
                f -> new Pt2Reader().read(f, ChannelOpener.FILES));
        assertThat(failures).as("some mutants must be refused").isPositive();
    }
}
