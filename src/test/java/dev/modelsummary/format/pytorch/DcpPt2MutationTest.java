package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
            Files.write(dir.resolve(".metadata"), mutate(original, random));
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
        int failures = 0;
        for (int i = 0; i < MUTANTS; i++) {
            Map<String, byte[]> records = new LinkedHashMap<>(original);
            String target = targets.get(random.nextInt(targets.size()));
            records.put(target, mutate(original.get(target), random));
            ZipBuilder zip = new ZipBuilder();
            records.forEach(zip::add);
            Files.write(file, zip.build());
            try {
                new Pt2Reader().read(file, ChannelOpener.FILES);
            } catch (FormatException expected) {
                failures++;
            }
        }
        assertThat(failures).as("some mutants must be refused").isPositive();
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int k = 1 + random.nextInt(6); k > 0; k--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                int at = random.nextInt(bytes.length);
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = (byte) (' ' + random.nextInt(95));
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                bytes = longer;
            }
            default -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }
}
