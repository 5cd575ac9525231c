package dev.modelsummary.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The one rule by which {@code -f text} keeps to a terminal's width ({@link TerminalWidth}), shared by every
 * text table and line. Numbers are never cut. A table that is too wide, in this order: narrows its name column
 * (names are cut in the middle, down to {@link #MIN_NAME_WIDTH}); drops the columns it declares least useful,
 * one at a time, giving the room back to the name; then splits what is left into blocks of columns printed one
 * after the other, each repeating the row's key columns (as pandas prints a wide frame). A line that is not a
 * table row wraps at a space, its continuation indented under its value.
 */
final class TextFit {
    /** The narrowest a name column gets: a name cut shorter says nothing. */
    static final int MIN_NAME_WIDTH = 16;
    /** A break after punctuation is taken when it leaves at most this many columns of a line unused. */
    private static final int NEAR_END = 16;
    /** Spaces between two columns. */
    static final int GAP = 2;

    private TextFit() {
    }

    /**
     * The widths that keep a table within {@code maxWidth}, from its cells' widths ({@code natural}): a dropped
     * column gets -1. {@code nameColumn} (-1 for none) may narrow; {@code dropOrder} may go, first first.
     */
    static int[] widths(int[] natural, int maxWidth, int nameColumn, int[] dropOrder) {
        int[] width = natural.clone();
        if (maxWidth <= 0 || lineWidth(width) <= maxWidth) {
            return width;
        }
        narrowName(width, natural, maxWidth, nameColumn);
        for (int drop : dropOrder) {
            if (lineWidth(width) <= maxWidth) {
                break;
            }
            width[drop] = -1;
            if (nameColumn >= 0) {
                width[nameColumn] = natural[nameColumn]; // the room a drop frees goes back to the name
                narrowName(width, natural, maxWidth, nameColumn);
            }
        }
        return width;
    }

    private static void narrowName(int[] width, int[] natural, int maxWidth, int nameColumn) {
        int excess = lineWidth(width) - maxWidth;
        if (nameColumn >= 0 && excess > 0) {
            width[nameColumn] = Math.max(Math.min(MIN_NAME_WIDTH, natural[nameColumn]), width[nameColumn] - excess);
        }
    }

    /** A row's width with these column widths (-1: a dropped column). */
    static int lineWidth(int[] width) {
        int total = 0;
        int shown = 0;
        for (int w : width) {
            if (w >= 0) {
                total += w;
                shown++;
            }
        }
        return total + GAP * Math.max(0, shown - 1);
    }

    /**
     * The columns each block shows when a table, with {@code width} (-1: dropped), is still wider than
     * {@code maxWidth}: the first {@code keyColumns} in every block, the others in order, as many to a block as
     * fit (at least one). One block, the shown columns, when it fits.
     */
    static List<int[]> blocks(int[] width, int maxWidth, int keyColumns) {
        List<Integer> key = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int c = 0; c < width.length; c++) {
            if (width[c] >= 0) {
                (c < keyColumns ? key : rest).add(c);
            }
        }
        List<int[]> blocks = new ArrayList<>();
        if (maxWidth <= 0 || lineWidth(width) <= maxWidth || rest.isEmpty()) {
            blocks.add(toArray(key, rest));
            return blocks;
        }
        int keyWidth = 0;
        for (int c : key) {
            keyWidth += width[c] + GAP;
        }
        List<Integer> block = new ArrayList<>();
        int used = keyWidth;
        for (int c : rest) {
            if (!block.isEmpty() && used + width[c] > maxWidth) {
                blocks.add(toArray(key, block));
                block = new ArrayList<>();
                used = keyWidth;
            }
            block.add(c);
            used += width[c] + GAP;
        }
        blocks.add(toArray(key, block));
        return blocks;
    }

    private static int[] toArray(List<Integer> key, List<Integer> rest) {
        int[] columns = new int[key.size() + rest.size()];
        int i = 0;
        for (int c : key) {
            columns[i++] = c;
        }
        for (int c : rest) {
            columns[i++] = c;
        }
        return columns;
    }

    /**
     * {@code line} in lines of at most {@code width} columns (0: as it is). It breaks at a space: after a comma,
     * semicolon or colon within {@link #NEAR_END} columns of the end, else not between a number and its unit. The
     * continuation is indented under the value of a {@code Label: value} line, else four columns past the line's
     * own indent. Only a word longer than a whole line (a path) is broken inside.
     */
    static List<String> wrap(String line, int width) {
        if (width <= 0 || line.length() <= width) {
            return List.of(line);
        }
        int indent = Math.min(continuationIndent(line), width / 2);
        List<String> lines = new ArrayList<>();
        String rest = line;
        int room = width;
        String pad = "";
        while (pad.length() + rest.length() > room) {
            int cut = breakAt(rest, room - pad.length());
            lines.add(pad + rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            pad = " ".repeat(indent);
        }
        if (!rest.isEmpty()) {
            lines.add(pad + rest);
        }
        return lines;
    }

    /** Where the text under a {@code Label: value} line's value starts, else its indent plus four. */
    private static int continuationIndent(String line) {
        int lead = line.length() - line.stripLeading().length();
        int colon = line.indexOf(": ");
        if (colon > lead && line.substring(lead, colon).matches("[A-Za-z0-9][A-Za-z0-9 _/+-]*")) {
            int value = colon + 1;
            while (value < line.length() && line.charAt(value) == ' ') {
                value++;
            }
            return value;
        }
        return lead + 4;
    }

    /** How many characters of {@code text} go on a line of {@code room} columns. */
    private static int breakAt(String text, int room) {
        int best = -1;
        int plain = -1;
        int any = -1;
        for (int i = Math.min(room, text.length() - 1); i > 0; i--) {
            if (text.charAt(i) != ' ' || text.charAt(i - 1) == ' ') {
                continue;
            }
            char before = text.charAt(i - 1);
            if (any < 0) {
                any = i;
            }
            if (plain < 0 && !Character.isDigit(before)) {
                plain = i;
            }
            if (",;:".indexOf(before) >= 0) {
                best = i;
                break;
            }
        }
        if (best >= room - NEAR_END) {
            return best;
        }
        if (plain > 0) {
            return plain;
        }
        return any > 0 ? any : Math.max(1, room);
    }
}
