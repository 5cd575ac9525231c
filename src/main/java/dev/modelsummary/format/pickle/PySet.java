package dev.modelsummary.format.pickle;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * A Python set: insertion-ordered, its members held by keyed fingerprint ({@link HashKey}) as {@link PyDict}'s
 * keys are. Unhashable, equal only to itself and printed as its size, for the same reasons as a dict.
 */
public final class PySet extends AbstractSet<Object> {
    private final LinkedHashSet<HashKey> members = new LinkedHashSet<>();

    public PySet() {
    }

    /** @throws IllegalArgumentException for an unhashable member (the unpickler refuses those first) */
    @Override
    public boolean add(Object member) {
        return members.add(new HashKey(member));
    }

    /** From another set, the members' fingerprints are reused. */
    @Override
    public boolean addAll(Collection<?> other) {
        if (other instanceof PySet set) {
            return members.addAll(set.members);
        }
        return super.addAll(other);
    }

    @Override
    public boolean contains(Object o) {
        return Hashing.isHashable(o) && members.contains(new HashKey(o));
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public Iterator<Object> iterator() {
        Iterator<HashKey> keyed = members.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return keyed.hasNext();
            }

            @Override
            public Object next() {
                return keyed.next().value();
            }

            @Override
            public void remove() {
                keyed.remove();
            }
        };
    }

    /** The members with their fingerprints, for a frozenset's own fingerprint. */
    Collection<HashKey> keys() {
        return members;
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
        return "set" + members.size();
    }
}
