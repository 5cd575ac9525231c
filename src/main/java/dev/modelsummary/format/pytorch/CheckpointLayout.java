package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.KeyNotFoundException;
import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.text.Quote;
import java.math.BigInteger;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which object in an unpickled torch.save file holds the model's weights, found the way a person would
 * (formats.md 2.8):
 * <ol>
 *   <li>a tensor, or a module pickled whole ({@code torch.save(model)}), is the model;</li>
 *   <li>a dict that {@linkplain #isStateDict looks like a state dict} is the model;</li>
 *   <li>else the first of {@link #MODEL_KEYS} whose value is a state dict or a pickled module (a training
 *       checkpoint: {@code state_dict}, Lightning's too);</li>
 *   <li>else nothing: every tensor anywhere is listed under its path, with a warning.</li>
 * </ol>
 * {@code --key} replaces all of this with the entry the user names ({@link #byKey}).
 */
final class CheckpointLayout {
    /**
     * Where training scripts and libraries put the weights, in order of preference: the PyTorch recipes and
     * torchvision's reference scripts ({@code state_dict}, {@code model_state_dict}, {@code model}), DDP and
     * community conventions ({@code module}, {@code net}, {@code network}, {@code model_state}), then EMA copies
     * (timm's {@code state_dict_ema}, {@code model_ema}, {@code ema}), read only when the file holds no other
     * weights, then the generic {@code params} and {@code weights}.
     */
    static final List<String> MODEL_KEYS = List.of("state_dict", "model_state_dict", "model", "module", "net",
            "network", "model_state", "state_dict_ema", "model_ema", "ema", "params", "weights");
    /**
     * A checkpoint carries a few tensors among its bookkeeping (a metric, a step); a state dict may carry a
     * bookkeeping value or two. At most one bookkeeping value per this many tensors still makes a state dict.
     */
    static final int TENSORS_PER_NON_TENSOR = 8;
    /** {@code Module.get_extra_state()}'s key suffix in a state dict. */
    private static final String EXTRA_STATE_SUFFIX = "_extra_state";
    /** {@code torch.compile(model)}'s class. */
    static final String COMPILED_MODULE = "torch._dynamo.eval_frame.OptimizedModule";
    /** The name {@code OptimizedModule} registers the module it wraps under. */
    static final String COMPILED_CHILD = "_orig_mod";
    /** A packed-params tuple holds a weight and a bias; a few more items are allowed for other engines. */
    private static final int PACKED_PARAMS_ITEMS = 4;
    /** Keys named in an error that lists what a dict holds; the rest are counted. */
    private static final int KEYS_LISTED = 12;

    /**
     * @param weights    what to walk for the model's tensors
     * @param key        the path of the entry read as the model, or null when it is the whole file
     * @param checkpoint the top-level dict to describe entry by entry, or null (a plain state dict, a module)
     * @param found      false when nothing looked like the model and {@code weights} is the whole file
     */
    record Located(Object weights, String key, Map<?, ?> checkpoint, boolean found) {
    }

    private CheckpointLayout() {
    }

    static Located locate(Object root, String requestedKey) {
        if (requestedKey != null) {
            return byKey(root, requestedKey);
        }
        if (root instanceof TorchTensor || isModule(root)) {
            return new Located(root, null, null, true);
        }
        if (!(root instanceof Map<?, ?> top)) {
            return new Located(root, null, null, false);
        }
        if (isStateDict(top)) {
            return new Located(top, null, null, true);
        }
        for (String key : MODEL_KEYS) {
            Object value = top.get(key);
            if (holdsModel(value)) {
                return new Located(value, key, top, true);
            }
        }
        return new Located(top, null, top, false);
    }

    /** A pickled {@code nn.Module}: an inert object whose attributes include {@code _modules}, or a compiled one. */
    static boolean isModule(Object value) {
        return value instanceof PyObject object && object.state() instanceof Map<?, ?> attributes
                && attributes.containsKey("_modules") || compiledModule(value) != null;
    }

    /**
     * The module a pickled {@code torch.compile(model)} wraps, else null. torch 2.x's
     * {@code OptimizedModule.__reduce__} is {@code (OptimizedModule, (self._orig_mod, self.dynamo_ctx))}, with no
     * attribute dict; the wrapped module is its submodule {@code _orig_mod}, so its state dict names every entry
     * {@code _orig_mod.<name>}.
     */
    static Object compiledModule(Object value) {
        if (value instanceof PyObject object && object.type() instanceof PyGlobal type
                && COMPILED_MODULE.equals(type.qualifiedName()) && object.args().size() >= 1
                && isModule(object.args().get(0))) {
            return object.args().get(0);
        }
        return null;
    }

    /**
     * A dict whose values are tensors: at least one; at most one bookkeeping value (a number, a string, a
     * namespace ...) per {@link #TENSORS_PER_NON_TENSOR} tensors; and no value that itself holds a model (a dict
     * with tensor values, a module): that makes it a checkpoint, however many loose tensors sit beside it.
     * Values a state dict itself holds besides tensors are not bookkeeping: {@code None}, a dtype symbol and a
     * tuple of tensors (a quantized Linear's {@code _packed_params.dtype} and {@code _packed_params._packed_params}),
     * and anything under an {@code _extra_state} key. Looks at the dict's values and theirs, no deeper, and at
     * each inner dict once: a pickle can make every value the same big dict for a few bytes each.
     */
    static boolean isStateDict(Map<?, ?> dict) {
        long tensors = 0;
        long bookkeeping = 0;
        IdentityHashMap<Object, Boolean> innerSeen = new IdentityHashMap<>();
        for (Map.Entry<?, ?> entry : dict.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof TorchTensor) {
                tensors++;
            } else if (isModule(value) || value instanceof Map<?, ?> inner
                    && innerSeen.put(inner, Boolean.TRUE) == null && hasTensorValue(inner)) {
                return false;
            } else if (!isStateDictExtra(entry.getKey(), value)) {
                bookkeeping++;
            }
        }
        return tensors > 0 && bookkeeping * TENSORS_PER_NON_TENSOR <= tensors;
    }

    /** A value {@code state_dict()} itself writes beside tensors (see {@link #isStateDict}). */
    private static boolean isStateDictExtra(Object key, Object value) {
        if (value == null || value instanceof PyGlobal
                || key instanceof String name && isExtraStateKey(name)) {
            return true;
        }
        // a TorchBind object: what a dynamic-quantized RNN's PackedParameter writes as its 'param'
        if (value instanceof PyObject object && object.type() instanceof PyGlobal type
                && "torch.ScriptObject".equals(type.qualifiedName())) {
            return true;
        }
        if (value instanceof PyTuple tuple && tuple.size() <= PACKED_PARAMS_ITEMS) {
            return tuple.items().stream().allMatch(item -> item == null || item instanceof TorchTensor);
        }
        return false;
    }

    /** {@code <prefix>_extra_state}, prefix empty or ending in a dot ({@code attn._extra_state}), as torch writes it. */
    private static boolean isExtraStateKey(String name) {
        return name.equals(EXTRA_STATE_SUFFIX) || name.endsWith("." + EXTRA_STATE_SUFFIX);
    }

    private static boolean holdsModel(Object value) {
        return isModule(value) || value instanceof Map<?, ?> dict && isStateDict(dict);
    }

    private static boolean hasTensorValue(Map<?, ?> dict) {
        return dict.values().stream().anyMatch(TorchTensor.class::isInstance);
    }

    /**
     * The entry {@code path} names: a dotted path of dict keys, a module's submodules, parameters and buffers,
     * an object's attributes, and list or tuple indices. Keys may hold dots themselves ({@code model.ema} may be
     * one key), so at each level the LONGEST key that is the whole rest of the path or a prefix of it followed
     * by a dot is taken: {@code {'model.ema': ..., 'model': {'ema': ...}}} resolves {@code model.ema} to the
     * first.
     *
     * @throws KeyNotFoundException when a step names nothing, or a value on the way holds no entries
     */
    static Located byKey(Object root, String path) {
        Object current = root;
        StringBuilder resolved = new StringBuilder();
        String rest = path;
        while (true) {
            List<Map.Entry<String, Object>> entries = entriesOf(current);
            if (entries == null) {
                throw new KeyNotFoundException((resolved.isEmpty() ? "Checkpoint" : "Checkpoint entry "
                        + Quote.of(resolved)) + " is " + typeOf(current) + ", which has no entries: it has no entry "
                        + Quote.of(path) + ".");
            }
            Map.Entry<String, Object> match = longestKey(entries, rest);
            if (match == null) {
                throw new KeyNotFoundException("Checkpoint has no entry " + Quote.of(path) + "; "
                        + (resolved.isEmpty() ? "its top-level keys are " : "the keys of " + Quote.of(resolved)
                        + " are ") + listKeys(entries) + ".");
            }
            String key = match.getKey();
            current = match.getValue();
            resolved.append(resolved.isEmpty() ? "" : ".").append(key);
            if (key.length() == rest.length()) {
                break;
            }
            rest = rest.substring(key.length() + 1);
        }
        Map<?, ?> checkpoint = root instanceof Map<?, ?> top && !isStateDict(top) ? top : null;
        return new Located(current, path, checkpoint, true);
    }

    /**
     * What {@code value}'s keys lead to, or null when it has none: a dict's string and integer keys, a
     * module's submodules, parameters and buffers, an object's attributes, a list's or tuple's indices. A list,
     * searched from the start, not a map: keys from the file are never hashed, and the first of two equal
     * spellings ({@code 1} and {@code '1'}) wins.
     */
    private static List<Map.Entry<String, Object>> entriesOf(Object value) {
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        Object compiled = compiledModule(value);
        if (compiled != null) {
            entries.add(new SimpleImmutableEntry<>(COMPILED_CHILD, compiled));
        } else if (isModule(value)) {
            Map<?, ?> attributes = (Map<?, ?>) ((PyObject) value).state();
            for (String group : List.of("_modules", "_parameters", "_buffers")) {
                if (attributes.get(group) instanceof Map<?, ?> members) {
                    addKeys(entries, members);
                }
            }
            addKeys(entries, attributes);
        } else if (value instanceof PyObject object && object.state() instanceof Map<?, ?> attributes) {
            addKeys(entries, attributes);
        } else if (value instanceof Map<?, ?> dict) {
            addKeys(entries, dict);
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                entries.add(new SimpleImmutableEntry<>(Integer.toString(i), list.get(i)));
            }
        } else if (value instanceof PyTuple tuple) {
            for (int i = 0; i < tuple.size(); i++) {
                entries.add(new SimpleImmutableEntry<>(Integer.toString(i), tuple.get(i)));
            }
        } else {
            return null;
        }
        return entries;
    }

    /** Keys a path can spell: strings and integers (optimizer state is keyed by parameter index). */
    private static void addKeys(List<Map.Entry<String, Object>> entries, Map<?, ?> dict) {
        dict.forEach((k, v) -> {
            if (k instanceof String || k instanceof Long || k instanceof BigInteger) {
                entries.add(new SimpleImmutableEntry<>(k.toString(), v));
            }
        });
    }

    /** The entry whose key is longest among those that are {@code rest} or a dotted prefix of it; the first on ties. */
    private static Map.Entry<String, Object> longestKey(List<Map.Entry<String, Object>> entries, String rest) {
        Map.Entry<String, Object> best = null;
        for (Map.Entry<String, Object> entry : entries) {
            String key = entry.getKey();
            boolean matches = key.length() == rest.length() ? key.equals(rest)
                    : key.length() < rest.length() && rest.charAt(key.length()) == '.' && rest.startsWith(key);
            if (matches && !key.isEmpty() && (best == null || key.length() > best.getKey().length())) {
                best = entry;
            }
        }
        return best;
    }

    private static String listKeys(List<Map.Entry<String, Object>> entries) {
        if (entries.isEmpty()) {
            return "none";
        }
        List<String> listed = new ArrayList<>();
        for (Map.Entry<String, Object> entry : entries) {
            if (listed.size() == KEYS_LISTED) {
                listed.add("... " + (entries.size() - KEYS_LISTED) + " more");
                break;
            }
            listed.add(Quote.of(entry.getKey()));
        }
        return String.join(", ", listed);
    }

    /** {@code an int}, {@code a list}, or a pickled class's name, quoted since the file chose it. */
    static String typeOf(Object value) {
        if (value instanceof TorchTensor) {
            return "a tensor";
        }
        String type = PyTypes.of(value);
        if (value instanceof PyGlobal) {
            return "the global " + Quote.of(type);
        }
        if (value instanceof PyObject || type.contains(".")) {
            return "an object of class " + Quote.of(type);
        }
        return (type.matches("[aeiou].*") ? "an " : "a ") + type;
    }
}
