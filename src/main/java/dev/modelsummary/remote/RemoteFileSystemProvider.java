package dev.modelsummary.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;

/**
 * The provider behind one {@link RemoteFileSystem}. It is not installed (no service file): paths come only
 * from {@link RemoteFileSystem#url}, so nothing else in the JVM starts talking HTTP through {@code Path.of}.
 */
final class RemoteFileSystemProvider extends FileSystemProvider {
    private final RemoteFileSystem fs;

    RemoteFileSystemProvider(RemoteFileSystem fs) {
        this.fs = fs;
    }

    @Override
    public String getScheme() {
        return "https";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("build a RemoteFileSystem directly");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        return fs.getPath(uri.toString());
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        for (OpenOption option : options) {
            if (option != StandardOpenOption.READ && option instanceof StandardOpenOption) {
                throw new ReadOnlyFileSystemException();
            }
        }
        return new RemoteChannel(fs, fs.file(path));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        throw new NotDirectoryException(dir.toString());
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void delete(Path path) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return path.equals(path2);
    }

    @Override
    public boolean isHidden(Path path) {
        return false;
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("no file stores on remote files");
    }

    /** Exists = the server answers a range request for it; only reading is allowed. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        for (AccessMode mode : modes) {
            if (mode != AccessMode.READ) {
                throw new AccessDeniedException(path.toString(), null, "remote files are read-only");
            }
        }
        fs.file(path).size();
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class) {
            throw new UnsupportedOperationException("remote files have basic attributes only");
        }
        return (A) new Attributes(sizeOnly(path));
    }

    /**
     * The size for attributes: one byte is asked for, not the first block, since whoever asks for attributes
     * alone may never read the file. A 404 is a missing file, as on disk.
     */
    private long sizeOnly(Path path) throws IOException {
        try {
            return fs.file(path).sizeOnly();
        } catch (RemoteIOException e) {
            if (e.notFound()) {
                NoSuchFileException missing = new NoSuchFileException(path.toString(), null, e.getMessage());
                missing.initCause(e);
                throw missing;
            }
            throw e;
        }
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        Attributes a = new Attributes(sizeOnly(path));
        return Map.of("size", a.size(), "isRegularFile", true, "isDirectory", false);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    /** A remote file: regular, of a known size, with no times the server tells us about. */
    private record Attributes(long size) implements BasicFileAttributes {
        private static final FileTime EPOCH = FileTime.fromMillis(0);

        @Override
        public FileTime lastModifiedTime() {
            return EPOCH;
        }

        @Override
        public FileTime lastAccessTime() {
            return EPOCH;
        }

        @Override
        public FileTime creationTime() {
            return EPOCH;
        }

        @Override
        public boolean isRegularFile() {
            return true;
        }

        @Override
        public boolean isDirectory() {
            return false;
        }

        @Override
        public boolean isSymbolicLink() {
            return false;
        }

        @Override
        public boolean isOther() {
            return false;
        }

        @Override
        public Object fileKey() {
            return null;
        }
    }
}
