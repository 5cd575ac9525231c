package dev.modelsummary.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One remote file: its size (from the first answer's {@code Content-Range}) and a few recently fetched blocks.
 * A miss fetches a block that grows from 64 KiB to 1 MiB, so a reader that walks a header field by field
 * costs a handful of requests. A miss near the end fetches the block that ends at the end of the file, where
 * ZIP directories live.
 */
final class RemoteFile {
    static final int FIRST_BLOCK = 64 * 1024;
    static final int LARGEST_BLOCK = 1024 * 1024;
    private static final int KEPT_BLOCKS = 8;

    private final HttpRanges http;
    private final URI uri;
    private final String display;
    private volatile URI location;
    private long size = -1;
    /** Time spent waiting on the server for this file, all its requests and redirects together. */
    private long waitedNanos;
    private int nextBlock = FIRST_BLOCK;
    private int openChannels;
    private long fetches;
    /** start -> bytes, least recently used first. */
    private final LinkedHashMap<Long, byte[]> blocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > KEPT_BLOCKS;
        }
    };

    RemoteFile(HttpRanges http, URI uri) {
        this.http = http;
        this.uri = uri;
        this.location = uri;
        this.display = displayOf(uri);
    }

    /** The URL as messages show it: without a query or user info, which may carry credentials. */
    static String displayOf(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority().replaceFirst("^.*@", "") + uri.getRawPath();
    }

    String display() {
        return display;
    }

    URI location() {
        return location;
    }

    void redirectedTo(URI target) {
        location = target;
    }

    /** The size, asking the server once (the first block comes with it). */
    synchronized long size() throws IOException {
        if (size < 0) {
            fetch(0);
        }
        return size;
    }

    /**
     * The size only, for a caller that will not read the file (a TF.js shard is measured, never opened): asks
     * for one byte rather than the first block.
     */
    synchronized long sizeOnly() throws IOException {
        if (size < 0) {
            size = http.fetch(this, 0, 1).total();
        }
        return size;
    }

    synchronized void opened() {
        openChannels++;
    }

    synchronized void closed() {
        openChannels--;
    }

    /** Bytes held in blocks. */
    synchronized long keptBytes() {
        long kept = 0;
        for (byte[] block : blocks.values()) {
            kept += block.length;
        }
        return kept;
    }

    /** Range requests made for this file's blocks so far. */
    synchronized long fetches() {
        return fetches;
    }

    /** Lets go of the blocks when no channel reads the file (its size is kept): true when it did. */
    synchronized boolean dropBlocksIfClosed() {
        if (openChannels > 0 || blocks.isEmpty()) {
            return false;
        }
        blocks.clear();
        return true;
    }

    long waitedNanos() {
        return waitedNanos;
    }

    void waited(long nanos) {
        waitedNanos += nanos;
    }

    /** Copies bytes from {@code position} into {@code dst}; -1 at the end of the file. */
    synchronized int read(long position, ByteBuffer dst) throws IOException {
        if (position >= size() || !dst.hasRemaining()) {
            return position >= size ? -1 : 0;
        }
        Map.Entry<Long, byte[]> block = blockAt(position);
        if (block == null) {
            block = fetch(position);
        }
        long offset64 = position - block.getKey();
        if (offset64 < 0 || offset64 >= block.getValue().length) {
            throw new RemoteIOException(display + ": the server answered a shorter range than asked.");
        }
        int offset = (int) offset64;
        int count = Math.min(dst.remaining(), block.getValue().length - offset);
        dst.put(block.getValue(), offset, count);
        return count;
    }

    private Map.Entry<Long, byte[]> blockAt(long position) {
        for (Iterator<Map.Entry<Long, byte[]>> it = blocks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, byte[]> entry = it.next();
            long start = entry.getKey();
            if (position >= start && position - start < entry.getValue().length) {
                blocks.get(start); // mark as recently used
                return Map.entry(start, entry.getValue());
            }
        }
        return null;
    }

    private Map.Entry<Long, byte[]> fetch(long position) throws IOException {
        int length = nextBlock;
        nextBlock = Math.min(LARGEST_BLOCK, nextBlock * 2);
        long start = position;
        if (size >= 0 && size - position < length) {
            start = Math.max(0, size - length); // near the end: read back from the end instead
        }
        fetches++;
        HttpRanges.Range range = http.fetch(this, start, length);
        if (size >= 0 && range.total() != size) {
            throw new RemoteIOException(display + ": the file changed while it was read (size " + size + ", now "
                    + range.total() + ").");
        }
        size = range.total();
        if (range.bytes().length == 0) {
            return Map.entry(start, range.bytes());
        }
        blocks.put(start, range.bytes());
        return Map.entry(start, range.bytes());
    }
}
