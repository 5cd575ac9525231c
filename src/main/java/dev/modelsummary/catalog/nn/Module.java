package dev.modelsummary.catalog.nn;

import dev.modelsummary.compute.ComputeException;
import dev.modelsummary.compute.Forward;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.memory.ModuleNode;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

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
 *
 * <p>The forward pass runs on shapes only ({@link #trace}): a layer carries its torch class name and shape rule
 * ({@link #forwardAs}), a composite module overrides {@link #forward} to mirror the upstream {@code forward()},
 * calling its children with {@link #call} so the {@link Trace} sees each call as a forward hook would.
 */
public class Module implements ModuleNode {
    // small tables: most modules hold a few tensors and children (DeepSeek-V3 builds ~120k modules)
    private final Map<String, Slot> parameters = new LinkedHashMap<>(4);
    private final Map<String, Slot> buffers = new LinkedHashMap<>(2);
    private final Map<String, Module> children = new LinkedHashMap<>(4);
    private String torchClass;
    private Forward rule;
    /** How many times this module was set as a child: past one, its tensors are reached under several names. */
    private int registrations;

    /**
     * One registered tensor. The slot, not its entry, is the tensor's identity: a tied weight is one slot under
     * two names, as one {@code nn.Parameter} object is, and {@code requires_grad_} changes it for both.
     */
    private static final class Slot {
        private TensorEntry entry;
        /** Held under a second name ({@link #tie}, or a module registered twice): aliases are looked up. */
        private boolean shared;

        Slot(TensorEntry entry) {
            this.entry = entry;
        }
    }

    /** Registers a float32 trainable parameter ({@code nn.Parameter(torch.empty(shape))}). */
    protected final void parameter(String name, long... shape) {
        register(parameters, name, TensorEntry.parameter(name, Shape.of(shape), DType.FLOAT32, true));
    }

    /** Registers a buffer ({@code register_buffer(name, torch.empty(shape, dtype=dtype))}). */
    protected final void buffer(String name, DType dtype, long... shape) {
        register(buffers, name, TensorEntry.buffer(name, Shape.of(shape), dtype));
    }

    /**
     * {@code self.name = source.sourceName}, both parameters: this module's parameter becomes the very same
     * parameter as {@code source}'s (tied weights, as {@code tie_weights()} does), keeping its place in the
     * order. {@code state_dict()} then lists it under both names and {@code named_parameters()} once, under the
     * first; {@link #tensors()} marks the later names as aliases. A name this module does not hold yet (a
     * {@code Linear(bias=False)}'s {@code bias}, which Python registers as None) is added last, where Python's
     * None place was for every layer of this DSL.
     */
    public final void tie(String name, Module source, String sourceName) {
        Slot shared = source.parameters.get(sourceName);
        if (shared == null) {
            throw new IllegalStateException("no parameter '" + sourceName + "' to tie to");
        }
        shared.shared = true;
        parameters.put(name, shared);
    }

    /** Registers a child module under a new attribute name ({@code self.name = child}); returns the child. */
    public final <M extends Module> M add(String name, M child) {
        BuildBudget.spend();
        checkFree(name);
        children.put(name, child);
        if (child != null) {
            ((Module) child).registrations++;
        }
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
        if (child != null) {
            ((Module) child).registrations++;
        }
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

    @Override
    public final List<Map.Entry<String, ? extends ModuleNode>> namedChildren() {
        List<Map.Entry<String, ? extends ModuleNode>> out = new ArrayList<>(children.size());
        for (Map.Entry<String, Module> e : children.entrySet()) {
            if (e.getValue() != null) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    @Override
    public final List<String> ownParameterNames() {
        return List.copyOf(parameters.keySet());
    }

    @Override
    public final List<String> ownBufferNames() {
        return List.copyOf(buffers.keySet());
    }

    /** Children in registration order, empty places ({@code None}) included as null values. */
    public final Map<String, Module> childrenWithEmptyPlaces() {
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
        parameters.forEach((name, slot) -> {
            if (names.test(prefix + name)) {
                slot.entry = slot.entry.withRole(Role.PARAMETER, requiresGrad);
            }
        });
        children.forEach((name, child) -> {
            if (child != null) {
                child.setRequiresGrad(prefix + name + ".", names, requiresGrad);
            }
        });
    }

    /**
     * {@code module.to(dtype)}: every floating-point parameter and buffer under this module (float32, the only
     * floating dtype this DSL builds) becomes {@code dtype}; integer and bool buffers stay as they are. A tied
     * tensor is one slot, so it changes once.
     */
    public final void toDType(DType dtype) {
        // plain loops: this runs once per module, 120k times for DeepSeek-V3
        for (Slot slot : parameters.values()) {
            convert(slot, dtype);
        }
        for (Slot slot : buffers.values()) {
            convert(slot, dtype);
        }
        for (Module child : children.values()) {
            if (child != null) {
                child.toDType(dtype);
            }
        }
    }

    /**
     * {@code module.to(dtype)} restricted to the tensors under this module whose dotted name (relative to this
     * module) matches {@code names}: what a family does when some tensors are created in a fixed dtype
     * ({@code torch.FloatTensor}) that the default dtype a model is built in does not reach.
     */
    public final void toDType(DType dtype, Predicate<String> names) {
        toDType("", dtype, names);
    }

    private void toDType(String prefix, DType dtype, Predicate<String> names) {
        parameters.forEach((name, slot) -> {
            if (names.test(prefix + name)) {
                convert(slot, dtype);
            }
        });
        buffers.forEach((name, slot) -> {
            if (names.test(prefix + name)) {
                convert(slot, dtype);
            }
        });
        children.forEach((name, child) -> {
            if (child != null) {
                child.toDType(prefix + name + ".", dtype, names);
            }
        });
    }

    private static void convert(Slot slot, DType dtype) {
        TensorEntry t = slot.entry;
        if (t.dtype() == DType.FLOAT32) {
            slot.entry = new TensorEntry(t.name(), t.shape(), dtype, t.role(), t.trainable(), t.aliasOf());
        }
    }

    private void register(Map<String, Slot> into, String name, TensorEntry entry) {
        BuildBudget.spend();
        checkFree(name);
        into.put(name, new Slot(entry));
    }

    private void checkFree(String name) {
        if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("attribute '" + name + "' is already registered");
        }
    }

    protected final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Every parameter and buffer under this module with its dotted name, in {@code state_dict()} order. A
     * tensor reached a second time (a tied weight, or a module registered under two names) is listed again
     * with {@link TensorEntry#aliasOf} naming its first place, as {@code state_dict()} lists it again and
     * {@code named_parameters()} leaves it out.
     */
    public final List<TensorEntry> tensors() {
        List<TensorEntry> out = new ArrayList<>();
        collect("", out, new IdentityHashMap<>(), false);
        return out;
    }

    /** {@code sum(p.numel() for p in self.parameters())}: a tied parameter once. */
    public final long parameterCount() {
        return countParameters(Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private long countParameters(Set<Slot> seen) {
        long sum = 0;
        for (Slot slot : parameters.values()) {
            if (seen.add(slot) && slot.entry.isParameter()) {
                sum = Math.addExact(sum, slot.entry.numel());
            }
        }
        for (Module child : children.values()) {
            if (child != null) {
                sum = Math.addExact(sum, child.countParameters(seen));
            }
        }
        return sum;
    }

    private void collect(String prefix, List<TensorEntry> out, Map<Slot, String> firstNames, boolean track) {
        boolean tracked = track || registrations > 1;
        // plain loops, no lambda per module: DeepSeek-V3 walks 120k modules here
        for (Map.Entry<String, Slot> e : parameters.entrySet()) {
            out.add(named(prefix + e.getKey(), e.getValue(), firstNames, tracked));
        }
        for (Map.Entry<String, Slot> e : buffers.entrySet()) {
            out.add(named(prefix + e.getKey(), e.getValue(), firstNames, tracked));
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            Module child = e.getValue();
            if (child != null) {
                child.collect(prefix + e.getKey() + ".", out, firstNames, tracked);
            }
        }
    }

    private static TensorEntry named(String name, Slot slot, Map<Slot, String> firstNames, boolean tracked) {
        TensorEntry entry = slot.entry.withName(name);
        if (!tracked && !slot.shared) {
            return entry; // held once: no alias to find
        }
        String first = firstNames.putIfAbsent(slot, name);
        return first == null ? entry : entry.withAliasOf(first);
    }

    /**
     * This layer is the torch class {@code torchClass} whose forward is {@code rule}; returns this module. The
     * parameters are untouched.
     */
    public final Module forwardAs(String torchClass, Forward rule) {
        this.torchClass = torchClass;
        this.rule = rule;
        return this;
    }

    /**
     * This module is the torch class {@code torchClass} as hooks report it: for a Java class that stands for
     * several torch classes (a family's {@code prefix + "MLP"}, a quantizable variant) or one whose name Java
     * does not spell ({@code _DenseLayer}). Called while the module is built; returns this module.
     */
    public final Module className(String torchClass) {
        this.torchClass = torchClass;
        return this;
    }

    /**
     * The torch class name hooks report ({@code type(module).__name__}): the one {@link #className(String)} or
     * {@link #forwardAs} set, else this Java class's simple name when it is a named class mirroring the torch one.
     * Final: a module names itself while it is built, so the name is one field, not a method to override.
     */
    public final String className() {
        if (torchClass != null) {
            return torchClass;
        }
        return JAVA_CLASS_NAMES.get(getClass());
    }

    /** A Java class's name as {@link #className} gives it, worked out once per class (reflection is slow). */
    private static final ClassValue<String> JAVA_CLASS_NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> c) {
            return c.isAnonymousClass() ? "Module" : c.getSimpleName();
        }
    };

    /**
     * {@code forward(x)} on shapes: the layer rule set by {@link #forwardAs}; composite modules override it.
     *
     * @throws UnsupportedOperationException for a module whose forward is not written yet
     */
    public Shape forward(Trace trace, Shape x) {
        if (rule == null) {
            throw new UnsupportedOperationException(className() + " has no forward pass yet");
        }
        return rule.apply(trace, x);
    }

    /**
     * {@code forward(xs)} for a module whose forward takes a list of tensors (DenseNet's {@code _DenseLayer});
     * by default a list of one is that one tensor.
     *
     * @throws UnsupportedOperationException for more than one tensor, unless overridden
     */
    public Shape forward(Trace trace, List<Shape> xs) {
        if (xs.size() != 1) {
            throw new UnsupportedOperationException(className() + " takes one tensor, not a list");
        }
        return forward(trace, xs.get(0));
    }

    /** {@code self.name(x)}: a hooked call of the child {@code name}. */
    public final Shape call(Trace trace, String name, Shape x) {
        return child(name).invoke(trace, name, List.of(x), () -> child(name).forward(trace, x));
    }

    /**
     * {@code self.list[name](x)}, where {@code list} is an {@code nn.ModuleList} that is iterated, not called:
     * a hooked call of the grandchild, under the path {@code list.name}.
     */
    public final Shape call(Trace trace, String list, String name, Shape x) {
        Module module = child(list).child(name);
        return module.invoke(trace, list + "." + name, List.of(x), () -> module.forward(trace, x));
    }

    /** {@code self.name([x0, x1, ...])}: a hooked call of the child {@code name} on a list of tensors. */
    public final Shape call(Trace trace, String name, List<Shape> xs) {
        return child(name).invoke(trace, name, xs, () -> child(name).forward(trace, xs));
    }

    /**
     * {@code model(x)} on shapes for an input of shape {@code input}: every module call, its output shapes and
     * FLOPs.
     *
     * @throws ComputeException where torch would refuse the input, or a count passes 2^63-1, naming the module
     */
    public final Trace trace(Shape input) {
        Trace trace = new Trace();
        invokeOutputs(trace, "", List.of(input), () -> forwardOutputs(trace, List.of(input)));
        return trace;
    }

    /**
     * {@code model(x0, x1, ...)} on shapes for a model taking several input tensors (CLIPModel's
     * {@code input_ids} and {@code pixel_values}, Whisper's {@code input_features} and {@code decoder_input_ids}),
     * in the order its {@link #forwardOutputs} reads them: as {@link #trace(Shape)} otherwise.
     *
     * @throws ComputeException where torch would refuse the inputs, or a count passes 2^63-1, naming the module
     */
    public final Trace traceAll(List<Shape> inputs) {
        Trace trace = new Trace();
        List<Shape> xs = List.copyOf(inputs);
        invokeOutputs(trace, "", xs, () -> forwardOutputs(trace, xs));
        return trace;
    }

    /**
     * {@code forward(...)} on shapes for a module returning several tensors (a tuple, or a dict by value, in
     * order: torchvision's {@code IntermediateLayerGetter}, the segmentation models); by default the one tensor
     * of {@link #forward(Trace, List)}.
     */
    public List<Shape> forwardOutputs(Trace trace, List<Shape> xs) {
        return List.of(forward(trace, xs));
    }

    /** {@code self.name(x)} for a child returning several tensors: all of them, in order. */
    public final List<Shape> callOutputs(Trace trace, String name, Shape x) {
        return child(name).invokeOutputs(trace, name, List.of(x), () -> child(name).forwardOutputs(trace,
                List.of(x)));
    }

    /**
     * {@code self.name(x0, x1, ...)} for a child taking several tensors and returning several (transformers'
     * {@code rotary_emb(x, position_ids)} returning {@code (cos, sin)}): all outputs, in order.
     */
    public final List<Shape> callOutputs(Trace trace, String name, List<Shape> xs) {
        return child(name).invokeOutputs(trace, name, xs, () -> child(name).forwardOutputs(trace, xs));
    }

    /**
     * {@code self.list[name](x0, x1, ...)} for an iterated {@code nn.ModuleList} whose item returns several tensors
     * (a transformers layer returning a tuple): all outputs, in order, under the path {@code list.name}.
     */
    public final List<Shape> callOutputs(Trace trace, String list, String name, List<Shape> xs) {
        Module module = child(list).child(name);
        return module.invokeOutputs(trace, list + "." + name, xs, () -> module.forwardOutputs(trace, xs));
    }

    /** {@code self.list[name](x)} returning several tensors: {@link #callOutputs(Trace, String, String, List)}. */
    public final List<Shape> callOutputs(Trace trace, String list, String name, Shape x) {
        return callOutputs(trace, list, name, List.of(x));
    }

    private Shape invoke(Trace trace, String name, List<Shape> in, Supplier<Shape> run) {
        return invokeOutputs(trace, name, in, () -> List.of(run.get())).get(0);
    }

    private List<Shape> invokeOutputs(Trace trace, String name, List<Shape> in, Supplier<List<Shape>> run) {
        boolean leaf = true;
        for (Module child : children.values()) { // a loop, not a stream: this runs for every call of a trace
            if (child != null) {
                leaf = false;
                break;
            }
        }
        // counted once per module and trace: a model of thousands of calls would otherwise walk its tree each time
        trace.enter(name, className(), trace.memo(this, this::parameterCount), leaf, in);
        List<Shape> out;
        try {
            out = run.get();
        } catch (ComputeException e) {
            throw e.at(trace.path());
        }
        trace.exit(out);
        return out;
    }
}
