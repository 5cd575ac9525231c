package dev.modelsummary.summary;

import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.PartialTraceException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one forward pass costs, as torchinfo totals it plus FLOPs: every module call with its shapes, parameters
 * and FLOPs, and the sizes of the input, the forward activations and the parameters.
 *
 * @param input           what the model ran on
 * @param calls           every module call in the order calls start, the root first
 * @param flops           {@code FlopCounterMode.get_total_flops()}
 * @param activations     output elements of every leaf-module call
 * @param elementBytes    bytes of one element in the model's dtype (its parameters' most common one by bytes)
 * @param inputBytes      the input tensor's bytes (token ids are int64)
 * @param activationBytes {@code activations} in the model's dtype
 * @param parameterBytes  the parameters' stored bytes (tied weights once)
 * @param depth           how deep the per-module tables of text, Markdown and HTML go (JSON lists every call)
 * @param partial         null for a whole forward pass; else where and why it stopped (the part that depends on
 *                        the data, a detector's NMS): the calls still open then have no outputs, and every
 *                        figure counts what ran before the stop
 */
public record ComputeSummary(ModelInput input, List<Trace.Call> calls, long flops, long activations,
                             int elementBytes, long inputBytes, long activationBytes, long parameterBytes,
                             int depth, String partial) {

    /** torchinfo's default {@code depth}. */
    public static final int DEFAULT_DEPTH = 3;

    /** One row of the per-module table: a call with its depth and its torchinfo {@code depth-idx} label. */
    public record Row(Trace.Call call, int depth, int index) {
        /** torchinfo's {@code 2-3}: the third call under its parent, at depth 2. */
        public String depthIndex() {
            return depth + "-" + index;
        }

        /** The module's own name: the last part of its path, or the class for the root. */
        public String label() {
            return call.className() + (depth == 0 ? "" : ": " + depthIndex());
        }
    }

    public ComputeSummary {
        calls = List.copyOf(calls);
    }

    /**
     * @throws dev.modelsummary.compute.ComputeOverflowException when a byte total passes 2^63-1
     */
    public static ComputeSummary of(Summary summary, ModelInput input, Trace trace) {
        return of(summary, input, trace.calls(), null);
    }

    /** What ran before a forward pass stopped where the data decides ({@link PartialTraceException}). */
    public static ComputeSummary partial(Summary summary, ModelInput input, PartialTraceException stop) {
        return of(summary, input, stop.calls(), stop.getMessage());
    }

    private static ComputeSummary of(Summary summary, ModelInput input, List<Trace.Call> calls, String partial) {
        int elementBytes = modelElementBytes(summary);
        long activations = activations(calls);
        long flops = calls.isEmpty() ? 0 : calls.get(0).flops();
        return new ComputeSummary(input, calls, flops, activations, elementBytes, input.bytes(elementBytes),
                Exact.mul(activations, elementBytes), summary.parameters().bytes(), DEFAULT_DEPTH, partial);
    }

    /**
     * Output elements of every leaf-module call: torchinfo's forward activations.
     *
     * @throws dev.modelsummary.compute.ComputeOverflowException past 2^63-1
     */
    public static long activations(List<Trace.Call> calls) {
        long activations = 0;
        for (Trace.Call call : calls) {
            if (call.leaf()) {
                for (var shape : call.out()) {
                    activations = Exact.add(activations, Exact.numel(shape));
                }
            }
        }
        return activations;
    }

    /** This summary with its tables going {@code newDepth} deep. */
    public ComputeSummary withDepth(int newDepth) {
        return new ComputeSummary(input, calls, flops, activations, elementBytes, inputBytes, activationBytes,
                parameterBytes, newDepth, partial);
    }

    /** Multiply-accumulates: torchvision's published "GFLOPS" ({@code _ops}) are these in billions. */
    public long macs() {
        return flops / 2;
    }

    /** Input, forward activations and parameters together: what one forward pass holds at its peak, at most. */
    public long totalBytes() {
        return Exact.add(Exact.add(inputBytes, activationBytes), parameterBytes);
    }

    /** The calls down to {@link #depth}, each with its depth and index under its parent. */
    public List<Row> rows() {
        return rows(depth);
    }

    /** The calls down to {@code maxDepth} (0: the root alone), each with its depth and index under its parent. */
    public List<Row> rows(int maxDepth) {
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> childrenSeen = new HashMap<>();
        for (Trace.Call call : calls) {
            String name = call.name();
            int depth = name.isEmpty() ? 0 : (int) name.chars().filter(c -> c == '.').count() + 1;
            String parent = depth <= 1 ? "" : name.substring(0, name.lastIndexOf('.'));
            int index = depth == 0 ? 0 : childrenSeen.merge(parent, 1, Integer::sum);
            if (depth <= maxDepth) {
                rows.add(new Row(call, depth, index));
            }
        }
        return rows;
    }

    /** Bytes per element of the floating dtype holding most bytes (4 for a model without one). */
    private static int modelElementBytes(Summary summary) {
        return DTypeStat.mainFloating(summary.dtypes()).map(DType::blockBytes).orElse(Float.BYTES);
    }
}
