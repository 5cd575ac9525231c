package dev.modelsummary.format;

/**
 * A 61-bit fingerprint of a name, for uniqueness checks over millions of names without keeping a set of them:
 * a polynomial hash modulo the prime 2^61 - 1 at a base drawn at random for each check. Two different names of n
 * units share a fingerprint with probability at most n / 2^61 whatever a file holds, so a crafted file cannot
 * force collisions; a reader still compares the names themselves whenever two fingerprints match.
 */
public final class Fingerprint {
    private static final long MERSENNE_61 = (1L << 61) - 1;

    private final long base;

    private Fingerprint(long base) {
        this.base = base;
    }

    /** A fingerprint with a fresh random base. */
    public static Fingerprint random() {
        return new Fingerprint(256 + Long.remainderUnsigned(KernelRandom.longs(1)[0], MERSENNE_61 - 512));
    }

    /** The fingerprint of these bytes and their length. */
    public long of(byte[] name) {
        long h = name.length;
        for (byte b : name) {
            h = step(h, (b & 0xff) + 1);
        }
        return h;
    }

    /** The fingerprint of these UTF-16 units and their length. */
    public long of(String name) {
        long h = name.length();
        for (int i = 0; i < name.length(); i++) {
            h = step(h, name.charAt(i) + 1L);
        }
        return h;
    }

    private long step(long h, long unit) {
        long r = mulMod(h, base) + unit;
        return r >= MERSENNE_61 ? r - MERSENNE_61 : r;
    }

    /** a * b mod 2^61 - 1, for a and b below 2^61. */
    private static long mulMod(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        // a * b = hi * 2^64 + lo = (hi * 8 + lo >>> 61) * 2^61 + (lo & M), and 2^61 = 1 mod M
        long r = (lo & MERSENNE_61) + ((lo >>> 61) | (hi << 3));
        return r >= MERSENNE_61 ? r - MERSENNE_61 : r;
    }
}
