package dev.modelsummary.format.pickle;

import dev.modelsummary.format.KernelRandom;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's hashability rule, and a keyed 64-bit fingerprint of every hashable value the unpickler builds, so that
 * dicts and sets keyed by file values cannot be flooded and never hash or compare deeper than one level.
 *
 * <p>Java's own hashes of strings, numbers and records are fixed functions an attacker can collide at will (a few
 * hundred thousand keys of one hash make a map quadratic). Fingerprints are keyed by a random secret drawn once
 * per run: strings and byte strings are polynomials over their code units modulo the prime 2^61 - 1 at a secret
 * point, so two different ones of length n collide with probability at most n / 2^61 whatever the file holds;
 * ints pass through a keyed bijection and never collide with each other. A tuple is a polynomial over its items'
 * fingerprints and a frozenset a sum over its members', both computed once when built from values that already
 * exist; so hashing is linear in the pickle however its values share one another.
 *
 * <p>{@link #sameKey} is Python's key equality with one difference that bounds it: nested tuples and frozensets
 * are equal when their fingerprints and sizes are, instead of when their items are (which on values sharing
 * their parts takes time exponential in their depth, in CPython too). Values Python hashes by identity (inert
 * objects, tensors, storages, skipped strings) are equal only to themselves.
 */
final class Hashing {
    private static final long PRIME = (1L << 61) - 1;
    private static final long KEY;
    private static final long POINT;

    static {
        long[] secret = KernelRandom.longs(2);
        KEY = secret[0];
        POINT = 2 + Long.remainderUnsigned(secret[1], PRIME - 3);
    }

    private static final long NONE = 0x4e4f4e45L;
    private static final long TRUE = 0x54525545L;
    private static final long FALSE = 0x46414c53L;
    private static final long INT = 0x494e5400L;
    private static final long BIG_INT = 0x42494749L;
    private static final long FLOAT = 0x464c4f41L;
    private static final long STR = 0x53545200L;
    private static final long TUPLE = 0x5455504cL;
    private static final long FROZENSET = 0x46524f5aL;
    private static final long GLOBAL = 0x474c4f42L;
    private static final long IDENTITY = 0x49444e54L;

    /** Characters whose fingerprinting the unpickler charges as one budget unit. */
    static final int CHARS_PER_UNIT = 16;

    private Hashing() {
    }

    /** Lists, dicts, sets and tuples holding them are unhashable in Python; everything else hashes. */
    static boolean isHashable(Object value) {
        if (value instanceof PyTuple tuple) {
            return tuple.hashable();
        }
        if (value instanceof PyFrozenSet) {
            return true;
        }
        return !(value instanceof List<?> || value instanceof Map<?, ?> || value instanceof Set<?>);
    }

    /**
     * A hashable value's fingerprint. Work is constant, except for strings, big ints and global names: linear in
     * their length, which {@link #cost} tells the unpickler to charge.
     */
    static long fingerprint(Object value) {
        if (value == null) {
            return mix(NONE);
        }
        if (value instanceof String s) {
            return ofChars(STR, s);
        }
        if (value instanceof Long l) {
            return mix(mix(l ^ KEY) + INT);
        }
        if (value instanceof Boolean b) {
            return mix(b ? TRUE : FALSE);
        }
        if (value instanceof Double d) {
            return mix(mix(Double.doubleToLongBits(d) ^ KEY) + FLOAT);
        }
        if (value instanceof PyTuple t) {
            return t.fingerprint();
        }
        if (value instanceof PyFrozenSet f) {
            return f.fingerprint();
        }
        if (value instanceof PyBytes b) {
            return b.fingerprint();
        }
        if (value instanceof BigInteger big) {
            return ofBytes(BIG_INT, big.toByteArray());
        }
        if (value instanceof PyGlobal g) {
            return ofChars(ofChars(GLOBAL, g.module()), g.name());
        }
        return identityFingerprint(value);
    }

    /** For values that, as in Python, are equal only to themselves. */
    static long identityFingerprint(Object value) {
        return mix(mix(System.identityHashCode(value) ^ KEY) + IDENTITY);
    }

    /** Budget units that fingerprinting {@code value} costs: its length, for values whose length is unbounded. */
    static long cost(Object value) {
        if (value instanceof String s) {
            return s.length() / CHARS_PER_UNIT;
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() / (Byte.SIZE * CHARS_PER_UNIT);
        }
        if (value instanceof PyGlobal g) {
            return (g.module().length() + g.name().length()) / CHARS_PER_UNIT;
        }
        return 0;
    }

    static long cost(Iterable<?> values) {
        long total = 0;
        for (Object v : values) {
            total += cost(v);
        }
        return total;
    }

    /**
     * Python's {@code a == b} for two hashable values with equal fingerprints, bounded to one level: nested
     * tuples and frozensets compare by fingerprint and size.
     */
    static boolean sameKey(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a instanceof PyTuple x) {
            return b instanceof PyTuple y && x.hashable() && y.hashable() && x.size() == y.size()
                    && x.fingerprint() == y.fingerprint();
        }
        if (a instanceof PyFrozenSet x) {
            return b instanceof PyFrozenSet y && x.size() == y.size() && x.fingerprint() == y.fingerprint();
        }
        if (a instanceof String || a instanceof Long || a instanceof Boolean || a instanceof Double
                || a instanceof BigInteger || a instanceof PyGlobal || a instanceof PyBytes) {
            return a.equals(b);
        }
        return false;
    }

    /** A fingerprint folded to a Java hash code. */
    static int hashCodeOf(long fingerprint) {
        return (int) (fingerprint ^ fingerprint >>> 32);
    }

    /** 1 for a tuple of scalars, 1 + the deepest nested tuple or frozenset otherwise. */
    static int depth(Object value) {
        if (value instanceof PyTuple tuple) {
            return tuple.depth();
        }
        if (value instanceof PyFrozenSet set) {
            return set.depth();
        }
        return 0;
    }

    /** A tuple's fingerprint: a polynomial over its length and items' fingerprints. */
    static long ofTuple(List<Object> items) {
        long h = polynomial(TUPLE, items.size());
        for (Object item : items) {
            h = polynomial(h, reduce(fingerprint(item)));
        }
        return mix(h ^ KEY);
    }

    /** A frozenset's fingerprint: order does not matter, so a sum of its members' keyed fingerprints. */
    static long ofSet(Iterable<HashKey> members) {
        long sum = FROZENSET;
        for (HashKey member : members) {
            sum += mix(member.fingerprint() ^ KEY);
        }
        return mix(sum);
    }

    static long ofBytes(long tag, byte[] bytes) {
        long h = polynomial(tag, bytes.length);
        for (byte b : bytes) {
            h = polynomial(h, (b & 0xff) + 1);
        }
        return mix(h ^ KEY);
    }

    private static long ofChars(long tag, String s) {
        long h = polynomial(tag, s.length());
        for (int i = 0; i < s.length(); i++) {
            h = polynomial(h, s.charAt(i) + 1);
        }
        return mix(h ^ KEY);
    }

    /** {@code h * POINT + term} modulo 2^61 - 1, for {@code h} and {@code term} below 2^62. */
    private static long polynomial(long h, long term) {
        long lo = reduce(h) * POINT;
        long hi = Math.multiplyHigh(reduce(h), POINT);
        // (hi * 2^64 + lo) mod 2^61 - 1 = hi * 8 + (lo >>> 61) + (lo & PRIME), as 2^61 = 1 modulo the prime
        long product = reduce((hi << 3 | lo >>> 61) + (lo & PRIME));
        return reduce(product + reduce(term));
    }

    /** Any long, as a residue below 2^61 - 1 (from at most 8 longs each). */
    private static long reduce(long x) {
        long r = (x & PRIME) + (x >>> 61);
        return r >= PRIME ? r - PRIME : r;
    }

    /** A bijection of longs that spreads every input bit over the output (SplitMix64's finalizer). */
    private static long mix(long z) {
        z = (z ^ z >>> 30) * 0xbf58476d1ce4e5b9L;
        z = (z ^ z >>> 27) * 0x94d049bb133111ebL;
        return z ^ z >>> 31;
    }
}
