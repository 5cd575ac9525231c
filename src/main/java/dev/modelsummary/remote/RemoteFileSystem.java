package dev.modelsummary.remote;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read-only URLs as a file system, so that every reader works on them unchanged. One instance per summary:
 * it holds the HTTP client, the settings (token, timeout) and the blocks fetched so far.
 */
public final class RemoteFileSystem extends FileSystem {
    /**
     * Blocks kept over all files before those of closed files are let go: a shard index with hundreds of shards
     * keeps at most this much, whatever the remote-bytes limit lets it fetch.
     */
    static final long KEPT_BYTES = 16L << 20;

    private final RemoteFileSystemProvider provider;
    private final RemoteSettings settings;
    private final HttpRanges http;
    private final Map<URI, RemoteFile> files = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    public RemoteFileSystem(RemoteSettings settings) {
        this.settings = settings;
        this.http = new HttpRanges(settings);
        this.provider = new RemoteFileSystemProvider(this);
    }

    /** Whether the argument is a URL this file system reads. */
    public static boolean isUrl(String argument) {
        String lower = argument.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    /**
     * The path of an http(s) URL.
     *
     * @throws RemoteIOException for anything else, or a URL without a host
     */
    public Path url(String url) throws RemoteIOException {
        try {
            URI uri = new URI(url);
            if (!isUrl(url) || uri.getHost() == null || uri.getRawFragment() != null) {
                throw new RemoteIOException("Not an http(s) URL with a host: " + RemoteFile.displayOf(uri) + ".");
            }
            return RemotePath.ofUrl(this, uri);
        } catch (URISyntaxException e) {
            throw new RemoteIOException("Not a valid URL (" + e.getReason() + ").");
        }
    }

    /**
     * Asks the server for the file (its first block and size), so that a failure is reported with its reason:
     * {@code Files.exists} would only say false.
     */
    public long probe(Path path) throws IOException {
        return file(path).size();
    }

    /** Requests sent so far (redirects count). */
    public long requests() {
        return http.requests();
    }

    /** Body bytes received so far. */
    public long bytesReceived() {
        return http.bytes();
    }

    public RemoteSettings settings() {
        return settings;
    }

    RemoteFile file(Path path) {
        if (!(path instanceof RemotePath remote) || remote.getFileSystem() != this || !remote.isAbsolute()) {
            throw new java.nio.file.ProviderMismatchException();
        }
        URI uri = remote.toUrl();
        return files.computeIfAbsent(uri, u -> new RemoteFile(http, u));
    }

    /** Bytes held in blocks over all files. */
    long keptBytes() {
        return files.values().stream().mapToLong(RemoteFile::keptBytes).sum();
    }

    /** After {@code current} fetched a block: over {@link #KEPT_BYTES}, the blocks of closed files go. */
    void trim(RemoteFile current) {
        if (keptBytes() <= KEPT_BYTES) {
            return;
        }
        for (RemoteFile file : files.values()) {
            if (file != current) {
                file.dropBlocksIfClosed();
            }
        }
    }

    @Override
    public RemoteFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        open = false;
        files.clear();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    /** A URL gives an absolute path; anything else is a relative path of {@code /}-separated names. */
    @Override
    public Path getPath(String first, String... more) {
        String joined = more.length == 0 ? first : first + "/" + String.join("/", more);
        if (isUrl(joined)) {
            try {
                return url(joined);
            } catch (RemoteIOException e) {
                throw new java.nio.file.InvalidPathException(joined, e.getMessage());
            }
        }
        if (joined.startsWith("/")) {
            throw new java.nio.file.InvalidPathException(joined, "a remote path is a URL or a relative name");
        }
        List<String> names = new ArrayList<>();
        for (String name : joined.split("/", -1)) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return new RemotePath(this, null, names, null);
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        throw new UnsupportedOperationException("no path matchers on remote files");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("no users on remote files");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("remote files cannot be watched");
    }
}
