package dev.modelsummary.format.pickle;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.Set;

/**
 * An immutable, hashable set of hashable values, with its fingerprint ({@link Hashing}) and nesting depth
 * computed once, so hashing and comparing it never recurse.
 */
public final class PyFrozenSet extends AbstractSet<Object> {
    private final Set<Object> members;
    private final long fingerprint;
    private final int depth;

    /** @throws IllegalArgumentException for an unhashable value (callers refuse those first) */
    PyFrozenSet(Iterable<?> values) {
        PySet set = new PySet();
        int d = 1;
        for (Object v : values) {
            if (set.add(v)) {
                d = Math.max(d, 1 + Hashing.depth(v));
            }
        }
        this.members = Collections.unmodifiableSet(set);
        this.fingerprint = Hashing.ofSet(set.keys());
        this.depth = d;
    }

    public int depth() {
        return depth;
    }

    long fingerprint() {
        return fingerprint;
    }

    @Override
    public Iterator<Object> iterator() {
        return members.iterator();
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public boolean contains(Object o) {
        return members.contains(o);
    }

    /** Python's equality: the same members, each found by fingerprint in the other set (linear work). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof PyFrozenSet other && fingerprint == other.fingerprint && size() == other.size()
                && members.containsAll(other.members);
    }

    @Override
    public int hashCode() {
        return Hashing.hashCodeOf(fingerprint);
    }

    @Override
    public String toString() {
        return "frozenset" + members.size();
    }
}
