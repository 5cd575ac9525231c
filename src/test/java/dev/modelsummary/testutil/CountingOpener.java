package dev.modelsummary.testutil;

import dev.modelsummary.format.ChannelOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ChannelOpener} that records every file it opens and every read: which file, where the read
 * started and how many bytes it returned. Tests use it to prove that readers touch headers only.
 */
public final class CountingOpener implements ChannelOpener {
    /** One read: {@code bytes} bytes of {@code file} from {@code position}. */
    public record Read(Path file, long position, long bytes) {
        public long end() {
            return position + bytes;
        }
    }

    private final List<Read> reads = new ArrayList<>();
    private final List<Path> opened = new ArrayList<>();

    public List<Read> reads() {
        return List.copyOf(reads);
    }

    /** Bytes read from every file. */
    public long totalBytes() {
        return reads.stream().mapToLong(Read::bytes).sum();
    }

    /** Bytes read from one file. */
    public long bytesRead(Path path) {
        Path file = canonical(path);
        return reads.stream().filter(r -> r.file().equals(file)).mapToLong(Read::bytes).sum();
    }

    /** Every file opened, as absolute normalized paths, in order (a file opened twice is listed twice). */
    public List<Path> opened() {
        return List.copyOf(opened);
    }

    private static Path canonical(Path path) {
        return path.toAbsolutePath().normalize();
    }

    @Override
    public SeekableByteChannel open(Path path) throws IOException {
        SeekableByteChannel channel = ChannelOpener.FILES.open(path);
        Path file = canonical(path);
        opened.add(file);
        return new SeekableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                long at = channel.position();
                int n = channel.read(dst);
                if (n > 0) {
                    reads.add(new Read(file, at, n));
                }
                return n;
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                throw new IOException("read-only");
            }

            @Override
            public long position() throws IOException {
                return channel.position();
            }

            @Override
            public SeekableByteChannel position(long newPosition) throws IOException {
                channel.position(newPosition);
                return this;
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public SeekableByteChannel truncate(long size) throws IOException {
                throw new IOException("read-only");
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
