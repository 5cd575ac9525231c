package dev.modelsummary.catalog.nn;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java mirror of {@code torch.nn.Module}: what a module registers, in registration order, and nothing
 * else. No tensor data exists; a parameter is its name, shape and dtype.
 *
 * <p>PyTorch's orders are reproduced exactly. {@code state_dict()} visits a module's own parameters, then its
 * own buffers, then each child in registration order (recursively); {@code named_parameters()} is that order
 * restricted to parameters. {@link #tensors()} therefore gives the state_dict order with roles attached.
 */
public class Module {
    private final Map<String, TensorEntry> parameters = new LinkedHashMap<>();
    private final Map<String, TensorEntry> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    /** Registers a float32 trainable parameter ({@code nn.Parameter(torch.empty(shape))}). */
    protected final void parameter(String name, long... shape) {
        register(parameters, name, TensorEntry.parameter(name, Shape.of(shape), DType.FLOAT32, true));
    }

    /** Registers a buffer ({@code register_buffer(name, torch.empty(shape, dtype=dtype))}). */
    protected final void buffer(String name, DType dtype, long... shape) {
        register(buffers, name, TensorEntry.buffer(name, Shape.of(shape), dtype));
    }

    /** Registers a child module under an attribute name ({@code self.name = child}); returns the child. */
    public final <M extends Module> M add(String name, M child) {
        if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("attribute '" + name + "' is already registered");
        }
        children.put(name, child);
        return child;
    }

    private void register(Map<String, TensorEntry> into, String name, TensorEntry entry) {
        if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("attribute '" + name + "' is already registered");
        }
        into.put(name, entry);
    }

    protected final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter and buffer under this module with its dotted name, in {@code state_dict()} order. */
    public final List<TensorEntry> tensors() {
        List<TensorEntry> out = new ArrayList<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, List<TensorEntry> out) {
        parameters.values().forEach(t -> out.add(t.withName(prefix + t.name())));
        buffers.values().forEach(t -> out.add(t.withName(prefix + t.name())));
        children.forEach((name, child) -> child.collect(prefix + name + ".", out));
    }
}
