package dev.modelsummary.report;

import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.Writer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a forward pass costs, in torchinfo's layout: {@code Layer (type:depth-idx)} rows with the tree drawn
 * as torchinfo draws it, then the totals under a rule. Fits {@link #WIDTH} columns, or a terminal's width by
 * {@link TextFit}'s rule (the name narrows, then Input Shape goes, then Output Shape): a long name is cut,
 * numbers never are (a call with many outputs shows its first and how many more).
 */
final class ComputeText {
    static final int WIDTH = 120;
    private static final int SHAPE_WIDTH = 26;
    private static final int MIN_NAME_WIDTH = 24;
    private static final String GAP = " ".repeat(TextFit.GAP);
    /** What goes, in this order, when a terminal is too narrow: each call's input is mostly the one before's output. */
    private static final int[] DROP_ORDER = {1, 2};

    private ComputeText() {
    }

    static void write(Summary summary, Writer out) throws IOException {
        ComputeSummary compute = summary.compute();
        List<ComputeSummary.Row> rows = compute.rows();
        String[][] cells = new String[rows.size()][];
        Set<String> seen = new HashSet<>();
        int[] widths = {0, "Input Shape".length(), "Output Shape".length(), "Param #".length(), "FLOPs".length()};
        for (int i = 0; i < rows.size(); i++) {
            ComputeSummary.Row row = rows.get(i);
            Trace.Call call = row.call();
            boolean again = !seen.add(call.name());
            cells[i] = new String[] {treePrefix(row.depth()) + Quote.escaped(row.label()), shapes(call.in()),
                    shapes(call.out()), again ? "(recursive)" : call.leaf() && call.parameters() > 0
                    ? TextReport.grouped(call.parameters()) : "--",
                    call.flops() == 0 ? "--" : TextReport.grouped(call.flops())};
            for (int c = 1; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], cells[i][c].length());
            }
        }
        int columns = TerminalWidth.columns();
        if (columns > 0) {
            widths = fitTerminal(widths, cells, rows, columns);
        } else {
            int numbers = widths[1] + widths[2] + widths[3] + widths[4] + 4 * GAP.length();
            widths[0] = Math.max(MIN_NAME_WIDTH, WIDTH - numbers);
        }
        String rule = "=".repeat(TextFit.lineWidth(widths)) + "\n";

        out.write("\nCompute: one forward pass on " + inputLabel(compute.input()) + "\n");
        out.write(rule);
        boolean terminal = columns > 0;
        writeRow(out, widths, terminal, new String[] {"Layer (type:depth-idx)", "Input Shape", "Output Shape",
                "Param #", "FLOPs"});
        out.write(rule);
        for (String[] row : cells) {
            writeRow(out, widths, terminal, row);
        }
        out.write(rule);
        if (compute.partial() != null) {
            out.write("Partial: " + Quote.escaped(compute.partial()) + "\n");
            out.write("(calls still open at the stop show no output; FLOPs and sizes count what ran before it)\n");
            out.write(rule);
        }
        long total = summary.parameters().count();
        long trainable = summary.parameters().trainable();
        out.write("Total params: " + TextReport.grouped(total) + "\n");
        out.write("Trainable params: " + TextReport.grouped(trainable) + "\n");
        out.write("Non-trainable params: " + TextReport.grouped(total - trainable) + "\n");
        out.write("Total FLOPs: " + TextReport.grouped(compute.flops()) + " (" + giga(compute.flops()) + " G)\n");
        out.write("Total MACs: " + TextReport.grouped(compute.macs()) + " (" + giga(compute.macs())
                + " G, torchinfo's mult-adds, torchvision's GFLOPS)\n");
        out.write(rule);
        out.write("Input size: " + TextReport.humanBytes(compute.inputBytes()) + "\n");
        out.write("Forward activations: " + TextReport.humanBytes(compute.activationBytes()) + " ("
                + TextReport.grouped(compute.activations()) + " elements, " + compute.elementBytes()
                + " bytes each)\n");
        out.write("Params size: " + TextReport.humanBytes(compute.parameterBytes()) + "\n");
        out.write("Estimated total size: " + TextReport.humanBytes(compute.totalBytes()) + "\n");
        out.write(rule);
    }

    /**
     * The widths on a terminal of {@code columns}, by {@link TextFit}'s rule, the name filling what is left. When
     * names would be cut, the tree is first drawn narrower ({@code │ └─}), which keeps more of each name.
     */
    private static int[] fitTerminal(int[] widths, String[][] cells, List<ComputeSummary.Row> rows, int columns) {
        widths[0] = nameWidth(cells);
        int[] fitted = TextFit.widths(widths, columns, 0, DROP_ORDER);
        if (fitted[0] < widths[0]) {
            for (int i = 0; i < rows.size(); i++) {
                cells[i][0] = compactTreePrefix(rows.get(i).depth()) + Quote.escaped(rows.get(i).label());
            }
            widths[0] = nameWidth(cells);
            fitted = TextFit.widths(widths, columns, 0, DROP_ORDER);
        }
        fitted[0] = Math.max(fitted[0], columns - (TextFit.lineWidth(fitted) - fitted[0]));
        return fitted;
    }

    private static int nameWidth(String[][] cells) {
        int width = "Layer (type:depth-idx)".length();
        for (String[] row : cells) {
            width = Math.max(width, row[0].length());
        }
        return width;
    }

    /** {@code images [1, 3, 224, 224] (N, C, H, W)}, {@code token ids [1, 128] (batch 1, seq_len 128)}. */
    static String inputLabel(ModelInput input) {
        Shape s = input.shape();
        String layout = input.kind() == ModelInput.Kind.TEXT
                ? "(batch " + s.dim(0) + ", seq_len " + s.dim(1) + ")" : input.kind().layout();
        return input.kind().noun() + " " + shape(s) + " " + layout;
    }

    /** Billions with two decimals, Python's rounding. */
    static String giga(long n) {
        return PythonNumbers.fixed2(n / 1e9);
    }

    /** torchinfo's tree: {@code ├─} at depth 1, {@code │    └─} below. */
    private static String treePrefix(int depth) {
        if (depth == 0) {
            return "";
        }
        return depth == 1 ? "├─" : "│    ".repeat(depth - 1) + "└─";
    }

    /** {@link #treePrefix} two columns a level: {@code │ │ └─}. */
    private static String compactTreePrefix(int depth) {
        if (depth == 0) {
            return "";
        }
        return depth == 1 ? "├─" : "│ ".repeat(depth - 1) + "└─";
    }

    /** {@code [1, 64, 56, 56]}; several tensors comma-separated, or the first and how many more when too long. */
    static String shapes(List<Shape> shapes) {
        if (shapes.isEmpty()) {
            return "--";
        }
        String all = String.join(", ", shapes.stream().map(ComputeText::shape).toList());
        if (all.length() <= SHAPE_WIDTH || shapes.size() == 1) {
            return all;
        }
        return shape(shapes.get(0)) + " +" + (shapes.size() - 1);
    }

    static String shape(Shape shape) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < shape.rank(); i++) {
            out.append(i == 0 ? "" : ", ").append(shape.dim(i));
        }
        return out.append(']').toString();
    }

    /** {@code terminal}: whether the widths were fitted to a terminal ({@link TerminalWidth}), read once a table. */
    private static void writeRow(Writer out, int[] widths, boolean terminal, String[] cells) throws IOException {
        StringBuilder line = new StringBuilder();
        String name = cells[0];
        if (name.length() > widths[0]) { // on a terminal, in the middle: the end says which call it is
            name = terminal ? TextTable.middleCut(name, widths[0])
                    : name.substring(0, widths[0] - 3) + "...";
        }
        line.append(name).append(" ".repeat(widths[0] - name.length()));
        for (int c = 1; c < cells.length; c++) {
            if (widths[c] < 0) {
                continue; // left out to fit the terminal
            }
            line.append(GAP);
            boolean number = c >= 3;
            String pad = " ".repeat(widths[c] - cells[c].length());
            line.append(number ? pad + cells[c] : cells[c] + pad);
        }
        out.write(line.toString().stripTrailing() + "\n");
    }
}
