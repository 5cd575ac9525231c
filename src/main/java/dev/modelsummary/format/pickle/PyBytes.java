package dev.modelsummary.format.pickle;

import java.util.Arrays;

/**
 * A Python {@code bytes} (or {@code bytearray}) value. Long ones are not kept: only their length is
 * (over {@code --limit pickle-kept-text-bytes}), and they compare by identity.
 */
public final class PyBytes {
    private static final long BYTES = 0x42595445L;

    private final byte[] content;
    private final long length;
    private final long fingerprint;

    private PyBytes(byte[] content, long length) {
        this.content = content;
        this.length = length;
        this.fingerprint = content == null ? Hashing.identityFingerprint(this) : Hashing.ofBytes(BYTES, content);
    }

    public static PyBytes of(byte[] content) {
        return new PyBytes(content.clone(), content.length);
    }

    static PyBytes wrap(byte[] content) {
        return new PyBytes(content, content.length);
    }

    /** A value whose {@code length} bytes were skipped. */
    public static PyBytes omitted(long length) {
        return new PyBytes(null, length);
    }

    public long length() {
        return length;
    }

    /** Whether the bytes were kept. */
    public boolean kept() {
        return content != null;
    }

    /** A copy of the bytes. @throws IllegalStateException when they were not kept */
    public byte[] content() {
        if (content == null) {
            throw new IllegalStateException("bytes of length " + length + " were skipped");
        }
        return content.clone();
    }

    /** The keyed fingerprint ({@link Hashing}), computed once: by content when kept, else by identity. */
    long fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof PyBytes other && content != null && other.content != null
                && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
        return Hashing.hashCodeOf(fingerprint);
    }

    @Override
    public String toString() {
        return "bytes" + length;
    }
}
