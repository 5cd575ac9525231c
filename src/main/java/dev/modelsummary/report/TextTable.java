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
    /** Lines are kept to this many columns by narrowing {@link #shrinkColumn} (0: no limit). */
    private int maxLineWidth;
    private int shrinkColumn = -1;
    /** The narrowest {@link #shrinkColumn} gets: a name cut shorter says nothing. */
    private static final int MIN_SHRUNK_WIDTH = 16;

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

    /**
     * Keeps lines within {@code columns} (a terminal's width; 0 for none) by narrowing {@code column}, whose
     * longer cells are then cut in the middle ({@code layer1.0.…conv2.weight}); numbers are never cut.
     */
    void fitTo(int columns, int column) {
        this.maxLineWidth = columns;
        this.shrinkColumn = column;
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
        if (maxLineWidth > 0 && shrinkColumn >= 0) {
            int total = 2 * (header.length - 1);
            for (int w : width) {
                total += w;
            }
            if (total > maxLineWidth) {
                width[shrinkColumn] = Math.max(Math.min(MIN_SHRUNK_WIDTH, width[shrinkColumn]),
                        width[shrinkColumn] - (total - maxLineWidth));
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
        if (maxLineWidth > 0 && shrinkColumn >= 0 && row[shrinkColumn].length() > width[shrinkColumn]) {
            row = row.clone();
            row[shrinkColumn] = middleCut(row[shrinkColumn], width[shrinkColumn]);
        }
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

    /** {@code text} in {@code width} characters: its start and end with an ellipsis between (the end says most). */
    static String middleCut(String text, int width) {
        if (text.length() <= width) {
            return text;
        }
        if (width <= 1) {
            return "\u2026".substring(0, width);
        }
        int tail = (width - 1) / 2 + (width - 1) % 2;
        int head = width - 1 - tail;
        return text.substring(0, head) + "\u2026" + text.substring(text.length() - tail);
    }
}
