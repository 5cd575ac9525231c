package dev.modelsummary.report;

import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.DTypeStat;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.ModuleTree;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Counts;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A terminal table for people: every parameter tensor, then forms, dtypes and totals, columns aligned.
 *
 * <p>Written straight to its destination, row by row: a model with millions of tensors is never held as text.
 * Names come from files, so they are escaped ({@link Quote#escaped}: a terminal sees no control character) and
 * do not decide a column's width past {@link #MAX_COLUMN_WIDTH}: a longer name overflows its cell and pushes
 * the rest of its own row, instead of padding every row to its length.
 */
public final class TextReport {
    /** Wider than any real tensor name (the longest torchvision one has 58 characters). */
    static final int MAX_COLUMN_WIDTH = 100;

    private TextReport() {
    }

    /** The report as a string, for tests and small models; the CLI streams with {@link #write}. */
    public static String render(Summary summary) {
        return Renderer.toText(TextReport::write, summary);
    }

    /**
     * The report: the totals and what the file says first (the first screen answers what it holds), then the
     * memory, compute or module tables asked for, then every parameter tensor (unless {@code --summary}), so a
     * model of a thousand tensors does not push its totals off the screen.
     */
    public static void write(Summary summary, Writer out, OptionalInt depth) throws IOException {
        WrappingWriter.fitted(out, fitted -> writeSections(summary, fitted, depth));
    }

    /** The report's sections, in order; on a terminal {@code out} wraps what tables do not fit themselves. */
    private static void writeSections(Summary summary, Writer out, OptionalInt depth) throws IOException {
        writeTotals(summary, out);
        if (summary.memory() != null) {
            MemoryText.write(summary.memory(), out);
        }
        if (summary.compute() != null) {
            ComputeText.write(summary, out); // its module table is the one --depth limits
        } else if (depth.isPresent()) {
            writeModules(summary, depth.getAsInt(), out);
        }
        if (summary.tensorTable()) {
            out.write('\n');
            writeTensors(summary, out);
        }
    }

    /** The report without module, compute or memory tables. */
    public static void write(Summary summary, Writer out) throws IOException {
        write(summary, out, OptionalInt.empty());
    }

    /** The title, the file's facts, the totals, dtypes and forms, and what the file says besides its tensors. */
    private static void writeTotals(Summary summary, Writer out) throws IOException {
        Model model = summary.model();
        out.write(Quote.escaped(model.name()) + "  (" + model.format() + ": " + Quote.escaped(model.source())
                + ")\n");
        writeFacts(out, model.details().facts());
        out.write('\n');
        long count = summary.parameters().count();
        out.write(String.format(Locale.ROOT, "Parameters: %s%s in %s, %s trainable, %s%n",
                grouped(count), count < 1000 ? "" : " (" + Counts.hub(count) + ")",
                Counts.tensors(summary.parameters().tensors()), grouped(summary.parameters().trainable()),
                humanBytes(summary.parameters().bytes())));
        if (summary.experts() != null) {
            out.write("Active:     " + MemoryTables.experts(summary.experts()) + "\n");
        }
        out.write(String.format(Locale.ROOT, "Buffers:    %s in %s, %s%n",
                grouped(summary.buffers().count()), Counts.tensors(summary.buffers().tensors()),
                humanBytes(summary.buffers().bytes())));
        out.write("Stored:     " + DetailLines.stored(summary) + "\n");
        out.write('\n');
        List<DTypeStat> dtypeStats = summary.dtypes();
        TextTable dtypes = new TextTable(DetailLines.DTYPE_COLUMNS.toArray(String[]::new));
        dtypes.rightAlign(1, 2, 3);
        dtypes.write(out, dtypeStats.size(), i -> DetailLines.dtypeRow(dtypeStats.get(i)));

        out.write('\n');
        List<FormStat> formStats = summary.forms();
        TextTable forms = new TextTable("Form", "Tensors", "%", "Parameters", "%");
        forms.rightAlign(1, 2, 3, 4);
        forms.write(out, formStats.size(), i -> {
            FormStat f = formStats.get(i);
            return new String[] {f.form().label(), grouped(f.tensors()),
                    PythonNumbers.percent(f.tensors(), summary.parameters().tensors()), grouped(f.count()),
                    PythonNumbers.percent(f.count(), summary.parameters().count())};
        });

        FileDetails details = model.details();
        if (details.checkpoint() != null) {
            writeCheckpoint(out, details.checkpoint());
        }
        if (details.pickle() != null) {
            out.write("\nPickle: " + DetailLines.pickleVerdict(details.pickle()) + "\n");
            for (String line : DetailLines.afterStop(details.pickle())) {
                out.write("Warning: " + line + "\n");
            }
        }
        for (String note : details.notes()) {
            out.write("Note: " + Quote.escaped(note) + "\n");
        }
        for (String warning : model.warnings()) {
            out.write("Warning: " + Quote.escaped(warning) + "\n");
        }
    }

    /**
     * Every parameter tensor, in the source's order. On a terminal the table keeps to its width: names are cut
     * in the middle, never numbers, and the Squeezed column, which mostly repeats Shape, is left out when it
     * repeats it on every row, or when the table is too wide with it.
     */
    private static void writeTensors(Summary summary, Writer out) throws IOException {
        List<TensorEntry> layers = summary.layers();
        int columns = TerminalWidth.columns();
        boolean squeezed = columns == 0
                || layers.stream().anyMatch(t -> t.shape().squeezed().rank() != t.shape().rank());
        TextTable layerTable = squeezed
                ? new TextTable("#", "Name", "Shape", "Squeezed", "Parameters", "Form", "DType")
                : new TextTable("#", "Name", "Shape", "Parameters", "Form", "DType");
        layerTable.rightAlign(0, squeezed ? 4 : 3);
        layerTable.nameColumn(1);
        if (squeezed) {
            layerTable.dropWhenNarrow(3);
        }
        layerTable.write(out, layers.size(), i -> {
            TensorEntry t = layers.get(i);
            String name = Quote.escaped(t.name());
            return squeezed
                    ? new String[] {Integer.toString(i + 1), name, t.shape().toPythonTuple(),
                            t.shape().squeezed().toPythonTuple(), grouped(t.numel()), t.form().label(),
                            t.dtype().torchName()}
                    : new String[] {Integer.toString(i + 1), name, t.shape().toPythonTuple(), grouped(t.numel()),
                            t.form().label(), t.dtype().torchName()};
        });
    }

    /**
     * Parameters per module down to {@code depth}, as fvcore's {@code parameter_count_table} shows them: each
     * module's path indented two spaces per level, its own parameters, its subtree's and their share of the
     * model. The root row is the model.
     */
    static void writeModules(Summary summary, int depth, Writer out) throws IOException {
        List<ModuleTree.Node> modules = ModuleTree.of(summary).rollup(depth);
        long whole = modules.get(0).parameters();
        out.write("\nModules (depth " + depth + "):\n");
        TextTable table = new TextTable("Module", "Own parameters", "Parameters", "%", "Tensors");
        table.rightAlign(1, 2, 3, 4);
        table.nameColumn(0);
        table.write(out, modules.size(), i -> {
            ModuleTree.Node m = modules.get(i);
            String label = m.depth() == 0 ? summary.name() : m.path();
            return new String[] {"  ".repeat(m.depth()) + Quote.escaped(label), grouped(m.ownParameters()),
                    grouped(m.parameters()), PythonNumbers.percent(m.parameters(), whole), grouped(m.tensors())};
        });
    }

    /** {@code  label: value} lines under the title; values come from the file. */
    private static void writeFacts(Writer out, List<Fact> facts) throws IOException {
        for (Fact fact : facts) {
            out.write("  " + Quote.escaped(fact.label()) + ": " + Quote.escaped(fact.value()) + "\n");
        }
    }

    /** Every top-level entry of the checkpoint, the model's own included. */
    private static void writeCheckpoint(Writer out, CheckpointContents checkpoint) throws IOException {
        out.write("\nCheckpoint contents (" + DetailLines.checkpointKey(checkpoint) + "):\n");
        List<CheckpointContents.Entry> entries = checkpoint.entries();
        TextTable table = new TextTable(DetailLines.CHECKPOINT_COLUMNS.toArray(String[]::new));
        table.rightAlign(2, 3, 4);
        table.nameColumn(0);
        table.write(out, entries.size(), i -> {
            String[] row = DetailLines.checkpointRow(entries.get(i));
            row[0] = Quote.escaped(row[0]);
            row[1] = Quote.escaped(row[1]);
            return row;
        });
    }

    static String grouped(long n) {
        return Counts.grouped(n);
    }

    /** Bytes in binary units with two decimals: {@code 1.13 GiB}; exact below 1 KiB. */
    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        return humanBytes((double) bytes);
    }

    /** {@link #humanBytes(long)} of a size that may hold a fraction (accelerate's int4 eighth of a byte). */
    public static String humanBytes(double bytes) {
        if (bytes < 1024) {
            return PythonNumbers.fixed2(bytes).replaceAll("\\.?0+$", "") + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return PythonNumbers.fixed2(value) + " " + units[unit];
    }
}
