package dev.modelsummary.format.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * The bytes {@code [start, start + length)} of a channel as an {@link InputStream} that never reads outside
 * that range, whatever a caller or a buffering wrapper asks for. Skips only move the position, so skipping a
 * long pickled string costs nothing. Closing it leaves the channel open (the reader owns the channel).
 */
public final class RegionInputStream extends InputStream {
    private final SeekableByteChannel channel;
    private final long end;
    private long position;

    public RegionInputStream(SeekableByteChannel channel, long start, long length) {
        this.channel = channel;
        this.position = start;
        this.end = Math.addExact(start, length);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long left = end - position;
        if (left <= 0) {
            return -1;
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, (int) Math.min(len, left));
        channel.position(position);
        int n = channel.read(buffer);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }
}
