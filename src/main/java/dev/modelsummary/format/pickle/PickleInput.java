package dev.modelsummary.format.pickle;

import dev.modelsummary.format.FormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of one or more consecutive pickles: a buffered reader that knows how many bytes the source
 * declares ({@code length}) and its position, so a declared string length is checked against the bytes
 * that remain before anything is allocated, and a reader of several pickles in a row (torch's legacy format)
 * knows where each one ended. It never asks the stream for bytes past {@code length}.
 */
public final class PickleInput {
    private static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    private final long length;
    private final byte[] buffer;
    private int bufferStart;
    private int bufferEnd;
    private long position;

    /** @param length how many bytes the source declares; reading past them is reported as truncation */
    public PickleInput(InputStream in, long length) {
        this(in, length, BUFFER_BYTES);
    }

    public PickleInput(InputStream in, long length, int bufferBytes) {
        this.in = in;
        this.length = length;
        this.buffer = new byte[bufferBytes];
    }

    public static PickleInput of(byte[] bytes) {
        return new PickleInput(new ByteArrayInputStream(bytes), bytes.length);
    }

    /** Bytes consumed so far. */
    public long position() {
        return position;
    }

    /** Bytes the source declares beyond {@link #position()}. */
    public long remaining() {
        return length - position;
    }

    int u8() throws IOException {
        ensureBuffered(1);
        position++;
        return buffer[bufferStart++] & 0xff;
    }

    /** An {@code n}-byte little-endian unsigned integer, n at most 8 (8 bytes may come back negative). */
    long littleEndian(int n) throws IOException {
        ensureBuffered(n);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) {
            value = (value << 8) | (buffer[bufferStart + i] & 0xff);
        }
        bufferStart += n;
        position += n;
        return value;
    }

    /** {@code n} bytes; the caller has checked {@code n} against {@link #remaining()} and its own limits. */
    byte[] bytes(int n) throws IOException {
        requireDeclared(n);
        byte[] out = new byte[n];
        int fromBuffer = Math.min(n, bufferEnd - bufferStart);
        System.arraycopy(buffer, bufferStart, out, 0, fromBuffer);
        bufferStart += fromBuffer;
        int done = fromBuffer;
        while (done < n) {
            int r = in.read(out, done, n - done);
            if (r < 0) {
                throw truncated(position + done);
            }
            done += r;
        }
        position += n;
        return out;
    }

    /** Skips {@code n} declared bytes without reading them when the stream can seek. */
    void skip(long n) throws IOException {
        requireDeclared(n);
        long fromBuffer = Math.min(n, bufferEnd - bufferStart);
        bufferStart += (int) fromBuffer;
        long left = n - fromBuffer;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw truncated(position + n - left);
                }
                skipped = 1;
            }
            left -= skipped;
        }
        position += n;
    }

    /**
     * A newline-terminated line of at most {@code max} bytes, without its newline (protocol 0's arguments); null
     * when it is longer, and then the whole line is consumed (read, not kept) up to its newline.
     */
    byte[] lineOrSkip(int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = u8();
            if (b == '\n') {
                return line.size() > max ? null : line.toByteArray();
            }
            if (line.size() <= max) {
                line.write(b);
            }
        }
    }

    /** A declared length {@code n} read at the current position must fit in what remains. */
    void requireDeclared(long n) {
        if (n < 0 || n > remaining()) {
            throw new FormatException("Pickle declares " + (n < 0 ? Long.toUnsignedString(n) : n)
                    + " bytes at byte " + position + ", but only " + remaining() + " remain.");
        }
    }

    private void ensureBuffered(int n) throws IOException {
        if (bufferEnd - bufferStart >= n) {
            return;
        }
        if (n > remaining()) {
            throw truncated(length);
        }
        System.arraycopy(buffer, bufferStart, buffer, 0, bufferEnd - bufferStart);
        bufferEnd -= bufferStart;
        bufferStart = 0;
        while (bufferEnd < n) {
            long unbuffered = remaining() - bufferEnd;
            int want = (int) Math.min(buffer.length - bufferEnd, unbuffered);
            int r = in.read(buffer, bufferEnd, want);
            if (r < 0) {
                throw truncated(position + bufferEnd);
            }
            bufferEnd += r;
        }
    }

    private static FormatException truncated(long at) {
        return new FormatException("Pickle is truncated at byte " + at + ".");
    }
}
