package dev.modelsummary.format.pickle;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A Python dict: insertion-ordered, keyed by any hashable value through its keyed fingerprint ({@link HashKey}),
 * so keys crafted to share a Java hash code cost no more than any others. Like Python's, a dict is unhashable;
 * here it is also equal only to itself and prints as its size: nothing needs dict equality, and comparing or
 * printing dicts that hold themselves or share their parts has no bound.
 */
public final class PyDict extends AbstractMap<Object, Object> {
    private final LinkedHashMap<HashKey, Object> entries = new LinkedHashMap<>();

    public PyDict() {
    }

    /** An unhashable key is never in a dict (Python would raise TypeError; a Java caller just does not find it). */
    @Override
    public Object get(Object key) {
        return Hashing.isHashable(key) ? entries.get(new HashKey(key)) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return Hashing.isHashable(key) && entries.containsKey(new HashKey(key));
    }

    /**
     * {@code d[key] = value}: an equal key already present keeps its place and its first spelling, as in Python.
     *
     * @throws IllegalArgumentException for an unhashable key (the unpickler refuses those first)
     */
    @Override
    public Object put(Object key, Object value) {
        return entries.put(new HashKey(key), value);
    }

    /** From another dict, the keys' fingerprints are reused, not computed again. */
    @Override
    public void putAll(Map<?, ?> other) {
        if (other instanceof PyDict dict) {
            entries.putAll(dict.entries);
        } else {
            super.putAll(other);
        }
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public void forEach(BiConsumer<? super Object, ? super Object> action) {
        entries.forEach((key, value) -> action.accept(key.value(), value));
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<Object, Object>> iterator() {
                Iterator<Entry<HashKey, Object>> keyed = entries.entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return keyed.hasNext();
                    }

                    @Override
                    public Entry<Object, Object> next() {
                        Entry<HashKey, Object> e = keyed.next();
                        return new SimpleImmutableEntry<>(e.getKey().value(), e.getValue());
                    }

                    @Override
                    public void remove() {
                        keyed.remove();
                    }
                };
            }

            @Override
            public int size() {
                return entries.size();
            }
        };
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
        return "dict" + entries.size();
    }
}
