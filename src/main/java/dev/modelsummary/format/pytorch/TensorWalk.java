package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.pickle.OmittedString;
import dev.modelsummary.format.pickle.PyDict;
import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.text.Quote;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the tensors in an unpickled checkpoint and names them, keeping the pickle's own order.
 *
 * <p>{@link CheckpointLayout} says what holds the model (the file, a state dict entry of a training checkpoint,
 * the entry {@code --key} names); when nothing does, every tensor anywhere is listed under its dotted path of
 * keys and indices, with a warning. A module pickled whole ({@code torch.save(model)}) is walked as
 * {@code state_dict()} names it: its {@code _parameters}, persistent {@code _buffers} and {@code _modules}
 * attributes add no path component, and its other attributes are not walked. A checkpoint's top-level entries are described by {@link CheckpointEntries}.
 *
 * <p>Names are what a pickle can amplify: one long key, or one tensor, referenced from thousands of places costs
 * the pickle a few bytes per reference but a name per use. So the walk is iterative (no stack to overflow), each
 * path is joined only for containers and tensors and only up to {@link Limit#TENSOR_NAME_CHARS} (a tensor under
 * a longer path is refused), and every joined path and found tensor is charged, by its size, to a
 * {@link NameBudget}; the tensors found are capped at {@link Limit#TENSORS}.
 */
final class TensorWalk {
    static final String NO_STATE_DICT_WARNING =
            "no state dict found; every tensor in the checkpoint is listed under its path.";
    /** The longest tensor name read; real ones are a few hundred characters at most. */
    private static int maxNameChars() {
        return Limits.current().getInt(Limit.TENSOR_NAME_CHARS);
    }

    /** The name of a tensor that is the whole pickle ({@code torch.save(tensor)}). */
    private static final String ROOT_TENSOR_NAME = "tensor";
    /** Budget units of one found tensor besides its name: its record, its entry and its shape. */
    private static final int FOUND_COST = 12;
    /** A child that adds nothing to its container's path (a module's {@code _parameters}, an object's state). */
    private static final Object SAME_PATH = new Object();

    /**
     * A tensor and its name.
     *
     * @param buffer whether it sits in a pickled module's {@code _buffers}
     */
    record Found(String name, TorchTensor tensor, boolean buffer) {
    }

    /**
     * @param checkpoint the checkpoint's top-level entries and the key read as the model, or null when the file
     *                   is the model (a plain state dict, a module, a tensor)
     */
    record Result(List<Found> tensors, List<String> warnings, CheckpointContents checkpoint) {
    }

    /** A dotted path, or (when {@code tooLong}) the start of one longer than {@link Limit#TENSOR_NAME_CHARS}. */
    private record Path(String text, boolean tooLong) {
        static final Path ROOT = new Path("", false);
    }

    /** A value still to visit: {@code key} joined to its container's {@code parent} path names it. */
    private record Visit(Object value, Path parent, Object key, boolean buffer, int depth) {
    }

    private final List<Found> found = new ArrayList<>();
    /** Paths of the {@code torch.ScriptObject}s met (up to a few) and how many. */
    private final List<String> scriptObjects = new ArrayList<>();
    private long scriptObjectCount;
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    /** {@link Visit}s and {@link Cursor}s still to visit, the next on top. */
    private final Deque<Object> pending = new ArrayDeque<>();
    private final int maxDepth = Limits.current().getInt(Limit.PICKLE_DEPTH);
    private final int maxTensors = Limits.current().getInt(Limit.TENSORS);
    private final NameBudget budget;

    private TensorWalk(NameBudget budget) {
        this.budget = budget;
    }

    /**
     * @param key    the entry to read as the model ({@code --key}), or null to find it
     * @param budget charged for every path joined and tensor found
     * @throws FormatException for a tensor name over the limit, too many tensors, the budget exhausted, or a
     *                         {@code key} that names nothing or an entry without tensors
     */
    static Result find(Object root, String key, NameBudget budget) {
        CheckpointLayout.Located located = CheckpointLayout.locate(root, key);
        TensorWalk walked = walk(located.weights(), budget);
        List<Found> found = walked.found;
        if (key != null && located.weights() instanceof TorchTensor tensor) {
            found = List.of(new Found(key, tensor, false)); // one tensor picked by --key is named by it
        }
        if (key != null && found.isEmpty()) {
            throw new FormatException("Checkpoint entry " + Quote.of(key) + " holds no tensors (it is "
                    + CheckpointLayout.typeOf(located.weights()) + ").");
        }
        CheckpointContents checkpoint = located.checkpoint() == null ? null
                : CheckpointEntries.of(located.checkpoint(), located.key(), budget);
        List<String> warnings = new ArrayList<>();
        if (!located.found()) {
            warnings.add(NO_STATE_DICT_WARNING);
        }
        if (walked.scriptObjectCount > 0) {
            warnings.add(walked.scriptObjectWarning());
        }
        return new Result(found, List.copyOf(warnings), checkpoint);
    }

    private static TensorWalk walk(Object root, NameBudget budget) {
        TensorWalk walk = new TensorWalk(budget);
        walk.pending.push(new Visit(root, Path.ROOT, SAME_PATH, false, 0));
        while (!walk.pending.isEmpty()) {
            Object next = walk.pending.pop();
            if (next instanceof Cursor cursor) {
                Visit child = cursor.next();
                if (cursor.items.hasNext()) {
                    walk.pending.push(cursor);
                }
                if (mayHoldTensors(child.value())) {
                    walk.visit(child);
                }
            } else {
                walk.visit((Visit) next);
            }
        }
        return walk;
    }

    /** Script objects named in the warning; the rest are counted. */
    private static final int SCRIPT_OBJECTS_NAMED = 3;
    private static final String SCRIPT_OBJECT = "torch.ScriptObject";

    /**
     * A {@code torch.ScriptObject} (a TorchBind object: a dynamic-quantized RNN's packed cell parameters, say) is
     * one opaque value to torch.load, not tensors, though its pickled state holds some: it is not walked.
     */
    private String scriptObjectWarning() {
        List<String> quoted = scriptObjects.stream().map(Quote::of).toList();
        long more = scriptObjectCount - quoted.size();
        boolean one = scriptObjectCount == 1;
        return scriptObjectCount + " torch.ScriptObject value" + (one ? " (" : "s (") + String.join(", ", quoted)
                + (more > 0 ? ", ... " + more + " more" : "") + ") " + (one ? "is" : "are") + " not listed: "
                + "torch.load gives " + (one ? "it" : "each") + " as one opaque object (packed quantized "
                + "weights), not as tensors.";
    }

    /**
     * A container's items (a dict's entries), visited one at a time as the walk reaches them: a list of nine
     * million references to one tensor costs the walk one cursor, not nine million pending visits.
     */
    private static final class Cursor {
        private final Iterator<?> items;
        private final Path path;
        private final boolean buffer;
        private final int depth;
        private int index;

        Cursor(Iterator<?> items, Path path, boolean buffer, int depth) {
            this.items = items;
            this.path = path;
            this.buffer = buffer;
            this.depth = depth;
        }

        Visit next() {
            Object item = items.next();
            if (item instanceof Map.Entry<?, ?> entry) {
                return new Visit(entry.getValue(), path, entry.getKey(), buffer, depth);
            }
            return new Visit(item, path, index++, false, depth);
        }
    }

    /** Depth first, children in the pickle's order: what the recursive walk did, without its stack. */
    private void visit(Visit visit) {
        Object value = visit.value();
        if (value instanceof TorchTensor tensor) {
            addFound(visit, tensor);
            return;
        }
        if (!mayHoldTensors(value) || seen.put(value, Boolean.TRUE) != null) {
            return; // a container reached twice is listed once, as named_parameters() does
        }
        if (value instanceof PyObject object && object.type() instanceof PyGlobal type
                && SCRIPT_OBJECT.equals(type.qualifiedName())) {
            if (scriptObjects.size() < SCRIPT_OBJECTS_NAMED) {
                scriptObjects.add(join(visit.parent(), visit.key()).text());
            }
            scriptObjectCount++;
            return;
        }
        if (visit.depth() > maxDepth) {
            throw new FormatException("Checkpoint nests containers deeper than " + maxDepth + " levels.");
        }
        Path path = join(visit.parent(), visit.key());
        int depth = visit.depth() + 1;
        Iterator<?> items = value instanceof Map<?, ?> dict ? dict.entrySet().iterator()
                : value instanceof PyTuple tuple ? tuple.items().iterator()
                : value instanceof Collection<?> collection ? collection.iterator() : null;
        if (items != null) {
            if (items.hasNext()) {
                pending.push(new Cursor(items, path, value instanceof Map<?, ?> && visit.buffer(), depth));
            }
            return;
        }
        List<Visit> children = new ArrayList<>();
        addAttributes(children, (PyObject) value, path, depth);
        for (int i = children.size() - 1; i >= 0; i--) {
            if (mayHoldTensors(children.get(i).value())) {
                pending.push(children.get(i));
            }
        }
    }

    static boolean mayHoldTensors(Object value) {
        return value instanceof TorchTensor || value instanceof Map<?, ?> || value instanceof Collection<?>
                || value instanceof PyTuple || value instanceof PyObject;
    }

    /**
     * An inert object: its attributes (BUILD state), then dict and list items, then constructor arguments
     * (positional, then keyword). A pickled module is read as {@code state_dict()} reads it instead.
     */
    private static void addAttributes(List<Visit> children, PyObject object, Path path, int depth) {
        Object compiled = CheckpointLayout.compiledModule(object);
        if (compiled != null) {
            children.add(new Visit(compiled, path, CheckpointLayout.COMPILED_CHILD, false, depth));
            return;
        }
        if (CheckpointLayout.isModule(object)) {
            addModuleState(children, (Map<?, ?>) object.state(), path, depth, QuantizedModules.extraState(object));
            return;
        }
        List<Map.Entry<String, Object>> conv = QuantizedModules.convState(object);
        if (conv != null) {
            conv.forEach(e -> children.add(new Visit(e.getValue(), path, e.getKey(), false, depth)));
            return;
        }
        children.add(new Visit(object.state(), path, SAME_PATH, false, depth));
        children.add(new Visit(object.items(), path, SAME_PATH, false, depth));
        children.add(new Visit(object.listItems(), path, SAME_PATH, false, depth));
        children.add(new Visit(object.args(), path, SAME_PATH, false, depth));
        children.add(new Visit(object.kwargs(), path, SAME_PATH, false, depth));
    }

    /**
     * A module's {@code _parameters}, persistent {@code _buffers} and {@code _modules}, in its attribute order
     * (which is {@code state_dict()}'s), adding no path component. Its other attributes are not in its state
     * dict, even when they hold tensors (RAFT's {@code corr_pyramid} list), and neither are the buffers named in
     * {@code _non_persistent_buffers_set}.
     */
    private static void addModuleState(List<Visit> children, Map<?, ?> attributes, Path path, int depth,
                                       List<Map.Entry<String, Object>> extra) {
        Object nonPersistent = attributes.get("_non_persistent_buffers_set");
        boolean[] extraAdded = {false};
        attributes.forEach((k, v) -> {
            if ("_modules".equals(k) && !extraAdded[0]) {
                // _save_to_state_dict writes a module's own entries before its children's
                extra.forEach(e -> children.add(new Visit(e.getValue(), path, e.getKey(), false, depth)));
                extraAdded[0] = true;
            }
            if ("_parameters".equals(k) || "_modules".equals(k)) {
                children.add(new Visit(v, path, SAME_PATH, false, depth));
            } else if ("_buffers".equals(k)) {
                children.add(new Visit(persistent(v, nonPersistent), path, SAME_PATH, true, depth));
            }
        });
        if (!extraAdded[0]) {
            extra.forEach(e -> children.add(new Visit(e.getValue(), path, e.getKey(), false, depth)));
        }
    }

    /** {@code buffers} without the names in {@code nonPersistent} (a set), in order. */
    private static Object persistent(Object buffers, Object nonPersistent) {
        if (!(buffers instanceof Map<?, ?> all) || !(nonPersistent instanceof Set<?> skipped) || skipped.isEmpty()) {
            return buffers;
        }
        PyDict kept = new PyDict();
        all.forEach((name, buffer) -> {
            if (!skipped.contains(name)) {
                kept.put(name, buffer);
            }
        });
        return kept;
    }

    private void addFound(Visit visit, TorchTensor tensor) {
        Path path = join(visit.parent(), visit.key());
        if (path.tooLong()) {
            throw new FormatException("Tensor " + Quote.of(path.text()) + " has a name longer than "
                    + maxNameChars() + " characters (" + Limit.TENSOR_NAME_CHARS.raise() + ").");
        }
        if (found.size() == maxTensors) {
            throw new FormatException("Checkpoint holds more than '" + maxTensors
                    + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
        }
        budget.spend(FOUND_COST + tensor.size().length / 2);
        found.add(new Found(path.text().isEmpty() ? ROOT_TENSOR_NAME : path.text(), tensor, visit.buffer()));
    }

    /** {@code parent.key}, charged by its length; spelled no further than one character past the limit. */
    private Path join(Path parent, Object key) {
        if (key == SAME_PATH || parent.tooLong()) {
            return parent;
        }
        if (key instanceof OmittedString omitted) {
            return omittedKey(parent, omitted);
        }
        StringBuilder name = new StringBuilder(parent.text());
        if (!parent.text().isEmpty()) {
            name.append('.');
        }
        appendKey(name, key);
        budget.spendName(name);
        return name.length() > maxNameChars() ? new Path(name.toString(), true) : new Path(name.toString(), false);
    }

    /**
     * A key too long for the unpickler to keep (over {@code pickle-kept-text-bytes}): the path through it is
     * longer than any tensor name may be, and is shown by the key's length; torch would name the tensor by it, so
     * it is never shown as {@code <str>}.
     */
    private Path omittedKey(Path parent, OmittedString omitted) {
        if (omitted.utf8Length() <= maxNameChars()) {
            throw new FormatException("A checkpoint key of " + omitted.utf8Length() + " bytes is longer than the "
                    + Limits.current().getInt(Limit.PICKLE_KEPT_TEXT_BYTES)
                    + " bytes of text a pickle may keep, so what it holds cannot be named ("
                    + Limit.PICKLE_KEPT_TEXT_BYTES.raise() + ").");
        }
        String text = (parent.text().isEmpty() ? "" : parent.text() + ".") + "<" + omitted.utf8Length()
                + "-byte key>";
        budget.spendName(text);
        return new Path(text, true);
    }

    /**
     * A dict key as Python's {@code str()} would print it, appended to {@code name} until it is one character
     * past the limit: a tuple key that holds one tuple twice per level would otherwise be exponentially long.
     */
    private static void appendKey(StringBuilder name, Object key) {
        appendKey(name, key, maxNameChars());
    }

    /** {@link #appendKey(StringBuilder, Object)} with its own limit: {@code name} ends at most one char past it. */
    static void appendKey(StringBuilder name, Object key, int maxChars) {
        if (name.length() > maxChars) {
            return;
        }
        if (key instanceof PyTuple tuple) {
            name.append('(');
            for (int i = 0; i < tuple.size() && name.length() <= maxChars; i++) {
                if (i > 0) {
                    name.append(", ");
                }
                appendKey(name, tuple.get(i), maxChars);
            }
            name.append(tuple.size() == 1 ? ",)" : ")");
        } else {
            String text = keyText(key);
            name.append(text, 0, Math.min(text.length(), maxChars + 1 - name.length()));
        }
        if (name.length() > maxChars + 1) {
            name.setLength(maxChars + 1);
        }
    }

    /** A scalar key as Python's {@code str()} prints it; other values by their type. */
    private static String keyText(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Long || key instanceof BigInteger || key instanceof Double || key instanceof Integer) {
            return key.toString();
        }
        if (key instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (key == null) {
            return "None";
        }
        return "<" + PyTypes.of(key) + ">";
    }
}
