package dev.modelsummary.format;

import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The one rule for files a reader opens (or measures) besides the one the user named: shards of an index, TF.js
 * weight shards, GGUF split parts, ONNX external data, files listed from a named folder. They live in the folder
 * the user named (or the named file's folder), locally and over HTTP:
 *
 * <ul>
 *   <li>a name from a manifest is a relative path of plain names: no scheme or URL ({@code http:}, {@code C:}),
 *       no absolute path ({@code /x}, {@code //host/x}, {@code \x}), no {@code ..} component, nothing empty;</li>
 *   <li>on disk, a sibling whose real path (symbolic links followed) is outside the folder's real path is
 *       refused, naming the link and where it leads; a link that stays inside is read like any file, and so is a
 *       link into the Hugging Face cache's {@code models--*}{@code /blobs/} (how the cache lays out every
 *       snapshot). The named file or folder itself may be a link: the user chose it;</li>
 *   <li>one manifest or folder makes a reader open at most {@link Limit#SHARD_FILES} distinct files.</li>
 * </ul>
 */
public final class SiblingFiles {
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");
    private static final Pattern HUB_CACHE_REPO = Pattern.compile("(models|datasets|spaces)--.+");

    private SiblingFiles() {
    }

    /**
     * Whether {@code name}, as a manifest gives it, could reach outside the manifest's folder or onto another
     * host: empty, a scheme or drive letter, a leading separator, a {@code ..} component, a NUL.
     */
    public static boolean escapes(String name) {
        return name.isEmpty() || name.indexOf('\0') >= 0 || SCHEME.matcher(name).find()
                || name.startsWith("/") || name.startsWith("\\")
                || SEPARATORS.splitAsStream(name).anyMatch(".."::equals);
    }

    /**
     * Where {@code name} is inside {@code directory}, or null when it {@link #escapes} or the file system
     * cannot hold it; the caller refuses a null with its own subject.
     */
    public static Path resolve(Path directory, String name) {
        if (escapes(name) || directory == null) {
            return null;
        }
        try {
            Path base = directory.normalize();
            Path file = base.resolve(name).normalize();
            return file.startsWith(base) && !file.equals(base) && file.getFileSystem() == base.getFileSystem()
                    ? file : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * Refuses {@code file}, a sibling inside {@code folder}, when symbolic links lead it outside {@code folder}
     * (both compared as real paths). A file that does not exist passes: the reader says it is missing. Files
     * that are not on the local disk (URLs) have no links.
     *
     * @param what how the message names the file ({@code "Shard 'a.safetensors'"})
     * @throws FormatException naming the link and its real target
     */
    public static void checkInside(Path folder, Path file, String what) throws IOException {
        if (file.getFileSystem() != FileSystems.getDefault() || folder == null) {
            return;
        }
        Path real;
        Path root;
        try {
            real = file.toRealPath();
            root = folder.toRealPath();
        } catch (NoSuchFileException e) {
            return;
        }
        if (real.startsWith(root) || isHubCacheBlob(real)) {
            return;
        }
        Path link = firstLink(folder.toAbsolutePath().normalize(), file.toAbsolutePath().normalize());
        throw new FormatException(what + " is reached through the symbolic link " + Quote.of(link) + " to "
                + Quote.of(real) + ", outside the folder " + Quote.of(folder) + "; refusing to read it.");
    }

    /**
     * A file of the Hugging Face cache: {@code .../models--OWNER--NAME/blobs/HASH}. Every file of a cache snapshot
     * folder ({@code snapshots/REVISION/}) and, with older huggingface_hub, of a {@code --local-dir} download is
     * a link to one, outside the folder the user names; such a blob is a file the Hub wrote, never anything else.
     */
    static boolean isHubCacheBlob(Path real) {
        Path blobs = real.getParent();
        Path repo = blobs == null ? null : blobs.getParent();
        return repo != null && blobs.getFileName() != null && repo.getFileName() != null
                && blobs.getFileName().toString().equals("blobs")
                && HUB_CACHE_REPO.matcher(repo.getFileName().toString()).matches();
    }

    /** The first component from {@code folder} down to {@code file} that is a link ({@code file} if none is). */
    private static Path firstLink(Path folder, Path file) {
        if (file.startsWith(folder)) {
            Path at = folder;
            for (Path name : folder.relativize(file)) {
                at = at.resolve(name);
                if (Files.isSymbolicLink(at)) {
                    return at;
                }
            }
        }
        return file;
    }

    /**
     * Refuses a manifest or folder that would make a reader open more than {@link Limit#SHARD_FILES} files.
     *
     * @param what what holds them ({@code "Index"}, {@code "model.json"})
     */
    public static void checkCount(long files, String what) {
        int limit = Limits.current().getInt(Limit.SHARD_FILES);
        if (files > limit) {
            throw new FormatException(what + " names '" + files + "' files to read beside it, over the limit of '"
                    + limit + "' (" + Limit.SHARD_FILES.raise() + ").");
        }
    }
}
