package dev.modelsummary.cli;

import dev.modelsummary.report.TerminalWidth;
import dev.modelsummary.text.Quote;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a set of output files all or nothing. In order:
 *
 * <ol>
 *   <li>every target is checked: no file where a folder must be, no folder where a file goes, and the
 *       nearest existing folder writable, so the usual failures happen before anything is touched;</li>
 *   <li>missing folders are created, each one remembered;</li>
 *   <li>every file is streamed into a temporary sibling (in parallel: {@code --all} renders 236 files), so a
 *       report is never held in memory whole;</li>
 *   <li>each temporary is renamed over its target, after a backup of what the target held.</li>
 * </ol>
 *
 * A failure at any step undoes the steps before it: targets already replaced get their backup back, targets
 * that did not exist are removed, temporaries are deleted and the folders this run created are removed
 * again. So a failed run leaves the output folder as it found it.
 */
final class AtomicOutput {
    /** One file's bytes, written when the output is committed. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** One file's text, written as UTF-8 when the output is committed. */
    @FunctionalInterface
    interface TextContent {
        void writeTo(Writer out) throws IOException;
    }

    /** Text streamed into the file as UTF-8: never held whole, since a report may list millions of tensors. */
    static Content utf8(TextContent text) {
        return file -> {
            Writer writer = new OutputStreamWriter(file, StandardCharsets.UTF_8);
            TerminalWidth.unfitted(() -> text.writeTo(writer)); // a file is not the terminal's width
            writer.flush();
        };
    }

    private final Map<Path, Content> files = new LinkedHashMap<>();

    void add(Path path, Content content) {
        files.put(path, content);
    }

    /** The files added so far, as added (not a copy: it sees later additions). */
    Set<Path> paths() {
        return Collections.unmodifiableSet(files.keySet());
    }

    void addAll(AtomicOutput other) {
        files.putAll(other.files);
    }

    /** Writes every file; returns the paths written, in order, as they were added. */
    List<Path> commit() throws IOException {
        return commit(null);
    }

    /**
     * Writes every file, all under {@code root} (null: anywhere), the output folder the user named: a folder on
     * the way from {@code root} to a target that is a symbolic link refuses the whole output before anything is
     * written, since writing through it would write outside {@code root}. {@code root} itself may be a link.
     */
    List<Path> commit(Path root) throws IOException {
        for (Path target : files.keySet()) {
            if (root != null) {
                checkNoLinks(root, target);
            }
            check(target.toAbsolutePath());
        }
        Undo undo = new Undo();
        try {
            for (Path target : files.keySet()) {
                undo.createFolders(target.toAbsolutePath().getParent());
            }
            Map<Path, Path> temporaries = new LinkedHashMap<>();
            files.keySet().forEach(target -> temporaries.put(target, undo.temporary(target.toAbsolutePath())));
            writeAll(temporaries);
            for (Map.Entry<Path, Path> file : temporaries.entrySet()) {
                undo.replace(file.getKey().toAbsolutePath(), file.getValue());
            }
            undo.forget();
            return List.copyOf(files.keySet());
        } catch (IOException | RuntimeException | Error e) {
            undo.undo(e);
            throw e;
        }
    }

    /**
     * What can be known before anything is written: the target is no folder, and its nearest existing
     * ancestor is a writable folder (not a file in the way of one).
     */
    private static void check(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "A folder is in the way");
        }
        Path folder = target.getParent();
        while (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && folder.getParent() != null) {
            folder = folder.getParent();
        }
        if (!Files.isDirectory(folder)) {
            throw new FileAlreadyExistsException(folder.toString());
        }
        if (!Files.isWritable(folder)) {
            throw new AccessDeniedException(folder.toString());
        }
    }

    /**
     * Refuses {@code target} when it is outside {@code root} or when a folder or file between them is a symbolic
     * link (what it would read or write through may be anywhere).
     *
     * @throws FileSystemException whose reason names the link and where it leads
     */
    static void checkNoLinks(Path root, Path target) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        Path file = target.toAbsolutePath().normalize();
        if (!file.startsWith(base) || file.equals(base)) {
            throw new FileSystemException(target.toString(), null, Quote.of(target) + " is outside the output folder");
        }
        Path at = base;
        for (Path name : base.relativize(file)) {
            at = at.resolve(name);
            if (Files.isSymbolicLink(at)) {
                throw new FileSystemException(at.toString(), null, Quote.of(at) + " is a symbolic link to "
                        + Quote.of(Files.readSymbolicLink(at)) + "; refusing to write through it, since it may lead "
                        + "outside the output folder, and nothing was written");
            }
        }
    }

    /** Streams every file into its temporary, in parallel; the first failure is rethrown as it was. */
    private void writeAll(Map<Path, Path> temporaries) throws IOException {
        try {
            temporaries.entrySet().parallelStream().forEach(file -> {
                // Not Files.createTempFile: its 0600 permissions would make a published page unreadable.
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file.getValue(),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                    files.get(file.getKey()).writeTo(out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** What a commit has done so far, and how to take it back. */
    private static final class Undo {
        private final Deque<Path> createdFolders = new ArrayDeque<>();
        private final List<Path> temporaries = new ArrayList<>();
        /** Targets replaced so far, most recent first. */
        private final Deque<Replaced> replaced = new ArrayDeque<>();

        /** A target renamed over, and the backup of what it held (null: it did not exist). */
        private record Replaced(Path target, Path backup) {
        }

        void createFolders(Path folder) throws IOException {
            if (Files.isDirectory(folder)) {
                return;
            }
            createFolders(folder.getParent());
            Files.createDirectory(folder);
            createdFolders.push(folder);
        }

        /** A fresh name beside {@code target}, deleted again whatever happens. */
        Path temporary(Path target) {
            Path temporary = sibling(target, ".tmp");
            temporaries.add(temporary);
            return temporary;
        }

        /** Keeps what {@code target} holds as a backup (a hard link, or a copy), then renames over it. */
        void replace(Path target, Path temporary) throws IOException {
            Path backup = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                backup = sibling(target, ".bak");
                temporaries.add(backup);
                try {
                    Files.createLink(backup, target);
                } catch (UnsupportedOperationException | IOException e) {
                    Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
            move(temporary, target);
            replaced.push(new Replaced(target, backup));
        }

        /** Success: the backups and temporaries go. */
        void forget() throws IOException {
            for (Path temporary : temporaries) {
                Files.deleteIfExists(temporary);
            }
        }

        /** Failure: every step taken back, as far as it can be; problems doing so are added to {@code cause}. */
        void undo(Throwable cause) {
            for (Replaced r : replaced) {
                attempt(cause, () -> {
                    if (r.backup() == null) {
                        Files.deleteIfExists(r.target());
                    } else {
                        move(r.backup(), r.target());
                    }
                });
            }
            for (Path temporary : temporaries) {
                attempt(cause, () -> Files.deleteIfExists(temporary));
            }
            for (Path folder : createdFolders) {
                attempt(cause, () -> {
                    try {
                        Files.deleteIfExists(folder);
                    } catch (DirectoryNotEmptyException e) {
                        // something else put a file there meanwhile: it is not ours to remove
                    }
                });
            }
        }

        private interface Step {
            void run() throws IOException;
        }

        private static void attempt(Throwable cause, Step step) {
            try {
                step.run();
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }

        private static Path sibling(Path target, String suffix) {
            return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + suffix);
        }

        private static void move(Path from, Path to) throws IOException {
            try {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
