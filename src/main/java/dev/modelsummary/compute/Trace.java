package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What forward hooks would record: one {@link Call} per module call, in the order the calls start (a module
 * before what it calls). FLOPs an op counts go to every call open at that moment, so each call's figure
 * includes its sub-calls, as {@code FlopCounterMode} attributes them to every module on its stack.
 */
public final class Trace {

    /** One finished module call. {@code flops} includes everything the call ran. */
    public record Call(String name, String className, List<Shape> in, List<Shape> out, long parameters,
                       long flops, boolean leaf) {
    }

    private static final class Open {
        final String name;
        final String className;
        final List<Shape> in;
        final long parameters;
        final boolean leaf;
        final int index;
        long flops;

        Open(String name, String className, List<Shape> in, long parameters, boolean leaf, int index) {
            this.name = name;
            this.className = className;
            this.in = in;
            this.parameters = parameters;
            this.leaf = leaf;
            this.index = index;
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final Map<Object, Long> memo = new IdentityHashMap<>();
    private final Deque<Open> open = new ArrayDeque<>();
    private String lastFinished;

    /**
     * A call of the child {@code childName} of the innermost open call starts (the root's name is empty).
     * {@code leaf} is whether the module has no children.
     */
    public void enter(String childName, String className, long parameters, boolean leaf, List<Shape> in) {
        Open parent = open.peek();
        String path = parent == null || parent.name.isEmpty() ? childName : parent.name + "." + childName;
        calls.add(null); // the place of this call: calls are listed in the order they start
        open.push(new Open(path, className, List.copyOf(in), parameters, leaf, calls.size() - 1));
    }

    /**
     * A figure of {@code key} (a module's parameter count) computed once per trace: the tree does not change
     * while it runs.
     */
    public long memo(Object key, LongSupplier compute) {
        Long known = memo.get(key);
        if (known == null) {
            known = compute.getAsLong();
            memo.put(key, known);
        }
        return known;
    }

    /** The innermost open call returns {@code out}. */
    public void exit(List<Shape> out) {
        Open call = open.pop();
        calls.set(call.index, new Call(call.name, call.className, call.in, List.copyOf(out), call.parameters,
                call.flops, call.leaf));
        lastFinished = call.name;
    }

    /** An op ran {@code n} FLOPs inside every open call. */
    public void flops(long n) {
        for (Open call : open) {
            call.flops = Exact.add(call.flops, n);
        }
    }

    /** The innermost open call's path (empty for the root or outside any call). */
    public String path() {
        Open call = open.peek();
        return call == null ? "" : call.name;
    }

    /** The finished calls in call order. */
    public List<Call> calls() {
        if (!open.isEmpty()) {
            throw new IllegalStateException("calls still open: " + open.size());
        }
        return List.copyOf(calls);
    }

    /** {@code get_total_flops()}: the root call's FLOPs (0 before any call). */
    public long totalFlops() {
        return calls().isEmpty() ? 0 : calls.get(0).flops();
    }

    /** {@code get_flop_counts()} summed over ops: per path, the FLOPs of all its calls; zeros left out. */
    public Map<String, Long> flopsByModule() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Call call : calls()) {
            if (call.flops() != 0) {
                out.merge(call.name(), call.flops(), Exact::add);
            }
        }
        return out;
    }

    /** The output elements of every leaf module call, summed. */
    public long activations() {
        long sum = 0;
        for (Call call : calls()) {
            if (call.leaf()) {
                for (Shape s : call.out()) {
                    sum = Exact.add(sum, Exact.numel(s));
                }
            }
        }
        return sum;
    }

    /**
     * The calls so far, in call order, also while some are still open (a trace stopped by a
     * {@link PartialTraceException}): a finished call as {@link #calls()} gives it, an open one with the FLOPs
     * it has run so far and no outputs.
     */
    public List<Call> partialCalls() {
        List<Call> out = new ArrayList<>(calls);
        for (Open call : open) {
            out.set(call.index, new Call(call.name, call.className, call.in, List.of(), call.parameters, call.flops,
                    call.leaf));
        }
        return List.copyOf(out);
    }

    /** The paths of the calls still open, innermost first (empty once the root has returned). */
    public List<String> openPaths() {
        return open.stream().map(call -> call.name).toList();
    }

    /** The path of the call that finished last (null before any). */
    public String lastFinished() {
        return lastFinished;
    }
}
