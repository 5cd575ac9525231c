package dev.modelsummary.format.io;

import dev.modelsummary.format.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.function.IntFunction;

/** Reading a known number of bytes from a channel, which may return fewer bytes per call than asked. */
public final class Channels {
    private Channels() {
    }

    /** Up to {@code n} bytes from {@code position}: fewer only when the file ends first (sniffing heads). */
    public static byte[] readUpTo(SeekableByteChannel channel, long position, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        channel.position(position);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /**
     * Exactly {@code n} bytes from the channel's current position, flipped for reading.
     *
     * @param endedEarly the message when the file ends first, given how many bytes were read by then
     * @throws FormatException when the file ends before {@code n} bytes
     */
    public static ByteBuffer readExactly(SeekableByteChannel channel, int n, IntFunction<String> endedEarly)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new FormatException(endedEarly.apply(buffer.position()));
            }
        }
        return buffer.flip();
    }
}
