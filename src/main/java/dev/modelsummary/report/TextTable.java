package dev.modelsummary.report;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A plain column-aligned table for terminal reports: a header, a rule, rows (or rows alone, for lists like
 * {@code diff}'s). Each row is made twice, once to measure and once to write, so that no row outlives its line
 * and a table of millions of rows is never held. A cell wider than {@link TextReport#MAX_COLUMN_WIDTH} does not
 * widen its column: it overflows and pushes the rest of its own row.
 */
final class TextTable {
    private static final String SPACES = " ".repeat(TextReport.MAX_COLUMN_WIDTH);

    private final String[] header;
    private final boolean[] right;
    private final boolean showHeader;

    private TextTable(boolean showHeader, String... header) {
        this.header = header;
        this.right = new boolean[header.length];
        this.showHeader = showHeader;
    }

    TextTable(String... header) {
        this(true, header);
    }

    /** A table of {@code columns} columns that prints its rows only. */
    static TextTable headless(int columns) {
        String[] empty = new String[columns];
        Arrays.fill(empty, "");
        return new TextTable(false, empty);
    }

    void rightAlign(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
    }

    void write(Writer out, int rows, IntFunction<String[]> row) throws IOException {
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
        }
        for (int r = 0; r < rows; r++) {
            String[] cells = row.apply(r);
            for (int c = 0; c < cells.length; c++) {
                width[c] = Math.max(width[c], Math.min(cells[c].length(), TextReport.MAX_COLUMN_WIDTH));
            }
        }
        if (showHeader) {
            line(out, header, width);
            String[] rule = new String[header.length];
            for (int c = 0; c < header.length; c++) {
                rule[c] = "-".repeat(width[c]);
            }
            line(out, rule, width);
        }
        for (int r = 0; r < rows; r++) {
            line(out, row.apply(r), width);
        }
    }

    /** One row; the last cell is not padded, so no line ends in spaces. */
    private void line(Writer out, String[] row, int[] width) throws IOException {
        for (int c = 0; c < row.length; c++) {
            if (c > 0) {
                out.write("  ");
            }
            int pad = Math.max(0, width[c] - row[c].length());
            if (right[c]) {
                out.write(SPACES, 0, pad);
                out.write(row[c]);
            } else {
                out.write(row[c]);
                if (c < row.length - 1) {
                    out.write(SPACES, 0, pad);
                }
            }
        }
        out.write('\n');
    }
}
