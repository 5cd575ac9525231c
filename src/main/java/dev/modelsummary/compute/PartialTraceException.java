package dev.modelsummary.compute;

import java.util.List;

/**
 * The forward on shapes stopped where what runs next depends on the data, not on shapes: how many boxes NMS
 * keeps (the R-CNNs' proposals, every detector's final detections). Everything before that point is known
 * exactly and held in {@link #trace()}: the calls that finished, and the calls still open at the stop (the
 * root, the RPN) with the FLOPs they had run so far and no outputs ({@link Trace#partialCalls()}).
 *
 * <p>The message is one line: {@code traced through rpn.anchor_generator: rpn.filter_proposals: the number of
 * proposals NMS keeps depends on the image}. A CLI prints it as a note under the partial table (exit 0, the
 * figures are lower bounds for the whole model), not as an error.
 */
public final class PartialTraceException extends ComputeException {
    private final transient Trace trace;
    private final String part;
    private final String reason;

    /**
     * Stops the trace {@code trace} at {@code part} (the data-dependent step, as a dotted path or function name)
     * for {@code reason}.
     */
    public PartialTraceException(Trace trace, String part, String reason) {
        this(null, trace, part, reason);
    }

    private PartialTraceException(String path, Trace trace, String part, String reason) {
        super(path, "traced through " + lastFinished(trace) + ": " + part + ": " + reason);
        this.trace = trace;
        this.part = part;
        this.reason = reason;
    }

    private static String lastFinished(Trace trace) {
        String last = trace.lastFinished();
        return last == null ? "nothing" : last.isEmpty() ? "the root" : last;
    }

    /** The trace up to the stop: {@link Trace#partialCalls()} lists its calls. */
    public Trace trace() {
        return trace;
    }

    /** The data-dependent step where the trace stopped ({@code rpn.filter_proposals}). */
    public String part() {
        return part;
    }

    /** Why that step depends on the data. */
    public String reason() {
        return reason;
    }

    /** The calls known exactly, then the open ones as {@link Trace#partialCalls()} gives them. */
    public List<Trace.Call> calls() {
        return trace.partialCalls();
    }

    @Override
    public PartialTraceException at(String path) {
        return path() != null ? this : new PartialTraceException(path, trace, part, reason);
    }
}
