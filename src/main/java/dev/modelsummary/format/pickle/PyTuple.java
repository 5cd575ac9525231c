package dev.modelsummary.format.pickle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable tuple. Tuples can be dict keys, so they hash by value; the hash and the nesting depth are
 * computed once, when the tuple is built from values that already exist, so hashing and comparing never
 * recurse deeper than the unpickler allowed ({@code Limits.current().pickleDepth()}).
 */
public final class PyTuple {
    public static final PyTuple EMPTY = new PyTuple(List.of(), true, 0, 1);

    private final List<Object> items;
    private final boolean hashable;
    private final int hash;
    private final int depth;

    private PyTuple(List<Object> items, boolean hashable, int hash, int depth) {
        this.items = items;
        this.hashable = hashable;
        this.hash = hash;
        this.depth = depth;
    }

    /** A tuple of {@code items} (copied); {@code null} items are Python's None. */
    static PyTuple of(List<Object> items) {
        if (items.isEmpty()) {
            return EMPTY;
        }
        boolean hashable = true;
        int hash = 1;
        int depth = 1;
        for (Object item : items) {
            hashable &= Hashing.isHashable(item);
            hash = 31 * hash + (hashable ? Hashing.hash(item) : 0);
            depth = Math.max(depth, 1 + Hashing.depth(item));
        }
        return new PyTuple(Collections.unmodifiableList(new ArrayList<>(items)), hashable, hash, depth);
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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof PyTuple other && hashable && other.hashable && hash == other.hash
                && items.equals(other.items);
    }

    @Override
    public int hashCode() {
        return hashable ? hash : System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "tuple" + items.size();
    }
}
