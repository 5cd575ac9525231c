package dev.modelsummary.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A URL as a {@link Path}: the root is {@code scheme://authority}, the names are the URL path's segments
 * (decoded). Readers resolve shards beside a file with {@code getParent().resolve(name)} as they do on disk.
 * A path without a root is relative (a file name, or what a shard index names).
 */
final class RemotePath implements Path {
    private final RemoteFileSystem fs;
    private final String root;
    private final List<String> names;
    private final String query;

    RemotePath(RemoteFileSystem fs, String root, List<String> names, String query) {
        this.fs = fs;
        this.root = root;
        this.names = List.copyOf(names);
        this.query = root == null ? null : query;
    }

    /** An absolute path from an http(s) URL. */
    static RemotePath ofUrl(RemoteFileSystem fs, URI uri) {
        List<String> names = new ArrayList<>();
        for (String name : Objects.toString(uri.getPath(), "").split("/", -1)) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return new RemotePath(fs, uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://"
                + uri.getRawAuthority(), names, uri.getRawQuery());
    }

    /** The URL this path names. */
    URI toUrl() {
        if (root == null) {
            throw new IllegalStateException("relative path " + this + " has no URL");
        }
        URI base = URI.create(root);
        try {
            URI path = new URI(null, null, "/" + String.join("/", names), null);
            return URI.create(root + path.getRawPath() + (query == null ? "" : "?" + query));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL path: " + base, e);
        }
    }

    @Override
    public RemoteFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return root != null;
    }

    @Override
    public Path getRoot() {
        return root == null ? null : new RemotePath(fs, root, List.of(), null);
    }

    @Override
    public Path getFileName() {
        return names.isEmpty() ? null : new RemotePath(fs, null, List.of(names.get(names.size() - 1)), null);
    }

    @Override
    public Path getParent() {
        if (names.isEmpty() || root == null && names.size() == 1) {
            return null;
        }
        return new RemotePath(fs, root, names.subList(0, names.size() - 1), null);
    }

    @Override
    public int getNameCount() {
        return names.size();
    }

    @Override
    public Path getName(int index) {
        return new RemotePath(fs, null, List.of(names.get(index)), null);
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        if (beginIndex < 0 || endIndex > names.size() || beginIndex >= endIndex) {
            throw new IllegalArgumentException("bad subpath " + beginIndex + ".." + endIndex);
        }
        return new RemotePath(fs, null, names.subList(beginIndex, endIndex), null);
    }

    @Override
    public boolean startsWith(Path other) {
        RemotePath o = cast(other);
        return Objects.equals(root, o.root) && o.names.size() <= names.size()
                && names.subList(0, o.names.size()).equals(o.names);
    }

    @Override
    public boolean endsWith(Path other) {
        RemotePath o = cast(other);
        if (o.root != null) {
            return equals(o);
        }
        return o.names.size() <= names.size()
                && names.subList(names.size() - o.names.size(), names.size()).equals(o.names);
    }

    @Override
    public Path normalize() {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..") && !out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                out.remove(out.size() - 1);
            } else if (!(name.equals("..") && root != null)) {
                out.add(name); // ".." above the root stays at the root, as in a URL
            }
        }
        return new RemotePath(fs, root, out, query);
    }

    @Override
    public Path resolve(Path other) {
        RemotePath o = cast(other);
        if (o.root != null) {
            return o;
        }
        if (o.names.isEmpty()) {
            return this;
        }
        List<String> joined = new ArrayList<>(names);
        joined.addAll(o.names);
        return new RemotePath(fs, root, joined, null);
    }

    @Override
    public Path relativize(Path other) {
        RemotePath o = cast(other);
        if (!Objects.equals(root, o.root) || !o.startsWith(this)) {
            throw new IllegalArgumentException("cannot relativize " + o + " against " + this);
        }
        return new RemotePath(fs, null, o.names.subList(names.size(), o.names.size()), null);
    }

    @Override
    public URI toUri() {
        return toUrl();
    }

    @Override
    public Path toAbsolutePath() {
        return this; // a relative remote path has no working directory to resolve against
    }

    @Override
    public Path toRealPath(LinkOption... options) {
        return this;
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("remote files cannot be watched");
    }

    @Override
    public int compareTo(Path other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RemotePath o && o.fs == fs && Objects.equals(root, o.root)
                && names.equals(o.names) && Objects.equals(query, o.query);
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, names, query);
    }

    /** The URL without its query (which may carry a signature), or the relative names joined by {@code /}. */
    @Override
    public String toString() {
        return root == null ? String.join("/", names) : RemoteFile.displayOf(toUrl());
    }

    private RemotePath cast(Path other) {
        if (!(other instanceof RemotePath o) || o.fs != fs) {
            throw new ProviderMismatchException();
        }
        return o;
    }
}
