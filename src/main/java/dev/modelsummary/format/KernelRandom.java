package dev.modelsummary.format;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Secret random numbers for the keyed hashes that keep a crafted file from colliding names or dict keys: the
 * kernel's ({@code /dev/urandom}), else {@link SecureRandom}'s. Both draw from the same pool on Linux, but
 * SecureRandom first sets up the security providers and a SHA-1 mixer, about 15 ms of a run that reads a
 * checkpoint's pickle in 15.
 */
public final class KernelRandom {
    private KernelRandom() {
    }

    /** {@code count} random longs. */
    public static long[] longs(int count) {
        byte[] bytes = new byte[Long.BYTES * count];
        if (!fromKernel(bytes)) {
            new SecureRandom().nextBytes(bytes);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = buffer.getLong();
        }
        return values;
    }

    private static boolean fromKernel(byte[] bytes) {
        try (FileInputStream in = new FileInputStream("/dev/urandom")) {
            return in.readNBytes(bytes, 0, bytes.length) == bytes.length;
        } catch (IOException | SecurityException e) {
            return false; // no such device (not Linux, a sandbox): SecureRandom finds another source
        }
    }
}
