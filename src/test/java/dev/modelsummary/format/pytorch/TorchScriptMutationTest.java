package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile-file guard for TorchScript archives: fixed-seed random corruptions of one record of a real archive
 * (data.pkl, constants.pkl or a code file: overwritten, inserted or truncated bytes), rezipped so that the
 * directory stays valid, must each read or fail with a FormatException, never with another exception.
 */
class TorchScriptMutationTest {
    private static final int MUTANTS = 300;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"custom.pt", "containers.pt", "frozen.pt"})
    void everyMutantReadsOrFailsWithAFormatException(String fixture) throws IOException {
        Map<String, byte[]> original = TorchScriptErrorsTest.records(fixture);
        List<String> targets = original.keySet().stream()
                .filter(n -> n.endsWith(".pkl") && !n.endsWith("debug_pkl") || n.endsWith(".py")).toList();
        Random random = new Random(fixture.hashCode());
        Path file = dir.resolve(fixture);
        int failures = 0;
        for (int i = 0; i < MUTANTS; i++) {
            Map<String, byte[]> records = new LinkedHashMap<>(original);
            String target = targets.get(random.nextInt(targets.size()));
            records.put(target, mutate(original.get(target), random));
            ZipBuilder zip = new ZipBuilder();
            records.forEach(zip::add);
            Files.write(file, zip.build());
            try {
                new TorchReader().read(file, ChannelOpener.FILES);
            } catch (FormatException expected) {
                failures++;
            }
        }
        assertThat(failures).as("some mutants must be refused").isPositive();
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        if (bytes.length == 0) {
            return bytes;
        }
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int k = 1 + random.nextInt(6); k > 0; k--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> { // a printable character in: what a code-file edit looks like
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
