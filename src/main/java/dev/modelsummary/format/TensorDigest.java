package dev.modelsummary.format;

import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of one tensor's stored bytes, in row-major element order as the file stores each element (both
 * safetensors and torch.save write little-endian), read in bounded chunks: memory does not grow with the
 * tensor. Two tensors of the same shape and dtype hold the same values exactly when their digests agree
 * (barring a SHA-256 collision); a view is hashed as its own elements, not its whole storage.
 */
public final class TensorDigest {
    private static final int CHUNK = 1 << 20;

    private TensorDigest() {
    }

    /**
     * @throws FormatException when the bytes are not where the file said (it changed, or is cut short), or a
     *                         compressed record holds a non-contiguous view
     */
    public static byte[] sha256(TensorData.Location location) throws IOException {
        MessageDigest digest = newDigest();
        try (SeekableByteChannel channel = FileChannel.open(location.file(), StandardOpenOption.READ)) {
            if (location instanceof TensorData.Span span) {
                hashRange(channel, span.offset(), span.length(), digest);
            } else if (location instanceof TensorData.View view) {
                hashView(channel, view, digest);
            }
        }
        return digest.digest();
    }

    private static void hashView(SeekableByteChannel channel, TensorData.View view, MessageDigest digest)
            throws IOException {
        long[] size = view.size();
        long[] stride = view.stride();
        DType dtype = view.dtype();
        long numel = 1;
        for (long d : size) {
            numel = Math.multiplyExact(numel, d);
        }
        if (numel == 0) {
            return;
        }
        String subject = "Record " + Quote.of(view.record().name());
        if (contiguous(size, stride)) {
            if (view.storageOffset() % dtype.blockSize() != 0) {
                throw new FormatException(subject + ": a view of a packed dtype starts inside a byte.");
            }
            long skip = dtype.bytesFor(view.storageOffset());
            long length = dtype.bytesFor(Shape.of(size));
            if (view.record().method() == ZipDirectory.STORED) {
                // read in place: many views of one large storage cost their own bytes each, not a skip through it
                if (skip > view.record().compressedSize() - length) {
                    throw new FormatException(subject + " ends before the tensor's bytes do.");
                }
                hashRange(channel, view.directory().dataOffset(channel, view.record()) + skip, length, digest);
                return;
            }
            try (InputStream in = view.directory().open(channel, view.record())) {
                in.skipNBytes(skip);
                byte[] buffer = new byte[(int) Math.min(CHUNK, length)];
                long left = length;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new FormatException(subject + " ends before the tensor's bytes do.");
                    }
                    digest.update(buffer, 0, n);
                    left -= n;
                }
            } catch (java.io.EOFException e) {
                throw new FormatException(subject + " ends before the tensor's bytes do.");
            }
            return;
        }
        if (dtype.blockSize() != 1 || view.record().method() != ZipDirectory.STORED) {
            throw new FormatException(subject + " holds a non-contiguous view of a "
                    + (dtype.blockSize() != 1 ? "packed dtype" : "compressed record")
                    + ", whose values --values cannot read.");
        }
        long base = view.directory().dataOffset(channel, view.record());
        long element = dtype.blockBytes();
        // the longest row-major suffix of dimensions that is contiguous: each run of it is one read
        int inner = size.length;
        long run = 1;
        while (inner > 0 && stride[inner - 1] == run) {
            run = Math.multiplyExact(run, size[inner - 1]);
            inner--;
        }
        long runBytes = Math.multiplyExact(run, element);
        long[] index = new long[inner];
        Window window = new Window(channel, base, view.record().compressedSize());
        while (true) {
            long first = view.storageOffset();
            for (int i = 0; i < inner; i++) {
                first = Math.addExact(first, Math.multiplyExact(index[i], stride[i]));
            }
            window.hash(Math.multiplyExact(first, element), runBytes, digest);
            int k = inner - 1;
            while (k >= 0 && ++index[k] == size[k]) {
                index[k] = 0;
                k--;
            }
            if (k < 0) {
                return;
            }
        }
    }

    /** Row-major strides: stride[i] is the product of the sizes after i (sizes of 1 may have any stride). */
    private static boolean contiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected = Math.multiplyExact(expected, size[i]);
        }
        return true;
    }

    private static void hashRange(SeekableByteChannel channel, long offset, long length, MessageDigest digest)
            throws IOException {
        if (offset < 0 || length < 0 || offset > channel.size() - length) {
            throw new FormatException("File holds " + channel.size() + " bytes, but a tensor's data runs to byte "
                    + (offset + length) + "; it changed since it was read.");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(length, 1)));
        long position = offset;
        long end = offset + length;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int n = channel.position(position).read(buffer);
            if (n < 0) {
                throw new FormatException("File ended inside a tensor's data; it changed since it was read.");
            }
            digest.update(buffer.array(), 0, n);
            position += n;
        }
    }

    /** Reads of a STORED record through a 1 MiB window, so the short runs of a strided view cost no seek each. */
    private static final class Window {
        private final SeekableByteChannel channel;
        private final long base;
        private final long length;
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        private long start = -1;
        private int filled;

        Window(SeekableByteChannel channel, long base, long length) {
            this.channel = channel;
            this.base = base;
            this.length = length;
        }

        void hash(long offset, long count, MessageDigest digest) throws IOException {
            if (offset < 0 || count < 0 || offset > length - count) {
                throw new FormatException("A view reaches past its storage record.");
            }
            long position = offset;
            long end = offset + count;
            while (position < end) {
                if (start < 0 || position < start || position >= start + filled) {
                    fill(position);
                }
                int from = (int) (position - start);
                int n = (int) Math.min(filled - from, end - position);
                digest.update(buffer.array(), from, n);
                position += n;
            }
        }

        private void fill(long position) throws IOException {
            buffer.clear().limit((int) Math.min(CHUNK, length - position));
            channel.position(base + position);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new FormatException("File ended inside a storage record; it changed since it was read.");
                }
            }
            start = position;
            filled = buffer.position();
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }
}
