package dev.modelsummary.format.pickle;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python's hashability rule for dict keys and set members, over the Java values the unpickler builds. */
final class Hashing {
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

    /** A hashable value's hash; never recurses past the depth its tuple or frozenset recorded. */
    static int hash(Object value) {
        return value == null ? 0 : value.hashCode();
    }

    static int depth(Object value) {
        if (value instanceof PyTuple tuple) {
            return tuple.depth();
        }
        if (value instanceof PyFrozenSet set) {
            return set.depth();
        }
        return 0;
    }
}
