package dev.modelsummary.report;

import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.ModelDiff;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Counts;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the text and Markdown diff reports both show, as cells: unescaped, since each format escapes its own way.
 * Numbers are grouped ({@code 25,557,032}) and differences signed ({@code -2,028,510}).
 */
final class DiffRows {
    /** The header of the totals table; the first cell is the row label. */
    static final String[] TOTALS_HEADER = {"", "A", "B", "B - A"};
    /** The heading of the compute table, which the tensor comparison (and the exit code) leaves out. */
    static final String COMPUTE_HEADING = "Compute (one forward pass, on shapes; not part of the tensor comparison)";
    static final String[] FORMS_HEADER = {"Form", "Tensors A", "Tensors B", "B - A", "Parameters A",
        "Parameters B", "B - A"};

    private DiffRows() {
    }

    /**
     * {@code 2 changed, 0 only in A, 0 only in B, 318 the same in structure (values not compared)}, or with
     * {@code --values} {@code ..., 318 the same in structure, 3 pairs with other values}.
     */
    static String counts(ModelDiff diff) {
        String structure = TextReport.grouped(diff.changed().size()) + " changed, "
                + TextReport.grouped(diff.onlyInA().size()) + " only in A, " + TextReport.grouped(diff.onlyInB().size())
                + " only in B, " + TextReport.grouped(diff.same()) + " the same in structure";
        ModelDiff.Values values = diff.values();
        return values == null ? structure + " (values not compared)"
                : structure + ", " + TextReport.grouped(values.differ().size()) + " of "
                + TextReport.grouped(values.compared()) + " compared with other values";
    }

    /**
     * The sentence of a pair with nothing different: what was compared, so that it says how much. Without
     * {@code --values} the stored values were not read, and the sentence says so.
     */
    static String noDifference(ModelDiff diff) {
        String structure = Counts.tensors(diff.same()) + " with the same names, shapes, dtypes, roles "
                + "and ties (" + TextReport.grouped(diff.a().parameters().count()) + " parameters)";
        if (diff.values() == null) {
            return "Same structure: " + structure + "; values not compared"
                    + (holdsValues(diff.a()) && holdsValues(diff.b()) ? " (--values compares them)." : ".");
        }
        return "Same structure and values: " + structure + ", and the same stored bytes in all "
                + TextReport.grouped(diff.values().compared()) + " (SHA-256 of each).";
    }

    /** Whether a model was read from a file (a built-in or a config.json builds shapes without values). */
    private static boolean holdsValues(Summary summary) {
        return !summary.model().isBuiltin() && !"config".equals(summary.model().format());
    }

    /** {@code (1000, 2048) float32}, then {@code buffer}, {@code frozen} or {@code tied to NAME} when so. */
    static String describe(TensorEntry tensor) {
        StringBuilder text = new StringBuilder(tensor.shape().toPythonTuple()).append(' ')
                .append(tensor.dtype().torchName());
        if (tensor.role() == Role.BUFFER) {
            text.append(" buffer");
        } else if (!tensor.trainable()) {
            text.append(" frozen");
        }
        if (tensor.aliasOf() != null) {
            text.append(" tied to ").append(tensor.aliasOf());
        }
        return text.toString();
    }

    /** {@code shape, dtype}: what changed. */
    static String aspects(ModelDiff.Change change) {
        return change.aspects().stream().map(ModelDiff.Aspect::label).collect(Collectors.joining(", "));
    }

    /** Label, A, B and B - A for each total both models have. */
    static List<String[]> totals(ModelDiff diff) {
        Summary a = diff.a();
        Summary b = diff.b();
        return List.of(
                row("Parameter tensors", a.parameters().tensors(), b.parameters().tensors()),
                row("Parameters", a.parameters().count(), b.parameters().count()),
                row("Trainable", a.parameters().trainable(), b.parameters().trainable()),
                row("Buffer tensors", a.buffers().tensors(), b.buffers().tensors()),
                row("Buffer elements", a.buffers().count(), b.buffers().count()),
                row("Bytes", a.storedBytes(), b.storedBytes()));
    }

    /** Whether both sides were computed ({@code diff --compute}). */
    static boolean hasCompute(ModelDiff diff) {
        return diff.a().compute() != null && diff.b().compute() != null;
    }

    /**
     * {@code diff --compute}: the input each side ran on, then FLOPs, MACs and activations of A and B and
     * {@code B - A} (the input's last cell says whether the two inputs are the same).
     */
    static List<String[]> compute(ModelDiff diff) {
        ComputeSummary a = diff.a().compute();
        ComputeSummary b = diff.b().compute();
        return List.of(
                new String[] {"Input", ComputeText.shape(a.input().shape()), ComputeText.shape(b.input().shape()),
                    a.input().equals(b.input()) ? "same" : "other"},
                row("FLOPs", a.flops(), b.flops()),
                row("MACs (FLOPs / 2)", a.macs(), b.macs()),
                row("Activations", a.activations(), b.activations()),
                row("Activation bytes", a.activationBytes(), b.activationBytes()));
    }

    /** Form, tensors in A, B and B - A, parameters in A, B and B - A. */
    static String[] form(ModelDiff.FormRow row) {
        return new String[] {row.form().label(), TextReport.grouped(row.tensorsA()),
            TextReport.grouped(row.tensorsB()), signedDifference(row.tensorsA(), row.tensorsB()),
            TextReport.grouped(row.countA()), TextReport.grouped(row.countB()), signedDifference(row.countA(),
                row.countB())};
    }

    /** {@code … and 1,234 more (--max-rows)}: a cut list says so. */
    static String more(int rows, int shown) {
        return "... and " + TextReport.grouped(rows - (long) shown) + " more (raise --max-rows to list them)";
    }

    private static String[] row(String label, long a, long b) {
        return new String[] {label, TextReport.grouped(a), TextReport.grouped(b), signedDifference(a, b)};
    }

    /** {@code b - a}, signed; counts (FLOPs too) are never negative, so the difference always fits. */
    private static String signedDifference(long a, long b) {
        return signed(b - a);
    }

    private static String signed(long n) {
        return n > 0 ? "+" + TextReport.grouped(n) : TextReport.grouped(n);
    }
}
