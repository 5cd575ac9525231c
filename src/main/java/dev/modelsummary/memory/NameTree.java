package dev.modelsummary.memory;

import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The module tree a weight file's tensor names spell ({@code encoder.layers.0.fc1.weight}: modules
 * {@code encoder}, {@code encoder.layers}, ...), for a file without its architecture. It knows no class names,
 * so no module is a no-split one, and modules without tensors (activations, dropout) are absent; a module's own
 * tensors are the names ending at it.
 */
public final class NameTree implements ModuleNode {
    private final Map<String, NameTree> children = new LinkedHashMap<>();
    private final List<String> parameters = new ArrayList<>();
    private final List<String> buffers = new ArrayList<>();

    private NameTree() {
    }

    /** The tree of {@code tensors}' names, children in order of first appearance. */
    public static NameTree of(List<TensorEntry> tensors) {
        NameTree root = new NameTree();
        for (TensorEntry t : tensors) {
            NameTree node = root;
            String name = t.name();
            int from = 0;
            int dot;
            while ((dot = name.indexOf('.', from)) >= 0) {
                node = node.children.computeIfAbsent(name.substring(from, dot), k -> new NameTree());
                from = dot + 1;
            }
            (t.isParameter() ? node.parameters : node.buffers).add(name.substring(from));
        }
        return root;
    }

    @Override
    public String className() {
        return "";
    }

    @Override
    public List<Map.Entry<String, ? extends ModuleNode>> namedChildren() {
        return new ArrayList<>(children.entrySet());
    }

    @Override
    public List<String> ownParameterNames() {
        return List.copyOf(parameters);
    }

    @Override
    public List<String> ownBufferNames() {
        return List.copyOf(buffers);
    }
}
