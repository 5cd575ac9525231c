package dev.modelsummary.format.pickle;

/**
 * A hashable pickle value with its keyed fingerprint, as {@link PyDict} and {@link PySet} key their Java maps: the
 * fingerprint is computed once per insertion, and equality is {@link Hashing#sameKey}, so neither Java's
 * collidable hash codes nor deep structural equality ever run on file values.
 */
final class HashKey {
    private final Object value;
    private final long fingerprint;

    /** @throws IllegalArgumentException for an unhashable value (callers refuse those first, with a position) */
    HashKey(Object value) {
        if (!Hashing.isHashable(value)) {
            throw new IllegalArgumentException("unhashable " + PyTypes.of(value));
        }
        this.value = value;
        this.fingerprint = Hashing.fingerprint(value);
    }

    Object value() {
        return value;
    }

    long fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashKey other && fingerprint == other.fingerprint && Hashing.sameKey(value, other.value);
    }

    @Override
    public int hashCode() {
        return Hashing.hashCodeOf(fingerprint);
    }
}
