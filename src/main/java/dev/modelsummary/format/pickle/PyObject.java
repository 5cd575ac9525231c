package dev.modelsummary.format.pickle;

import java.util.List;
import java.util.Map;

/**
 * An inert instance: what calling (REDUCE, NEWOBJ) a global without a Java stand-in yields. Nothing runs; the
 * object only remembers what the pickle gave it (constructor arguments, BUILD state, items added with
 * SETITEM(S) or APPEND(S)) so that a walk can still find tensors inside it.
 */
public final class PyObject {
    private final Object type;
    private final PyTuple args;
    private Object state;
    private PyDict items;
    private PyList listItems;
    private Map<?, ?> kwargs;

    public PyObject(Object type, PyTuple args) {
        this.type = type;
        this.args = args;
    }

    /** What was called: usually a {@link PyGlobal}; an inert object when the pickle called one. */
    public Object type() {
        return type;
    }

    public PyTuple args() {
        return args;
    }

    /** The BUILD state (usually the instance's {@code __dict__}), or null. */
    public Object state() {
        return state;
    }

    /** Items set with SETITEM(S), as on a dict subclass; empty when none. */
    public Map<Object, Object> items() {
        return items == null ? Map.of() : items;
    }

    /** Items added with APPEND(S), as on a list subclass; empty when none. */
    public List<Object> listItems() {
        return listItems == null ? List.of() : listItems;
    }

    /** Keyword arguments of a NEWOBJ_EX call; empty when none. */
    public Map<?, ?> kwargs() {
        return kwargs == null ? Map.of() : kwargs;
    }

    void setKeywords(Map<?, ?> keywords) {
        kwargs = keywords;
    }

    /** BUILD: a dict state updates an earlier dict state, anything else replaces it (Python's default). */
    @SuppressWarnings("unchecked")
    void build(Object newState) {
        if (state instanceof Map<?, ?> old && newState instanceof Map<?, ?> update) {
            ((Map<Object, Object>) old).putAll(update);
        } else {
            state = newState;
        }
    }

    /** @throws IllegalArgumentException for an unhashable key (the unpickler refuses those first) */
    void setItem(Object key, Object value) {
        if (items == null) {
            items = new PyDict();
        }
        items.put(key, value);
    }

    void append(Object value) {
        if (listItems == null) {
            listItems = new PyList();
        }
        listItems.add(value);
    }

    /** Never the type's own text: a chain of objects calling objects would print (and recurse) without bound. */
    @Override
    public String toString() {
        return "<" + PyTypes.of(this) + " object>";
    }
}
