package dev.modelsummary.memory;

import dev.modelsummary.model.TensorEntry;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * accelerate 1.15's memory rules ({@code accelerate estimate-memory}): {@code compute_module_sizes},
 * {@code calculate_maximum_sizes}/{@code get_max_layer_size} and {@code estimate_training_usage}, applied to
 * the model asked for with parameters only (tied weights once, under their first name) in float32: see
 * {@code docs/memory.md} for how this differs from the CLI, which builds the base model and adds buffers.
 */
public final class Accelerate {

    /** The dtypes of the CLI's table and what each divides the float32 bytes by ({@code /= 2}, 4, 8). */
    public enum Dtype {
        FLOAT32("float32", 1), FLOAT16("float16", 2), INT8("int8", 4), INT4("int4", 8);

        private final String label;
        private final int divisor;

        Dtype(String label, int divisor) {
            this.label = label;
            this.divisor = divisor;
        }

        public String label() {
            return label;
        }

        /** The CLI's true division of the float32 bytes: exact, a half or an eighth may remain. */
        public BigDecimal of(long float32Bytes) {
            return BigDecimal.valueOf(float32Bytes).divide(BigDecimal.valueOf(divisor));
        }
    }

    /**
     * {@code get_max_layer_size}'s answer.
     *
     * @param bytes the largest layer's size
     * @param names every layer of that size, in the order the walk met them
     */
    public record LargestLayer(long bytes, List<String> names) {
        public LargestLayer {
            names = List.copyOf(names);
        }
    }

    /**
     * {@code estimate_training_usage(bytes, mixed_precision)}: the four figures, each -1 where accelerate has none
     * (int8, int4); the CLI prints their maximum.
     */
    public record TrainingUsage(long model, long optimizer, long gradients, long step) {
        /** {@code max(memory_sizes.values())}, or -1 ("N/A"). */
        public long peak() {
            return Math.max(Math.max(model, optimizer), Math.max(gradients, step));
        }
    }

    private Accelerate() {
    }

    /**
     * A tensor's bytes as accelerate's CLI counts them on a model built in float32: {@code numel x 4}, except
     * integer and bool tensors, which keep their dtype ({@code dtype_byte_size(tensor.dtype)}).
     */
    public static long float32Bytes(TensorEntry tensor) {
        return tensor.dtype().isIntegerOrBool() ? tensor.bytes() : Math.multiplyExact(tensor.numel(), 4L);
    }

    /**
     * {@code get_max_layer_size(modules_to_treat, compute_module_sizes(model), no_split)} with
     * {@code modules_to_treat} as {@code calculate_maximum_sizes} starts it (the root's own parameters, its
     * children, its own buffers). The walk takes a module whole when it has no children or its class is a
     * no-split one, and otherwise puts its children first in line; a descended module's own tensors are in no
     * layer. Sizes count {@code parameters} only.
     *
     * @param parameters parameter tensors, tied duplicates left out ({@code named_parameters()} order)
     * @param noSplit    {@code _no_split_modules} (class names)
     */
    public static LargestLayer largestLayer(ModuleNode root, List<TensorEntry> parameters, List<String> noSplit) {
        List<String> layers = layers(root, Set.copyOf(noSplit));
        Map<String, Integer> index = new HashMap<>(layers.size() * 2);
        for (int i = 0; i < layers.size(); i++) {
            index.put(layers.get(i), i);
        }
        long[] sizes = new long[layers.size()];
        for (TensorEntry t : parameters) {
            Integer layer = layerOf(t.name(), index);
            if (layer != null) {
                sizes[layer] = Math.addExact(sizes[layer], float32Bytes(t));
            }
        }
        long max = 0;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] > max) {
                max = sizes[i];
                names.clear();
                names.add(layers.get(i));
            } else if (sizes[i] == max) {
                names.add(layers.get(i));
            }
        }
        return new LargestLayer(max, names);
    }

    /** The tensor's own name or its nearest enclosing module that is a layer; null when in none. */
    private static Integer layerOf(String name, Map<String, Integer> index) {
        String prefix = name;
        while (true) {
            Integer layer = index.get(prefix);
            if (layer != null) {
                return layer;
            }
            int dot = prefix.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            prefix = prefix.substring(0, dot);
        }
    }

    /** The walk's layers, in the order it meets them; a root tensor is a layer of its own name. */
    private static List<String> layers(ModuleNode root, Set<String> noSplit) {
        record Item(String name, ModuleNode module) {
        }
        Deque<Item> queue = new ArrayDeque<>();
        root.ownParameterNames().forEach(n -> queue.addLast(new Item(n, null)));
        root.namedChildren().forEach(e -> queue.addLast(new Item(e.getKey(), e.getValue())));
        root.ownBufferNames().forEach(n -> queue.addLast(new Item(n, null)));
        List<String> layers = new ArrayList<>();
        while (!queue.isEmpty()) {
            Item item = queue.pollFirst();
            List<? extends Map.Entry<String, ? extends ModuleNode>> children =
                    item.module() == null ? List.of() : item.module().namedChildren();
            if (children.isEmpty() || noSplit.contains(item.module().className())) {
                layers.add(item.name());
            } else {
                for (int i = children.size() - 1; i >= 0; i--) {
                    Map.Entry<String, ? extends ModuleNode> child = children.get(i);
                    queue.addFirst(new Item(item.name() + "." + child.getKey(), child.getValue()));
                }
            }
        }
        return layers;
    }

    /**
     * {@code estimate_training_usage(bytes, mixed_precision)} of accelerate 1.15: float32 keeps model, gradients
     * (1x), optimizer (2x) and step (4x); float16/bfloat16 keeps the model (1x), gradients (1x + half,
     * {@code bytes // 2}), optimizer and step (2x); int8 and int4 have none (-1 each).
     */
    public static TrainingUsage trainingUsage(long bytes, Dtype dtype) {
        switch (dtype) {
            case FLOAT32:
                return new TrainingUsage(bytes, Math.multiplyExact(bytes, 2), bytes, Math.multiplyExact(bytes, 4));
            case FLOAT16:
                long optimizer = Math.multiplyExact(bytes, 2);
                return new TrainingUsage(bytes, optimizer, Math.addExact(bytes, bytes / 2), optimizer);
            default:
                return new TrainingUsage(-1, -1, -1, -1);
        }
    }
}
