package dev.modelsummary.format.pickle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private Map<Object, Object> items;
    private List<Object> listItems;

    public PyObject(Object type, PyTuple args) {
        this.type = type;
        this.args = args;
    }

    /** What was called: usually a {@link PyGlobal}. */
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

    /** BUILD: a dict state updates an earlier dict state, anything else replaces it (Python's default). */
    @SuppressWarnings("unchecked")
    void build(Object newState) {
        if (state instanceof Map<?, ?> old && newState instanceof Map<?, ?> update) {
            ((Map<Object, Object>) old).putAll(update);
        } else {
            state = newState;
        }
    }

    void setItem(Object key, Object value) {
        if (items == null) {
            items = new LinkedHashMap<>();
        }
        items.put(key, value);
    }

    void append(Object value) {
        if (listItems == null) {
            listItems = new ArrayList<>();
        }
        listItems.add(value);
    }

    @Override
    public String toString() {
        return "<" + type + " object>";
    }
}
