package dev.modelsummary.memory;

import java.util.List;
import java.util.Map;

/**
 * What accelerate's {@code get_max_layer_size} sees of a module: its class name, its children in registration
 * order ({@code named_children()}, which leaves out {@code None} places) and, for the root, its own tensors.
 */
public interface ModuleNode {

    /** {@code module.__class__.__name__}; empty when unknown (a tree read from tensor names). */
    String className();

    /** {@code named_children()}: children in registration order, without {@code None} places. */
    List<Map.Entry<String, ? extends ModuleNode>> namedChildren();

    /** {@code named_parameters(recurse=False)}' names, in registration order. */
    List<String> ownParameterNames();

    /** {@code named_buffers(recurse=False)}' names, in registration order. */
    List<String> ownBufferNames();
}
