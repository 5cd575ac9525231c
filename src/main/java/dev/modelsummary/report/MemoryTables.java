package dev.modelsummary.report;

import dev.modelsummary.memory.Accelerate;
import dev.modelsummary.memory.Training;
import dev.modelsummary.summary.ExpertSummary;
import dev.modelsummary.summary.MemorySummary;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Counts;
import dev.modelsummary.text.Quote;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory section's tables as cells, shared by the text, Markdown and HTML reports: one table of inference
 * and training rows, accelerate's table, and with {@code --fits} what fits. Cells hold no markup.
 */
final class MemoryTables {
    /** A table: its header, its rows, and which columns are numbers (right-aligned). */
    record Table(String[] header, List<String[]> rows, int[] numeric) {
    }

    private static final String NONE = "—";

    private MemoryTables() {
    }

    /** {@code 12,879,925,248 (12.88G) of 46,702,792,704: 2 of 8 routed experts per token}. */
    static String experts(ExpertSummary experts) {
        long active = experts.active().active();
        return TextReport.grouped(active) + " (" + Counts.hub(active) + ") of " + TextReport.grouped(experts.active().total())
                + ": " + experts.routing().expertsPerToken() + " of " + experts.routing().experts()
                + " routed experts per token";
    }

    /** What the inference rows ran on: {@code token ids (batch, seq_len) 1,128}, or why nothing ran. */
    static String inputLabel(MemorySummary.Inference inference) {
        if (inference.input() == null) {
            return "a weight file alone has no forward pass: weights only";
        }
        return ComputeText.inputLabel(inference.input());
    }

    /**
     * Inference rows (weights + activations + KV cache) and training rows (weights + gradients, optimizer states
     * and master weights + the activations kept for backward).
     */
    static Table usage(MemorySummary memory) {
        MemorySummary.Inference inf = memory.inference();
        boolean known = inf.input() != null;
        List<String[]> rows = new ArrayList<>();
        for (MemorySummary.InferenceRow row : inf.rows()) {
            String label = row.precision() == MemorySummary.Precision.STORED
                    ? "as stored (" + storedLabel(memory.weights()) + ")" : row.precision().label();
            rows.add(new String[] {"inference", label, TextReport.humanBytes(row.weights()), NONE,
                    known ? TextReport.humanBytes(row.activationBytes()) : NONE, inf.kvCache() == null ? NONE : TextReport.humanBytes(row.kvBytes()),
                    TextReport.humanBytes(row.total())});
        }
        for (Training.Row row : memory.training()) {
            long activations = known ? Math.multiplyExact(Math.max(inf.activations(), 0),
                    (long) row.precision().elementBytes()) : 0;
            long state = Math.addExact(Math.addExact(row.gradients(), row.states()), row.master());
            rows.add(new String[] {"training " + row.optimizer().label(), row.precision().label(),
                    TextReport.humanBytes(row.weights()), TextReport.humanBytes(state), known ? TextReport.humanBytes(activations) : NONE, NONE,
                    TextReport.humanBytes(Math.addExact(row.total(), activations))});
        }
        return new Table(new String[] {"Use", "Precision", "Weights", "Grads+optimizer", "Activations", "KV cache",
                "Total"}, rows, new int[] {2, 3, 4, 5, 6});
    }

    /** The dtypes the parameters are stored in: {@code float16}, or {@code q4_k, q6_k, float32}. */
    static String storedLabel(MemorySummary.Weights weights) {
        List<String> names = new ArrayList<>();
        weights.byDtype().forEach(d -> names.add(d.dtype().torchName()));
        return names.isEmpty() ? "no parameters" : String.join(", ", names.subList(0, Math.min(4, names.size())))
                + (names.size() > 4 ? ", ..." : "");
    }

    /** How the training rows are counted: one line per precision, then one per optimizer's states. */
    static List<String> trainingFormulas() {
        List<String> lines = new ArrayList<>();
        for (Training.Precision p : Training.Precision.values()) {
            lines.add(p.label() + ": " + p.formula() + " (trainable parameters only for all but weights)");
        }
        for (Training.Optimizer o : Training.Optimizer.values()) {
            lines.add(o.label() + " states: " + o.statesFormula());
        }
        return lines;
    }

    /** accelerate's table, by its rules: each size the CLI's division of the float32 bytes. */
    static Table accelerate(MemorySummary memory) {
        List<String[]> rows = new ArrayList<>();
        for (MemorySummary.AccelerateRow row : memory.accelerate().rows()) {
            Accelerate.TrainingUsage t = row.training();
            rows.add(new String[] {row.dtype().label(), TextReport.humanBytes(row.largestLayer().doubleValue()),
                    TextReport.humanBytes(row.total().doubleValue()),
                    t.peak() < 0 ? "N/A" : TextReport.humanBytes(t.peak())});
        }
        return new Table(new String[] {"dtype", "Largest Layer", "Total Size", "Training using Adam"}, rows,
                new int[] {1, 2, 3});
    }

    /** {@code model.layers.0 (and 31 more of its size); no-split: LlamaDecoderLayer}. */
    static String largestLayer(MemorySummary memory) {
        MemorySummary.AccelerateRows a = memory.accelerate();
        List<String> names = a.largestLayer().names();
        String layer = names.isEmpty() ? "none (no parameters)" : Quote.escaped(names.get(0))
                + (names.size() > 1 ? " (and " + TextReport.grouped(names.size() - 1) + " more of its size)" : "");
        String noSplit = a.fromArchitecture()
                ? (a.noSplitModules().isEmpty() ? "no no-split classes" : "no-split: "
                + String.join(", ", a.noSplitModules()))
                : "module tree from the tensor names (no classes known)";
        return layer + "; " + noSplit;
    }

    /** {@code --fits}: per row, what it needs at the input asked for and the largest batch and length. */
    static Table fits(MemorySummary.Fits fits) {
        List<String[]> rows = new ArrayList<>();
        for (MemorySummary.FitRow row : fits.rows()) {
            rows.add(new String[] {row.mode(), row.dtype(), TextReport.humanBytes(row.needed()), row.fits() ? "yes" : "no",
                    maximum(row.maxBatch(), row.capped(), row.batchLimit()),
                    maximum(row.maxSeqLen(), row.capped(), row.seqLenLimit())});
        }
        return new Table(new String[] {"Use", "Precision", "Needed", "Fits", "Max batch", "Max seq_len"}, rows,
                new int[] {2, 4, 5});
    }

    /** {@code 1,024}, {@code >= 2,147,483,648} at the search's ceiling, {@code 1,024 (model limit)}. */
    private static String maximum(Long value, boolean capped, boolean modelLimit) {
        if (value == null) {
            return NONE;
        }
        return (capped && value == dev.modelsummary.summary.MemoryEstimator.CEILING ? ">= " : "") + TextReport.grouped(value)
                + (modelLimit && value > 0 ? " (model limit)" : "");
    }
}
