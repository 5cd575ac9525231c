package dev.modelsummary.format.pickle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable tuple. Tuples can be dict keys, so they hash by value: the fingerprint ({@link Hashing}) and the
 * nesting depth are computed once, when the tuple is built from values that already exist, so hashing and
 * comparing never recurse and take no longer for tuples that share their parts.
 */
public final class PyTuple {
    public static final PyTuple EMPTY = new PyTuple(List.of(), true, Hashing.ofTuple(List.of()), 1);

    private final List<Object> items;
    private final boolean hashable;
    private final long fingerprint;
    private final int depth;

    private PyTuple(List<Object> items, boolean hashable, long fingerprint, int depth) {
        this.items = items;
        this.hashable = hashable;
        this.fingerprint = fingerprint;
        this.depth = depth;
    }

    /**
     * A tuple of {@code items} (copied); {@code null} items are Python's None. Work is linear in the items (and
     * in the length of the strings among them: {@link Hashing#cost}).
     */
    static PyTuple of(List<Object> items) {
        if (items.isEmpty()) {
            return EMPTY;
        }
        boolean hashable = true;
        int depth = 1;
        for (Object item : items) {
            hashable &= Hashing.isHashable(item);
            depth = Math.max(depth, 1 + Hashing.depth(item));
        }
        List<Object> copy = Collections.unmodifiableList(new ArrayList<>(items));
        return new PyTuple(copy, hashable, hashable ? Hashing.ofTuple(copy) : 0, depth);
    }

    public List<Object> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public Object get(int i) {
        return items.get(i);
    }

    /** False when an item is a list, dict or set (Python raises TypeError when such a tuple is hashed). */
    public boolean hashable() {
        return hashable;
    }

    /** 1 for a tuple of scalars, 1 + the deepest nested tuple or frozenset otherwise. */
    public int depth() {
        return depth;
    }

    /** The keyed fingerprint of a hashable tuple ({@link Hashing}); 0 for an unhashable one. */
    long fingerprint() {
        return fingerprint;
    }

    /**
     * Python's equality for hashable tuples, item by item, with nested tuples compared by fingerprint
     * ({@link Hashing#sameKey}); an unhashable tuple is only equal to itself.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PyTuple other) || !hashable || !other.hashable || fingerprint != other.fingerprint
                || items.size() != other.items.size()) {
            return false;
        }
        for (int i = 0; i < items.size(); i++) {
            if (!Hashing.sameKey(items.get(i), other.items.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hashable ? Hashing.hashCodeOf(fingerprint) : System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "tuple" + items.size();
    }
}
