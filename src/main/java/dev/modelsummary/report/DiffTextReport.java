package dev.modelsummary.report;

import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ModelDiff;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * {@code model-summary diff A B} for a terminal, shaped as {@code diff -u} users read it: {@code --- A} and
 * {@code +++ B}, then tensors only in A ({@code -}), only in B ({@code +}) and changed ({@code ~ name  A -> B}),
 * then the totals and form split side by side. Names come from files: escaped with {@link Quote#escaped}.
 * Rows are written as they are made, and a list past {@code maxRows} ends with a line that says how many more.
 */
public final class DiffTextReport {
    private DiffTextReport() {
    }

    /** The diff; on a terminal its lines and tables keep to its width. */
    public static void write(ModelDiff diff, int maxRows, Writer out) throws IOException {
        WrappingWriter.fitted(out, fitted -> writeDiff(diff, maxRows, fitted));
    }

    private static void writeDiff(ModelDiff diff, int maxRows, Writer out) throws IOException {
        out.write("--- " + title(diff.a()) + "\n");
        out.write("+++ " + title(diff.b()) + "\n\n");
        if (diff.noDifference()) {
            out.write(DiffRows.noDifference(diff) + "\n");
            writeCompute(diff, out);
            return;
        }
        out.write("Differ: " + DiffRows.counts(diff) + ".\n");
        writeTensors(out, "Only in A", "- ", diff.onlyInA(), maxRows);
        writeTensors(out, "Only in B", "+ ", diff.onlyInB(), maxRows);
        writeChanged(out, diff.changed(), maxRows);
        if (diff.values() != null) {
            writeTensors(out, "Other values", "! ", diff.values().differ(), maxRows);
        }

        out.write("\nTotals:\n");
        List<String[]> totals = DiffRows.totals(diff);
        TextTable totalsTable = new TextTable(DiffRows.TOTALS_HEADER);
        totalsTable.rightAlign(1, 2, 3);
        totalsTable.write(out, totals.size(), totals::get);

        out.write("\nForms (parameter tensors):\n");
        List<ModelDiff.FormRow> forms = diff.forms();
        TextTable formsTable = new TextTable(DiffRows.FORMS_HEADER);
        formsTable.rightAlign(1, 2, 3, 4, 5, 6);
        formsTable.write(out, forms.size(), i -> DiffRows.form(forms.get(i)));
        writeCompute(diff, out);
    }

    /** {@code --compute}: FLOPs, MACs and activations side by side, with each side's input. */
    private static void writeCompute(ModelDiff diff, Writer out) throws IOException {
        if (!DiffRows.hasCompute(diff)) {
            return;
        }
        out.write("\n" + DiffRows.COMPUTE_HEADING + ":\n");
        out.write("A on " + ComputeText.inputLabel(diff.a().compute().input()) + "\n");
        out.write("B on " + ComputeText.inputLabel(diff.b().compute().input()) + "\n");
        List<String[]> rows = DiffRows.compute(diff);
        TextTable table = new TextTable(DiffRows.TOTALS_HEADER);
        table.rightAlign(1, 2, 3);
        table.write(out, rows.size(), rows::get);
    }

    /** {@code resnet50  (builtin: resnet50)}: the name, and where the model came from. */
    private static String title(Summary summary) {
        Model model = summary.model();
        return Quote.escaped(model.name()) + "  (" + model.format() + ": " + Quote.escaped(model.source()) + ")";
    }

    private static void writeTensors(Writer out, String heading, String prefix, List<TensorEntry> tensors,
                                     int maxRows) throws IOException {
        if (tensors.isEmpty()) {
            return;
        }
        out.write("\n" + heading + " (" + TextReport.grouped(tensors.size()) + "):\n");
        int shown = Math.min(tensors.size(), maxRows);
        TextTable table = TextTable.headless(2);
        table.nameColumn(0);
        table.stackNameWhenCut();
        table.write(out, shown, i -> new String[] {prefix + Quote.escaped(tensors.get(i).name()),
            Quote.escaped(DiffRows.describe(tensors.get(i)))});
        writeMore(out, tensors.size(), shown);
    }

    private static void writeChanged(Writer out, List<ModelDiff.Change> changed, int maxRows) throws IOException {
        if (changed.isEmpty()) {
            return;
        }
        out.write("\nChanged (" + TextReport.grouped(changed.size()) + "):\n");
        int shown = Math.min(changed.size(), maxRows);
        TextTable table = TextTable.headless(5);
        table.nameColumn(0);
        table.stackNameWhenCut();
        table.write(out, shown, i -> {
            ModelDiff.Change change = changed.get(i);
            return new String[] {"~ " + Quote.escaped(change.name()), Quote.escaped(DiffRows.describe(change.a())),
                "->", Quote.escaped(DiffRows.describe(change.b())), DiffRows.aspects(change)};
        });
        writeMore(out, changed.size(), shown);
    }

    private static void writeMore(Writer out, int rows, int shown) throws IOException {
        if (shown < rows) {
            out.write(DiffRows.more(rows, shown) + "\n");
        }
    }
}
