package dev.modelsummary.report;

import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.DTypeStat;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A terminal table for people: every parameter tensor, then forms, dtypes and totals, columns aligned. */
public final class TextReport {

    private TextReport() {
    }

    public static String render(Summary summary) {
        Model model = summary.model();
        StringBuilder out = new StringBuilder();
        out.append(model.name()).append("  (").append(model.format()).append(": ").append(model.source())
                .append(")\n\n");

        Table layers = new Table("#", "Name", "Shape", "Squeezed", "Parameters", "Form", "DType");
        layers.rightAlign(0, 4);
        int index = 0;
        for (TensorEntry t : summary.layers()) {
            layers.row(Integer.toString(++index), t.name(), t.shape().toPythonTuple(),
                    t.shape().squeezed().toPythonTuple(), grouped(t.numel()), t.form().label(),
                    t.dtype().torchName());
        }
        layers.render(out);

        out.append('\n');
        Table forms = new Table("Form", "Tensors", "%", "Parameters", "%");
        forms.rightAlign(1, 2, 3, 4);
        for (FormStat f : summary.forms()) {
            forms.row(f.form().label(), grouped(f.tensors()),
                    PythonNumbers.percent(f.tensors(), summary.parameters().tensors()), grouped(f.count()),
                    PythonNumbers.percent(f.count(), summary.parameters().count()));
        }
        forms.render(out);

        out.append('\n');
        Table dtypes = new Table("DType", "Tensors", "Elements", "Bytes");
        dtypes.rightAlign(1, 2, 3);
        for (DTypeStat d : summary.dtypes()) {
            dtypes.row(d.dtype().torchName(), grouped(d.tensors()), grouped(d.count()), humanBytes(d.bytes()));
        }
        dtypes.render(out);

        out.append('\n');
        long count = summary.parameters().count();
        out.append(String.format(Locale.ROOT, "Parameters: %s%s in %s tensors, %s trainable, %s%n",
                grouped(count), count < 1000 ? "" : " (" + PythonNumbers.humanCount(count) + ")",
                grouped(summary.parameters().tensors()), grouped(summary.parameters().trainable()),
                humanBytes(summary.parameters().bytes())));
        out.append(String.format(Locale.ROOT, "Buffers:    %s in %s tensors, %s%n",
                grouped(summary.buffers().count()), grouped(summary.buffers().tensors()),
                humanBytes(summary.buffers().bytes())));
        for (String warning : model.warnings()) {
            out.append("Warning: ").append(warning).append('\n');
        }
        return out.toString();
    }

    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes in binary units with two decimals: {@code 1.13 GiB}; exact below 1 KiB. */
    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
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

    /** A plain column-aligned table: a header, a rule, rows. */
    private static final class Table {
        private final String[] header;
        private final List<String[]> rows = new ArrayList<>();
        private final boolean[] right;

        Table(String... header) {
            this.header = header;
            this.right = new boolean[header.length];
        }

        void rightAlign(int... columns) {
            for (int c : columns) {
                right[c] = true;
            }
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void render(StringBuilder out) {
            int[] width = new int[header.length];
            for (int c = 0; c < header.length; c++) {
                width[c] = header[c].length();
            }
            for (String[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    width[c] = Math.max(width[c], row[c].length());
                }
            }
            line(out, header, width);
            String[] rule = new String[header.length];
            for (int c = 0; c < header.length; c++) {
                rule[c] = "-".repeat(width[c]);
            }
            line(out, rule, width);
            for (String[] row : rows) {
                line(out, row, width);
            }
        }

        private void line(StringBuilder out, String[] cells, int[] width) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cells.length; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[c] - cells[c].length());
                line.append(right[c] ? pad + cells[c] : cells[c] + pad);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
