package dev.modelsummary.format.pickle;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python type names of unpickled values, for messages. */
public final class PyTypes {
    private PyTypes() {
    }

    /**
     * Python's type name for a value, for messages: {@code list}, {@code str}, or a global's name from the file
     * (so quote it). Constant work whatever the value holds.
     */
    public static String of(Object value) {
        if (value == null) {
            return "NoneType";
        }
        if (value instanceof String || value instanceof OmittedString) {
            return "str";
        }
        if (value instanceof Long || value instanceof BigInteger) {
            return "int";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof PyBytes) {
            return "bytes";
        }
        if (value instanceof PyTuple) {
            return "tuple";
        }
        if (value instanceof List<?>) {
            return "list";
        }
        if (value instanceof Map<?, ?>) {
            return "dict";
        }
        if (value instanceof PyFrozenSet) {
            return "frozenset";
        }
        if (value instanceof Set<?>) {
            return "set";
        }
        if (value instanceof PyGlobal g) {
            return g.qualifiedName();
        }
        if (value instanceof PyObject o) {
            // an object that an inert object made has no class a header reader could name
            return o.type() instanceof PyGlobal g ? g.qualifiedName() : "object";
        }
        return value.getClass().getSimpleName();
    }
}
