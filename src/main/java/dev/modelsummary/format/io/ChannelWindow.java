package dev.modelsummary.format.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only window {@code [start, start + length)} of a channel from the {@code ChannelOpener}: a STORED ZIP
 * record seen as a file of its own ({@code model.weights.h5} inside a {@code .keras} archive, a PT2 archive's
 * JSON records), or the whole of a {@code .h5} file as the channel jhdf reads from. Every read goes through
 * here, so the opener sees (and a test can count) every byte a library touches, and nothing can be read
 * outside the window. Closing the window leaves the underlying channel open: its caller closes it.
 */
public final class ChannelWindow implements SeekableByteChannel {
    private final SeekableByteChannel channel;
    private final long start;
    private final long length;
    private long position;
    private boolean open = true;

    public ChannelWindow(SeekableByteChannel channel, long start, long length) {
        this.channel = channel;
        this.start = start;
        this.length = length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= length) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), length - position);
        ByteBuffer view = dst.duplicate();
        view.limit(view.position() + want);
        channel.position(start + position);
        int n = channel.read(view);
        if (n > 0) {
            dst.position(dst.position() + n);
            position += n;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return length;
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
        open = false; // the caller closes the underlying channel
    }
}
