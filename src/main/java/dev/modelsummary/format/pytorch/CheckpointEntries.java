package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.CheckpointContents.Entry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's top-level entries, each with its kind and the tensors inside it: why a file is three times
 * the size of its model (an optimizer's momentum, an EMA copy).
 *
 * <p>Within one entry a tensor is counted once per storage view, as tied weights are ({@link
 * TorchReader.TiedWeights}): a tensor reachable twice, or two tensors viewing the same bytes the same way, count
 * once. Entries are counted apart, so two entries that share a tensor both count it. Every container and tensor
 * visited is charged to the pickle's {@link NameBudget}, so entries that all reference one big structure cost
 * what the budget allows and no more. Past {@link #MAX_ENTRIES} entries, the rest are summed in one.
 */
final class CheckpointEntries {
    /** Entries described one by one; real checkpoints have a few dozen at most. */
    static final int MAX_ENTRIES = 100;
    /** The longest entry name or class name kept; longer ones are cut and end in "...". */
    static final int MAX_TEXT_CHARS = 200;

    private CheckpointEntries() {
    }

    /**
     * @param top the checkpoint's top-level dict
     * @param key the path of the entry read as the model, or null
     */
    static CheckpointContents of(Map<?, ?> top, String key, NameBudget budget) {
        List<Entry> entries = new ArrayList<>();
        Tally rest = new Tally(budget);
        int[] more = {0};
        top.forEach((name, value) -> {
            if (entries.size() < MAX_ENTRIES) {
                Tally tally = new Tally(budget);
                tally.add(value);
                entries.add(new Entry(name(name), kind(value), tally.tensors, tally.elements, tally.bytes));
            } else {
                rest.add(value);
                more[0]++;
            }
        });
        if (more[0] > 0) {
            entries.add(new Entry("... " + more[0] + " more", "entries", rest.tensors, rest.elements, rest.bytes));
        }
        return new CheckpointContents(key, entries);
    }

    /**
     * What an entry is: {@code tensor}, {@code model (<class>)} for a pickled module, {@code optimizer} (a dict
     * with {@code state} and {@code param_groups}), {@code state dict}, {@code dict}, {@code namespace}
     * (argparse), Python's type name for a built-in value ({@code int}, {@code str}, {@code None} ...), or the
     * pickled class's qualified name.
     */
    static String kind(Object value) {
        if (value instanceof TorchTensor) {
            return "tensor";
        }
        if (value == null) {
            return "None";
        }
        if (CheckpointLayout.isModule(value)) {
            return "model (" + bounded(PyTypes.of(value)) + ")";
        }
        if (value instanceof Map<?, ?> dict) {
            if (dict.containsKey("state") && dict.containsKey("param_groups")) {
                return "optimizer";
            }
            return CheckpointLayout.isStateDict(dict) ? "state dict" : "dict";
        }
        if (value instanceof PyObject object && object.type() instanceof PyGlobal type
                && type.module().equals("argparse") && type.name().equals("Namespace")) {
            return "namespace";
        }
        return bounded(PyTypes.of(value));
    }

    /** A key as Python's {@code str()} prints it, cut at {@link #MAX_TEXT_CHARS}. */
    private static String name(Object key) {
        StringBuilder name = new StringBuilder();
        TensorWalk.appendKey(name, key, MAX_TEXT_CHARS);
        return bounded(name.toString());
    }

    private static String bounded(String text) {
        return text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS) + "...";
    }

    /** Tensors, elements and bytes under the values added, each storage view once. */
    private static final class Tally {
        private final NameBudget budget;
        private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        private final TorchReader.TiedWeights views = new TorchReader.TiedWeights();
        long tensors;
        long elements;
        long bytes;

        Tally(NameBudget budget) {
            this.budget = budget;
        }

        /** Iterative, so nesting costs no stack. */
        void add(Object root) {
            Deque<Object> pending = new ArrayDeque<>();
            push(pending, root);
            while (!pending.isEmpty()) {
                Object value = pending.pop();
                if (seen.put(value, Boolean.TRUE) != null) {
                    continue;
                }
                budget.spend(1);
                if (value instanceof TorchTensor tensor) {
                    count(tensor);
                } else if (value instanceof Map<?, ?> dict) {
                    dict.forEach((k, v) -> push(pending, v));
                } else if (value instanceof PyTuple tuple) {
                    tuple.items().forEach(item -> push(pending, item));
                } else if (value instanceof Collection<?> items) {
                    items.forEach(item -> push(pending, item));
                } else {
                    PyObject object = (PyObject) value;
                    push(pending, object.state());
                    push(pending, object.items());
                    push(pending, object.listItems());
                    push(pending, object.args());
                    push(pending, object.kwargs());
                }
            }
        }

        /** Only what may hold a tensor is visited (and never None: a deque holds no nulls). */
        private static void push(Deque<Object> pending, Object value) {
            if (TensorWalk.mayHoldTensors(value)) {
                pending.push(value);
            }
        }

        private void count(TorchTensor t) {
            if (views.firstNameOf(t, "") != null) {
                return; // the same bytes, viewed the same way, as a tensor already counted
            }
            long numel = TorchReader.exact(() -> t.shape().numel(),
                    "A checkpoint tensor has a size whose element count overflows 64 bits.");
            long size = TorchReader.exact(() -> t.dtype().bytesFor(numel),
                    "A checkpoint tensor has a size whose byte count overflows 64 bits.");
            tensors++;
            elements = TorchReader.exact(() -> Math.addExact(elements, numel),
                    "A checkpoint entry's tensors add up past 2^63 elements.");
            bytes = TorchReader.exact(() -> Math.addExact(bytes, size),
                    "A checkpoint entry's tensors add up past 2^63 bytes.");
        }
    }
}
