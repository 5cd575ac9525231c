package dev.modelsummary.report;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A plain column-aligned table for terminal reports: a header, a rule, rows (or rows alone, for lists like
 * {@code diff}'s). Each row is made twice, once to measure and once to write, so that no row outlives its line
 * and a table of millions of rows is never held. A cell wider than {@link TextReport#MAX_COLUMN_WIDTH} does not
 * widen its column: it overflows and pushes the rest of its own row.
 *
 * <p>On a terminal ({@link TerminalWidth}) every table keeps to its width by {@link TextFit}'s rule: its name
 * column narrows, its least useful columns go, what is left is split into blocks. Piped output is untouched.
 */
final class TextTable {
    private static final String SPACES = " ".repeat(TextReport.MAX_COLUMN_WIDTH);
    /** How far a stacked row's rest is indented under its name. */
    private static final int STACK_INDENT = 4;

    private final String[] header;
    private final boolean[] right;
    private final boolean showHeader;
    /** Lines are kept to this many columns (0: no limit). */
    private int maxLineWidth = TerminalWidth.columns();
    /** The column whose longer cells are cut in the middle to fit (-1: none). */
    private int nameColumn = -1;
    /** The columns that go, first first, when the name alone cannot make room. */
    private int[] dropOrder = {};
    /** Whether a row whose name would be cut is written as two lines instead: its name whole, then the rest. */
    private boolean stackName;

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
     * Declares {@code column} the row's name: on a terminal its longer cells are cut in the middle
     * ({@code layer1.0.…conv2.weight}), and it and the columns before it repeat in each block of a split table.
     */
    void nameColumn(int column) {
        this.nameColumn = column;
    }

    /** The columns left out, in this order, when the table is too wide even with its name column narrowed. */
    void dropWhenNarrow(int... columns) {
        this.dropOrder = columns;
    }

    /**
     * On a terminal too narrow for the names: each row on two lines, its name whole (cut only past the width)
     * and under it, indented, the other columns aligned as a table. For tables whose name is the point of a row
     * and whose other cells are few (diff's rows: {@code layer1.0.conv1.weight} and {@code layer1.1.conv1.weight}
     * both cut to {@code layer1…v1.weight} told the reader nothing).
     */
    void stackNameWhenCut() {
        this.stackName = true;
    }

    /** Keeps lines within {@code columns} (0 for no limit) instead of the terminal's width: for tests. */
    void fitTo(int columns) {
        this.maxLineWidth = columns;
    }

    void write(Writer out, int rows, IntFunction<String[]> row) throws IOException {
        int[] natural = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            natural[c] = header[c].length();
        }
        for (int r = 0; r < rows; r++) {
            String[] cells = row.apply(r);
            for (int c = 0; c < cells.length; c++) {
                natural[c] = Math.max(natural[c], Math.min(cells[c].length(), TextReport.MAX_COLUMN_WIDTH));
            }
        }
        int[] width = TextFit.widths(natural, maxLineWidth, nameColumn, dropOrder);
        if (stackName && nameColumn >= 0 && width[nameColumn] < natural[nameColumn]
                && STACK_INDENT + restWidth(natural) <= maxLineWidth) {
            writeStacked(out, rows, row, natural);
            return;
        }
        List<int[]> blocks = TextFit.blocks(width, maxLineWidth, keyColumns());
        for (int b = 0; b < blocks.size(); b++) {
            if (b > 0) {
                out.write('\n');
            }
            writeBlock(out, rows, row, width, blocks.get(b));
        }
    }

    /**
     * The columns that name a row and repeat in each block of a split table: up to the name column, else the
     * text columns before the first number (a memory table's use and precision), at least one.
     */
    private int keyColumns() {
        if (nameColumn >= 0) {
            return nameColumn + 1;
        }
        int key = 0;
        while (key < right.length && !right[key]) {
            key++;
        }
        return Math.max(1, key);
    }

    /** The width of a row without its name column. */
    private int restWidth(int[] natural) {
        int[] rest = natural.clone();
        rest[nameColumn] = -1;
        return TextFit.lineWidth(rest);
    }

    /** {@link #stackNameWhenCut}'s layout: a headless table's rows, each as its name line and its rest line. */
    private void writeStacked(Writer out, int rows, IntFunction<String[]> row, int[] natural) throws IOException {
        int[] rest = new int[natural.length - 1];
        for (int c = 0, i = 0; c < natural.length; c++) {
            if (c != nameColumn) {
                rest[i++] = c;
            }
        }
        for (int r = 0; r < rows; r++) {
            String[] cells = row.apply(r);
            out.write(middleCut(cells[nameColumn], maxLineWidth));
            out.write('\n');
            out.write(SPACES, 0, STACK_INDENT);
            line(out, cells, natural, rest);
        }
    }

    /** The table's {@code columns}, header and rows. */
    private void writeBlock(Writer out, int rows, IntFunction<String[]> row, int[] width, int[] columns)
            throws IOException {
        if (showHeader) {
            line(out, header, width, columns);
            String[] rule = new String[header.length];
            for (int c = 0; c < header.length; c++) {
                rule[c] = "-".repeat(Math.max(0, width[c]));
            }
            line(out, rule, width, columns);
        }
        for (int r = 0; r < rows; r++) {
            line(out, row.apply(r), width, columns);
        }
    }

    /** One row; the last cell is not padded, so no line ends in spaces. */
    private void line(Writer out, String[] row, int[] width, int[] columns) throws IOException {
        for (int i = 0; i < columns.length; i++) {
            int c = columns[i];
            String cell = c == nameColumn && maxLineWidth > 0 ? middleCut(row[c], width[c]) : row[c];
            if (i > 0) {
                out.write(SPACES, 0, TextFit.GAP);
            }
            int pad = Math.max(0, width[c] - cell.length());
            if (right[c]) {
                out.write(SPACES, 0, pad);
                out.write(cell);
            } else {
                out.write(cell);
                if (i < columns.length - 1) {
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
