package dev.modelsummary.report;

import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ModelDiff;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * {@code model-summary diff A B -f md}: the same sections as {@link DiffTextReport}, as GitHub Markdown tables
 * (for a pull request or an issue). Every value from a file goes through {@link MarkdownReport#cell}.
 */
public final class DiffMarkdownReport {
    private DiffMarkdownReport() {
    }

    public static void write(ModelDiff diff, int maxRows, Writer out) throws IOException {
        out.write("# " + MarkdownReport.cell(diff.a().name()) + " vs " + MarkdownReport.cell(diff.b().name())
                + "\n\n");
        out.write("- **A:** " + origin(diff.a()) + "\n");
        out.write("- **B:** " + origin(diff.b()) + "\n\n");
        if (diff.noDifference()) {
            out.write("**" + DiffRows.noDifference(diff) + "**\n");
            writeCompute(diff, out);
            return;
        }
        out.write("**Differ: " + DiffRows.counts(diff) + ".**\n");
        writeTensors(out, "Only in A", diff.onlyInA(), maxRows);
        writeTensors(out, "Only in B", diff.onlyInB(), maxRows);
        writeChanged(out, diff.changed(), maxRows);
        if (diff.values() != null) {
            writeTensors(out, "Other values", diff.values().differ(), maxRows);
        }
        out.write("\n**Totals**\n\n");
        writeRow(out, DiffRows.TOTALS_HEADER);
        out.write("| --- | ---: | ---: | ---: |\n");
        for (String[] row : DiffRows.totals(diff)) {
            writeRow(out, row);
        }
        out.write("\n**Forms** (parameter tensors)\n\n");
        writeRow(out, DiffRows.FORMS_HEADER);
        out.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ModelDiff.FormRow row : diff.forms()) {
            writeRow(out, DiffRows.form(row));
        }
        writeCompute(diff, out);
    }

    /** {@code --compute}: FLOPs, MACs and activations side by side, with each side's input. */
    private static void writeCompute(ModelDiff diff, Writer out) throws IOException {
        if (!DiffRows.hasCompute(diff)) {
            return;
        }
        out.write("\n**" + DiffRows.COMPUTE_HEADING + "**\n\n");
        out.write("- **A** on " + MarkdownReport.cell(ComputeText.inputLabel(diff.a().compute().input())) + "\n");
        out.write("- **B** on " + MarkdownReport.cell(ComputeText.inputLabel(diff.b().compute().input())) + "\n\n");
        writeRow(out, DiffRows.TOTALS_HEADER);
        out.write("| --- | ---: | ---: | ---: |\n");
        for (String[] row : DiffRows.compute(diff)) {
            writeRow(out, row);
        }
    }

    /** {@code resnet50 (builtin: resnet50)}. */
    private static String origin(Summary summary) {
        Model model = summary.model();
        return MarkdownReport.cell(model.name()) + " (" + model.format() + ": " + MarkdownReport.cell(model.source())
                + ")";
    }

    private static void writeTensors(Writer out, String heading, List<TensorEntry> tensors, int maxRows)
            throws IOException {
        if (tensors.isEmpty()) {
            return;
        }
        out.write("\n**" + heading + "** (" + TextReport.grouped(tensors.size()) + ")\n\n");
        out.write("| Name | Tensor |\n| --- | --- |\n");
        int shown = Math.min(tensors.size(), maxRows);
        for (int i = 0; i < shown; i++) {
            TensorEntry t = tensors.get(i);
            writeCells(out, t.name(), DiffRows.describe(t));
        }
        writeMore(out, tensors.size(), shown);
    }

    private static void writeChanged(Writer out, List<ModelDiff.Change> changed, int maxRows) throws IOException {
        if (changed.isEmpty()) {
            return;
        }
        out.write("\n**Changed** (" + TextReport.grouped(changed.size()) + ")\n\n");
        out.write("| Name | A | B | Changed |\n| --- | --- | --- | --- |\n");
        int shown = Math.min(changed.size(), maxRows);
        for (int i = 0; i < shown; i++) {
            ModelDiff.Change change = changed.get(i);
            writeCells(out, change.name(), DiffRows.describe(change.a()), DiffRows.describe(change.b()),
                    DiffRows.aspects(change));
        }
        writeMore(out, changed.size(), shown);
    }

    private static void writeMore(Writer out, int rows, int shown) throws IOException {
        if (shown < rows) {
            out.write("\n" + DiffRows.more(rows, shown) + "\n");
        }
    }

    /** A row of values that may come from a file: each escaped. */
    private static void writeCells(Writer out, String... cells) throws IOException {
        String[] escaped = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            escaped[i] = MarkdownReport.cell(cells[i]);
        }
        writeRow(out, escaped);
    }

    /** A row of cells that are already safe. */
    private static void writeRow(Writer out, String[] cells) throws IOException {
        out.write("|");
        for (String cell : cells) {
            out.write(cell.isEmpty() ? " |" : " " + cell + " |");
        }
        out.write("\n");
    }
}
