package dev.modelsummary.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a set of output files all or nothing: every file is fully rendered before this runs, each is
 * written to a temporary sibling and then renamed into place, and a failure removes what was written, so a
 * failed run never leaves a half-written page behind.
 */
final class AtomicOutput {
    private final Map<Path, byte[]> files = new LinkedHashMap<>();

    void add(Path path, byte[] content) {
        files.put(path, content);
    }

    void addAll(AtomicOutput other) {
        files.putAll(other.files);
    }

    /** Writes every file; returns the paths written, in order. */
    List<Path> commit() throws IOException {
        List<Path> temporaries = new ArrayList<>();
        try {
            for (Map.Entry<Path, byte[]> file : files.entrySet()) {
                Path target = file.getKey();
                Path parent = target.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                // Not Files.createTempFile: its 0600 permissions would make a published page unreadable.
                Path temporary = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
                temporaries.add(temporary);
                Files.write(temporary, file.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            int i = 0;
            for (Path target : files.keySet()) {
                move(temporaries.get(i++), target);
            }
            return List.copyOf(files.keySet());
        } finally {
            for (Path temporary : temporaries) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
