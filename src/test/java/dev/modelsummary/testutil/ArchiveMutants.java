package dev.modelsummary.testutil;

import dev.modelsummary.format.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutation tests of ZIP-based formats: archives that differ from a real one in one record, each written and
 * read. A reader must list such a file or refuse it with a {@link FormatException}; anything else it throws
 * fails the test that called {@link #refused}.
 */
public final class ArchiveMutants {
    private ArchiveMutants() {
    }

    /** Reads one file; a refusal is a {@link FormatException}. */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws IOException;
    }

    /**
     * Writes {@code count} archives to {@code file}, each {@code original} with one of {@code targets} mutated,
     * reads each, and returns how many were refused.
     */
    public static int refused(Map<String, byte[]> original, List<String> targets, Random random, Path file,
                              int count, Reader reader) throws IOException {
        int refused = 0;
        for (int i = 0; i < count; i++) {
            Map<String, byte[]> records = new LinkedHashMap<>(original);
            String target = targets.get(random.nextInt(targets.size()));
            records.put(target, mutate(original.get(target), random));
            ZipBuilder zip = new ZipBuilder();
            records.forEach(zip::add);
            Files.write(file, zip.build());
            try {
                reader.read(file);
            } catch (FormatException expected) {
                refused++;
            }
        }
        return refused;
    }

    /** A few random bytes changed, a printable character inserted (what a text edit looks like), or a cut. */
    public static byte[] mutate(byte[] original, Random random) {
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
