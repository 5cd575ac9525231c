package dev.modelsummary.catalog.nn;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Java mirror of {@code torch.nn.Module}: what a module registers, in registration order, and nothing
 * else. No tensor data exists; a parameter is its name, shape and dtype.
 *
 * <p>PyTorch's orders are reproduced exactly. {@code state_dict()} visits a module's own parameters, then its
 * own buffers, then each child in registration order (recursively); {@code named_parameters()} is that order
 * restricted to parameters. {@link #tensors()} therefore gives the state_dict order with roles attached.
 *
 * <p>Two ways to set a child, as in Python: {@link #add} registers a new attribute (and refuses a name already
 * taken, which catches porting slips), {@link #replace} is {@code self.name = module} on an existing
 * attribute: the child keeps its place in the order, and {@code null} ({@code None}) leaves the place empty.
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

    /** Registers a child module under a new attribute name ({@code self.name = child}); returns the child. */
    public final <M extends Module> M add(String name, M child) {
        checkFree(name);
        children.put(name, child);
        return child;
    }

    /**
     * {@code self.name = child} for an attribute that is already a child: the new child (or {@code None} when
     * null) takes the old one's place in the order, as {@code Module.__setattr__} does.
     */
    public final <M extends Module> M replace(String name, M child) {
        if (!children.containsKey(name)) {
            throw new IllegalStateException("no child module '" + name + "' to replace");
        }
        children.put(name, child);
        return child;
    }

    /** The child registered under {@code name} ({@code getattr(self, name)}). */
    public final Module child(String name) {
        Module child = children.get(name);
        if (child == null) {
            throw new IllegalStateException("no child module '" + name + "'");
        }
        return child;
    }

    /** Children in registration order, empty places ({@code None}) included as null values. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * {@code p.requires_grad_(requiresGrad)} for every parameter under this module whose dotted name (relative
     * to this module, as {@code named_parameters()} gives it) matches {@code names}.
     */
    public final void requiresGrad(Predicate<String> names, boolean requiresGrad) {
        setRequiresGrad("", names, requiresGrad);
    }

    /** {@code requires_grad_(requiresGrad)} for every parameter under this module. */
    public final void requiresGrad(boolean requiresGrad) {
        requiresGrad(name -> true, requiresGrad);
    }

    private void setRequiresGrad(String prefix, Predicate<String> names, boolean requiresGrad) {
        parameters.replaceAll((name, t) -> names.test(prefix + name) ? t.withRole(Role.PARAMETER, requiresGrad) : t);
        children.forEach((name, child) -> {
            if (child != null) {
                child.setRequiresGrad(prefix + name + ".", names, requiresGrad);
            }
        });
    }

    private void register(Map<String, TensorEntry> into, String name, TensorEntry entry) {
        checkFree(name);
        into.put(name, entry);
    }

    private void checkFree(String name) {
        if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("attribute '" + name + "' is already registered");
        }
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

    /** {@code sum(p.numel() for p in self.parameters())}. */
    public final long parameterCount() {
        return tensors().stream().filter(TensorEntry::isParameter).mapToLong(TensorEntry::numel).sum();
    }

    private void collect(String prefix, List<TensorEntry> out) {
        parameters.values().forEach(t -> out.add(t.withName(prefix + t.name())));
        buffers.values().forEach(t -> out.add(t.withName(prefix + t.name())));
        children.forEach((name, child) -> {
            if (child != null) {
                child.collect(prefix + name + ".", out);
            }
        });
    }
}
