package dev.modelsummary.testutil;

import dev.modelsummary.format.ChannelOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A {@link ChannelOpener} that records every read: where it started and how many bytes it returned. */
public final class CountingOpener implements ChannelOpener {
    /** One read: {@code bytes} bytes from {@code position}. */
    public record Read(long position, long bytes) {
        public long end() {
            return position + bytes;
        }
    }

    private final List<Read> reads = new ArrayList<>();

    public List<Read> reads() {
        return List.copyOf(reads);
    }

    public long totalBytes() {
        return reads.stream().mapToLong(Read::bytes).sum();
    }

    @Override
    public SeekableByteChannel open(Path path) throws IOException {
        SeekableByteChannel channel = ChannelOpener.FILES.open(path);
        return new SeekableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                long at = channel.position();
                int n = channel.read(dst);
                if (n > 0) {
                    reads.add(new Read(at, n));
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
