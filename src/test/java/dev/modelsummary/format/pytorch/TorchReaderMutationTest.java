package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile-file guard: fixed-seed random corruptions of real files (overwritten bytes anywhere, in the pickle, in
 * the central directory, and truncations) must each read or fail with a FormatException, never with another
 * exception. Deterministic: the same mutants every run.
 */
class TorchReaderMutationTest {
    private static final int MUTANTS = 300;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tied.pth", "legacy.pth", "protocol4.pth", "whole_module.pth", "checkpoint.pth"})
    void everyMutantReadsOrFailsWithAFormatException(String fixture) throws IOException {
        byte[] original = Resources.bytes("fixtures/pytorch/" + fixture);
        Random random = new Random(fixture.hashCode());
        Path file = dir.resolve(fixture);
        TorchReader reader = new TorchReader();
        int failures = 0;
        for (int i = 0; i < MUTANTS; i++) {
            Files.write(file, mutate(original, random));
            try {
                reader.read(file, ChannelOpener.FILES);
            } catch (FormatException expected) {
                failures++;
            }
        }
        assertThat(failures).as("some mutants must be refused").isPositive();
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        switch (random.nextInt(4)) {
            case 0 -> overwrite(bytes, random, 0, bytes.length);
            case 1 -> overwrite(bytes, random, 0, Math.min(bytes.length, 2048)); // headers and the pickle
            case 2 -> overwrite(bytes, random, Math.max(0, bytes.length - 1024), bytes.length); // directory
            default -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }

    private static void overwrite(byte[] bytes, Random random, int from, int to) {
        int n = 1 + random.nextInt(6);
        for (int k = 0; k < n; k++) {
            bytes[from + random.nextInt(to - from)] = (byte) random.nextInt(256);
        }
    }
}
