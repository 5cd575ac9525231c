package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Finds the tensors in an unpickled checkpoint and names them, keeping the pickle's own order.
 *
 * <p>The state dict is, in this order: the top object when it is a dict holding tensors; else the first of
 * {@link #STATE_DICT_KEYS} whose value is a dict holding tensors (training checkpoints); else nothing, and every
 * tensor anywhere is listed under its dotted path of keys and indices, with a warning. A module pickled whole
 * ({@code torch.save(model)}) is walked as {@code named_parameters()} names it: its {@code _parameters},
 * {@code _buffers} and {@code _modules} attributes add no path component.
 */
final class TensorWalk {
    /** Where training scripts and libraries put the weights (formats.md 2.8), in order of preference. */
    static final List<String> STATE_DICT_KEYS =
            List.of("state_dict", "model_state_dict", "model", "module", "net", "model_state");
    static final String NO_STATE_DICT_WARNING =
            "no state dict found; every tensor in the checkpoint is listed under its path.";
    /** The name of a tensor that is the whole pickle ({@code torch.save(tensor)}). */
    private static final String ROOT_TENSOR_NAME = "tensor";

    /**
     * A tensor and its name.
     *
     * @param buffer whether it sits in a pickled module's {@code _buffers}
     */
    record Found(String name, TorchTensor tensor, boolean buffer) {
    }

    record Result(List<Found> tensors, List<String> warnings) {
    }

    private final List<Found> found = new ArrayList<>();
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private final int maxDepth;

    private TensorWalk(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    static Result find(Object root) {
        if (root instanceof Map<?, ?> top) {
            if (holdsTensors(top)) {
                return new Result(walk(top), List.of());
            }
            for (String key : STATE_DICT_KEYS) {
                if (top.get(key) instanceof Map<?, ?> inner && holdsTensors(inner)) {
                    return new Result(walk(inner), List.of());
                }
            }
        }
        if (root instanceof TorchTensor) {
            return new Result(walk(root), List.of());
        }
        return new Result(walk(root), List.of(NO_STATE_DICT_WARNING));
    }

    private static boolean holdsTensors(Map<?, ?> dict) {
        return dict.values().stream().anyMatch(TorchTensor.class::isInstance);
    }

    private static List<Found> walk(Object root) {
        TensorWalk walk = new TensorWalk(Limits.current().pickleDepth());
        walk.visit(root, "", false, 0);
        return walk.found;
    }

    private void visit(Object value, String path, boolean buffer, int depth) {
        if (value instanceof TorchTensor tensor) {
            found.add(new Found(path.isEmpty() ? ROOT_TENSOR_NAME : path, tensor, buffer));
            return;
        }
        boolean container = value instanceof Map<?, ?> || value instanceof Collection<?> || value instanceof PyTuple
                || value instanceof PyObject;
        if (!container || seen.put(value, Boolean.TRUE) != null) {
            return; // scalars hold no tensors; a container reached twice is listed once, as named_parameters() does
        }
        if (depth > maxDepth) {
            throw new FormatException("Checkpoint nests containers deeper than " + maxDepth + " levels.");
        }
        if (value instanceof Map<?, ?> dict) {
            dict.forEach((k, v) -> visit(v, join(path, keyText(k)), buffer, depth + 1));
        } else if (value instanceof PyTuple tuple) {
            visitItems(tuple.items(), path, depth);
        } else if (value instanceof Collection<?> items) {
            visitItems(items, path, depth);
        } else {
            visitObject((PyObject) value, path, depth);
        }
    }

    private void visitItems(Collection<?> items, String path, int depth) {
        int i = 0;
        for (Object item : items) {
            visit(item, join(path, Integer.toString(i++)), false, depth + 1);
        }
    }

    /** An inert object: its attributes (BUILD state), then dict and list items, then constructor arguments. */
    private void visitObject(PyObject object, String path, int depth) {
        if (object.state() instanceof Map<?, ?> attributes && attributes.containsKey("_modules")) {
            attributes.forEach((k, v) -> {
                String name = keyText(k);
                switch (name) {
                    case "_parameters", "_modules" -> visit(v, path, false, depth + 1);
                    case "_buffers" -> visit(v, path, true, depth + 1);
                    default -> visit(v, join(path, name), false, depth + 1);
                }
            });
        } else {
            visit(object.state(), path, false, depth + 1);
        }
        visit(object.items(), path, false, depth + 1);
        visit(object.listItems(), path, false, depth + 1);
        visit(object.args(), path, false, depth + 1);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A dict key as Python's {@code str()} would print it. */
    private static String keyText(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Long || key instanceof BigInteger || key instanceof Double) {
            return key.toString();
        }
        if (key instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (key == null) {
            return "None";
        }
        if (key instanceof PyTuple tuple) {
            StringJoiner joiner = new StringJoiner(", ", "(", tuple.size() == 1 ? ",)" : ")");
            tuple.items().forEach(item -> joiner.add(keyText(item)));
            return joiner.toString();
        }
        return "<" + PyTypes.of(key) + ">";
    }
}
