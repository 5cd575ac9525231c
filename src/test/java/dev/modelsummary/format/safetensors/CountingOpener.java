package dev.modelsummary.format.safetensors;

import dev.modelsummary.format.ChannelOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Opens files like {@link ChannelOpener#FILES} and records which were opened and how many bytes were read. */
final class CountingOpener implements ChannelOpener {
    private final Map<Path, Long> bytesRead = new HashMap<>();
    private final List<Path> opened = new ArrayList<>();

    @Override
    public SeekableByteChannel open(Path path) throws IOException {
        SeekableByteChannel channel = Files.newByteChannel(path);
        Path key = path.toAbsolutePath().normalize();
        opened.add(key);
        bytesRead.putIfAbsent(key, 0L);
        return new SeekableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                int n = channel.read(dst);
                if (n > 0) {
                    bytesRead.merge(key, (long) n, Long::sum);
                }
                return n;
            }

            @Override
            public int write(ByteBuffer src) {
                throw new UnsupportedOperationException("readers never write");
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
            public SeekableByteChannel truncate(long size) {
                throw new UnsupportedOperationException("readers never truncate");
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

    long bytesRead(Path path) {
        return bytesRead.getOrDefault(path.toAbsolutePath().normalize(), 0L);
    }

    long totalBytesRead() {
        return bytesRead.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every open, in order, repeated opens included. */
    List<Path> opened() {
        return opened;
    }
}
