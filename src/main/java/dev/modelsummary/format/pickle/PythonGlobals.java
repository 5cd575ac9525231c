package dev.modelsummary.format.pickle;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.text.Quote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Stand-ins for the Python built-ins in torch's weights-only allowlist. Containers keep insertion order, as
 * Python's do.
 */
final class PythonGlobals {
    /** Budget units of one dict entry or set member: a map entry and its key's fingerprint. */
    private static final int ENTRY_COST = 5;
    /** Bytes a stand-in copies per budget unit, as the unpickler charges kept text. */
    private static final int BYTES_PER_UNIT = 16;

    private PythonGlobals() {
    }

    static Allowlist.Builder addTo(Allowlist.Builder builder) {
        return builder
                // OrderedDict(): REDUCE with () and then SETITEMS, as every state_dict() is pickled
                .call("collections.OrderedDict", PythonGlobals::dict)
                .call("collections.Counter", PythonGlobals::dict)
                // set([...]) and frozenset([...]) under protocol 2
                .call("builtins.set", PythonGlobals::set)
                .call("builtins.frozenset", (callee, args, budget) -> new PyFrozenSet(members(callee, args, budget)))
                // protocol 2 pickles bytes as _codecs.encode(<latin-1 str>, 'latin1')
                .call("_codecs.encode", PythonGlobals::encode)
                .call("builtins.bytearray", PythonGlobals::bytearray)
                .name("builtins.complex");
    }

    private static Object dict(PyGlobal callee, PyTuple args, Budget budget) {
        PyDict dict = new PyDict();
        if (args.size() == 0) {
            return dict;
        }
        Object source = args.get(0);
        if (source instanceof Map<?, ?> map) {
            budget.spend((long) ENTRY_COST * map.size());
            dict.putAll(map);
            return dict;
        }
        for (Object pair : iterable(callee, source)) {
            budget.spend(ENTRY_COST);
            List<?> kv = pair instanceof PyTuple t ? t.items() : pair instanceof List<?> l ? l : List.of();
            if (kv.size() != 2) {
                throw new FormatException("Pickle calls " + Quote.of(callee)
                        + " with an item that is not a key-value pair.");
            }
            dict.put(requireHashable(callee, kv.get(0), budget), kv.get(1));
        }
        return dict;
    }

    private static Object set(PyGlobal callee, PyTuple args, Budget budget) {
        PySet set = new PySet();
        set.addAll(members(callee, args, budget));
        return set;
    }

    private static List<Object> members(PyGlobal callee, PyTuple args, Budget budget) {
        List<Object> members = new ArrayList<>();
        if (args.size() > 0) {
            for (Object member : iterable(callee, args.get(0))) {
                budget.spend(ENTRY_COST);
                members.add(requireHashable(callee, member, budget));
            }
        }
        return members;
    }

    private static Object encode(PyGlobal callee, PyTuple args, Budget budget) {
        if (args.size() == 0) {
            throw new FormatException("Pickle calls " + Quote.of(callee) + " without a string.");
        }
        String encoding = args.size() > 1 && args.get(1) instanceof String s ? s.toLowerCase(Locale.ROOT) : "utf-8";
        boolean latin1 = Set.of("latin1", "latin-1", "latin_1", "iso-8859-1", "iso8859-1", "l1").contains(encoding);
        Object text = args.get(0);
        if (text instanceof String s) {
            // a copy each call, however often the pickle passes one shared string
            budget.spend(1 + (long) s.length() * (latin1 ? 1 : 3) / BYTES_PER_UNIT);
            return PyBytes.wrap(s.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        }
        if (text instanceof OmittedString omitted) {
            return PyBytes.omitted(omitted.utf8Length());
        }
        throw new FormatException("Pickle calls " + Quote.of(callee) + " with a " + Quote.of(PyTypes.of(text))
                + " where a string belongs.");
    }

    private static Object bytearray(PyGlobal callee, PyTuple args, Budget budget) {
        if (args.size() == 0) {
            return PyBytes.wrap(new byte[0]);
        }
        Object source = args.get(0);
        if (source instanceof PyBytes bytes) {
            return bytes;
        }
        if (source instanceof String || source instanceof OmittedString) {
            return encode(callee, args, budget);
        }
        if (source instanceof Collection<?> values) {
            return PyBytes.omitted(values.size());
        }
        throw new FormatException("Pickle calls " + Quote.of(callee) + " with a " + Quote.of(PyTypes.of(source)) + ".");
    }

    private static Iterable<?> iterable(PyGlobal callee, Object source) {
        if (source instanceof PyTuple t) {
            return t.items();
        }
        if (source instanceof Collection<?> c) {
            return c;
        }
        if (source instanceof Map<?, ?> m) {
            return m.keySet();
        }
        throw new FormatException("Pickle calls " + Quote.of(callee) + " with a " + Quote.of(PyTypes.of(source))
                + " where an iterable belongs.");
    }

    /** A hashable key, charged for its fingerprint. */
    private static Object requireHashable(PyGlobal callee, Object key, Budget budget) {
        if (!Hashing.isHashable(key)) {
            throw new FormatException("Pickle calls " + Quote.of(callee) + " with an unhashable "
                    + Quote.of(PyTypes.of(key)) + " as a key.");
        }
        budget.spend(Hashing.cost(key));
        return key;
    }
}
