package dev.modelsummary.format.pickle;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/** An immutable, hashable set of hashable values, with its hash and nesting depth computed once. */
public final class PyFrozenSet extends AbstractSet<Object> {
    private final Set<Object> items;
    private final int hash;
    private final int depth;

    PyFrozenSet(Iterable<?> values) {
        Set<Object> set = new LinkedHashSet<>();
        int h = 0;
        int d = 1;
        for (Object v : values) {
            if (set.add(v)) {
                h += Hashing.hash(v);
                d = Math.max(d, 1 + Hashing.depth(v));
            }
        }
        this.items = Collections.unmodifiableSet(set);
        this.hash = h;
        this.depth = d;
    }

    public int depth() {
        return depth;
    }

    @Override
    public Iterator<Object> iterator() {
        return items.iterator();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public boolean contains(Object o) {
        return items.contains(o);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyFrozenSet other && hash == other.hash && items.equals(other.items);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "frozenset" + items.size();
    }
}
