package dev.modelsummary.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelsummary.summary.ModuleTree;
import dev.modelsummary.summary.ModuleTree.Node;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The module tree as the JSON the HTML page's treemap draws, safe to put inside
 * {@code <script type="application/json">}: {@code <}, {@code >}, {@code &} and U+2028/2029 are written as
 * {@code \}{@code uXXXX} escapes, so no name from a file can close the element ({@code </script>}) or open a
 * comment, and {@code JSON.parse} still reads the name unchanged.
 *
 * <p>Shape: {@code {"n": name, "v": parameters, "c": [children]}}, {@code "c"} left out for a leaf; children
 * largest first (ties in source order), as the squarified layout wants them. {@code "k": count} marks a box that
 * stands for {@code count} small modules rolled together.
 *
 * <p>Bounded: at most {@code maxNodes} nodes, handed out breadth-first so that the top levels are always whole;
 * where a node's children no longer fit, its largest ones are kept and the rest become one "other" box, and
 * below that budget a module is a leaf (its count still includes everything under it). Names are cut to
 * {@link #MAX_NAME} characters. Depth is {@link ModuleTree}'s own cap.
 */
final class ModuleTreeJson {
    /** Enough for every real model's modules (a 70B decoder has about 1,300), small enough for any browser. */
    static final int DEFAULT_MAX_NODES = 20_000;
    /** A box's label: a longer name from a file is cut, the table below still shows it whole. */
    static final int MAX_NAME = 200;

    /** The JSON report's escapes (controls, U+2028/2029 ...) and the characters HTML gives a meaning. */
    private static final JsonFactory FACTORY = new JsonFactory()
            .setCharacterEscapes(new JsonReport.TerminalSafeEscapes("<>&"));
    private static final Comparator<Node> LARGEST_FIRST = Comparator.comparingLong(Node::parameters).reversed();

    private final Map<Node, Kept> kept = new IdentityHashMap<>();

    private ModuleTreeJson() {
    }

    /** Writes the tree; {@code out} stays open. */
    static void write(ModuleTree tree, int maxNodes, Writer out) throws IOException {
        ModuleTreeJson json = new ModuleTreeJson();
        json.choose(tree.root(), maxNodes);
        try (JsonGenerator generator = FACTORY.createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.writeNode(generator, tree.root());
        }
    }

    /** Breadth-first: each node, in turn, takes as many of its children as the budget still allows. */
    private void choose(Node root, int maxNodes) {
        int budget = maxNodes - 1;
        Deque<Node> queue = new ArrayDeque<>();
        queue.add(root);
        while (!queue.isEmpty() && budget > 0) {
            Node node = queue.poll();
            List<Node> children = new ArrayList<>(node.children());
            if (children.isEmpty()) {
                continue;
            }
            children.sort(LARGEST_FIRST); // stable: equal sizes stay in source order
            Kept choice;
            if (children.size() <= budget) {
                choice = new Kept(children, 0, 0);
            } else {
                List<Node> largest = children.subList(0, budget - 1);
                long rest = 0;
                for (Node other : children.subList(budget - 1, children.size())) {
                    rest = Math.addExact(rest, other.parameters());
                }
                choice = new Kept(List.copyOf(largest), children.size() - largest.size(), rest);
            }
            kept.put(node, choice);
            budget -= choice.nodes();
            queue.addAll(choice.children());
        }
    }

    private void writeNode(JsonGenerator json, Node node) throws IOException {
        json.writeStartObject();
        json.writeStringField("n", cut(node.name()));
        json.writeNumberField("v", node.parameters());
        Kept choice = kept.get(node);
        if (choice != null) {
            json.writeArrayFieldStart("c");
            for (Node child : choice.children()) {
                writeNode(json, child);
            }
            if (choice.others() > 0) {
                json.writeStartObject();
                json.writeStringField("n", "other (" + choice.others() + " modules)");
                json.writeNumberField("v", choice.otherParameters());
                json.writeNumberField("k", choice.others());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** A module name from a file, cut to {@link #MAX_NAME} characters for a label. */
    static String cut(String name) {
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1) + "\u2026";
    }

    /** The children a node shows, and how many it rolled into one "other" box. */
    private record Kept(List<Node> children, int others, long otherParameters) {
        int nodes() {
            return children.size() + (others > 0 ? 1 : 0);
        }
    }
}
