package dev.modelsummary.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** A read-only channel over a {@link RemoteFile}; reads come from its blocks, misses become range requests. */
final class RemoteChannel implements SeekableByteChannel {
    private final RemoteFileSystem fs;
    private final RemoteFile file;
    private long position;
    private boolean open = true;

    RemoteChannel(RemoteFileSystem fs, RemoteFile file) {
        this.fs = fs;
        this.file = file;
        file.opened();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        long fetches = file.fetches();
        int n = file.read(position, dst);
        if (file.fetches() != fetches) {
            fs.trim(file);
        }
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            file.closed();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
