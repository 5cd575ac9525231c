package dev.modelsummary.format.pickle;

import java.util.ArrayList;
import java.util.Collection;

/**
 * A Python list. Unhashable, as in Python; and here equal only to itself and printed as its size, because
 * {@link ArrayList}'s structural hashCode, equals and toString recurse without bound into lists that hold
 * themselves, nest 100 000 deep, or share one list twice per level (exponential work in a few hundred bytes).
 */
public final class PyList extends ArrayList<Object> {
    public PyList() {
    }

    public PyList(Collection<?> items) {
        super(items);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "list" + size();
    }
}
