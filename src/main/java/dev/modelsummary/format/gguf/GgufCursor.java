package dev.modelsummary.format.gguf;

import dev.modelsummary.format.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Little-endian reads from a channel through a small buffer, with the position and the bytes left known at
 * every step, so every declared length can be checked against the file before anything is allocated for it.
 * Skipping only moves the position: a skipped string or array costs no allocation and no read.
 */
final class GgufCursor {
    /** Small, so that a header-only read touches at most this many bytes past the header. */
    private static final int BUFFER_BYTES = 4096;

    private final SeekableByteChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** File position of {@code buffer}'s first byte; the buffer holds [bufferStart, bufferStart + limit). */
    private long bufferStart;
    private long position;

    GgufCursor(SeekableByteChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        buffer.limit(0);
    }

    long position() {
        return position;
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - position;
    }

    int u8(String what) throws IOException {
        return fill(1, what).get() & 0xff;
    }

    int u16(String what) throws IOException {
        return fill(2, what).getShort() & 0xffff;
    }

    /** A u32 as a non-negative long. */
    long u32(String what) throws IOException {
        return fill(4, what).getInt() & 0xffffffffL;
    }

    int i32(String what) throws IOException {
        return fill(4, what).getInt();
    }

    /** Eight bytes as a Java long: a u64 above Long.MAX_VALUE comes back negative, for the caller to refuse. */
    long i64(String what) throws IOException {
        return fill(8, what).getLong();
    }

    /** {@code n} bytes; the caller has checked {@code n} against {@link #remaining()} and its own bound. */
    byte[] bytes(int n, String what) throws IOException {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int chunk = Math.min(n - done, BUFFER_BYTES);
            fill(chunk, what).get(out, done, chunk);
            done += chunk;
        }
        return out;
    }

    /** Moves to {@code position}, a place read before. */
    void seek(long position) {
        this.position = position;
    }

    void skip(long n, String what) throws IOException {
        if (n > remaining()) {
            throw new FormatException("File ends inside " + what + ".");
        }
        position += n;
    }

    /** The buffer positioned at {@link #position}, holding at least {@code n} bytes; advances past them. */
    private ByteBuffer fill(int n, String what) throws IOException {
        if (n > remaining()) {
            throw new FormatException("File ends inside " + what + ".");
        }
        long offset = position - bufferStart;
        if (offset < 0 || offset + n > buffer.limit()) {
            buffer.clear();
            channel.position(position);
            int want = (int) Math.min(BUFFER_BYTES, size - position);
            buffer.limit(want);
            while (buffer.position() < n) {
                if (channel.read(buffer) < 0) {
                    throw new FormatException("File ends inside " + what + ".");
                }
            }
            buffer.flip();
            bufferStart = position;
            offset = 0;
        }
        buffer.position((int) offset);
        position += n;
        return buffer;
    }
}
