package dev.modelsummary.summary;

import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Parameters rolled up per module, as torchinfo and fvcore's {@code parameter_count_table} show them: a tensor
 * {@code encoder.layers.0.mlp.0.weight} belongs to module {@code encoder.layers.0.mlp.0}, and counts toward that
 * module's own parameters and toward the subtree of every module above it. A tensor without a dot
 * ({@code class_token}) belongs to the root, the model itself.
 *
 * <p>Built over {@link Summary#layers()}: parameters only, tied weights once, buffers apart, exactly what the
 * totals count, so the root's subtree equals {@code Summary.parameters()}.
 *
 * <p>Names come from files and stay hostile: the tree stops at {@code maxDepth} levels (a deeper tensor counts
 * toward its ancestor at that depth, as its own parameters), so a name of a million dots costs no more than a
 * shallow one. Children keep the order of their first tensor, the source's order.
 */
public final class ModuleTree {
    /** Deep enough for any real model (torchvision's deepest module path has 9 levels), small enough to bound. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private final Node root;

    private ModuleTree(Node root) {
        this.root = root;
    }

    /** The tree of the summary's parameters, at most {@link #DEFAULT_MAX_DEPTH} levels deep. */
    public static ModuleTree of(Summary summary) {
        return of(summary.layers(), DEFAULT_MAX_DEPTH);
    }

    /** The tree of the given parameters, at most {@code maxDepth} (≥ 0) levels below the root. */
    public static ModuleTree of(List<TensorEntry> parameters, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth < 0: " + maxDepth);
        }
        Node root = new Node("", "", 0);
        for (TensorEntry tensor : parameters) {
            root.add(tensor, maxDepth);
        }
        return new ModuleTree(root);
    }

    /** The model itself: its own parameters are the top-level tensors, its subtree is every parameter. */
    public Node root() {
        return root;
    }

    /**
     * The modules down to {@code depth} levels below the root, in pre-order (each module before its children,
     * children in source order), the root first. A module deeper than {@code depth} is not listed; its
     * parameters are in its ancestors' subtree totals.
     */
    public List<Node> rollup(int depth) {
        List<Node> rows = new ArrayList<>();
        walk(root, depth, rows::add);
        return rows;
    }

    private static void walk(Node node, int depth, Consumer<Node> visit) {
        visit.accept(node);
        if (node.depth() < depth) {
            for (Node child : node.children()) {
                walk(child, depth, visit);
            }
        }
    }

    /** One module. Counts are exact sums; a sum past 2^63 - 1 throws {@link ArithmeticException}. */
    public static final class Node {
        private final String path;
        private final String name;
        private final int depth;
        private final Map<String, Node> children = new LinkedHashMap<>();
        private int ownTensors;
        private long ownParameters;
        private int tensors;
        private long parameters;
        private long trainable;
        private long bytes;

        private Node(String path, String name, int depth) {
            this.path = path;
            this.name = name;
            this.depth = depth;
        }

        private void add(TensorEntry tensor, int maxDepth) {
            String tensorName = tensor.name();
            Node node = this;
            node.count(tensor);
            int start = 0;
            // the last segment is the tensor's own name: only the segments before it are modules
            for (int dot = tensorName.indexOf('.'); dot >= 0 && node.depth < maxDepth;
                 dot = tensorName.indexOf('.', start)) {
                String segment = tensorName.substring(start, dot);
                Node parent = node;
                node = parent.children.computeIfAbsent(segment, s -> new Node(
                        parent.depth == 0 ? s : parent.path + "." + s, s, parent.depth + 1));
                node.count(tensor);
                start = dot + 1;
            }
            node.ownTensors++;
            node.ownParameters = Math.addExact(node.ownParameters, tensor.numel());
        }

        private void count(TensorEntry tensor) {
            tensors++;
            parameters = Math.addExact(parameters, tensor.numel());
            if (tensor.trainable()) {
                trainable = Math.addExact(trainable, tensor.numel());
            }
            bytes = Math.addExact(bytes, tensor.bytes());
        }

        /** The module's dotted path, {@code ""} for the root. */
        public String path() {
            return path;
        }

        /** The last segment of the path, {@code ""} for the root. */
        public String name() {
            return name;
        }

        /** Levels below the root: 0 for the root, 1 for its children. */
        public int depth() {
            return depth;
        }

        /** Sub-modules, in the order of their first tensor. */
        public List<Node> children() {
            return Collections.unmodifiableList(new ArrayList<>(children.values()));
        }

        /** Parameter tensors that belong to this module directly. */
        public int ownTensors() {
            return ownTensors;
        }

        /** Elements of the tensors that belong to this module directly. */
        public long ownParameters() {
            return ownParameters;
        }

        /** Parameter tensors in this module and every module below it. */
        public int tensors() {
            return tensors;
        }

        /** Elements in this module and every module below it. */
        public long parameters() {
            return parameters;
        }

        /** Trainable elements ({@code requires_grad}) in this module's subtree. */
        public long trainable() {
            return trainable;
        }

        /** Stored bytes of this module's subtree. */
        public long bytes() {
            return bytes;
        }
    }
}
