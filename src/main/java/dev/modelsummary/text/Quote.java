package dev.modelsummary.text;

/**
 * Puts a value from outside (a file, a path, an option) into one line of output: control characters (C0 and
 * C1, so neither a newline nor a terminal escape sequence gets through), line and paragraph separators,
 * invisible format characters (byte-order marks, bidirectional overrides) and unpaired surrogates are written
 * as {@code \\uXXXX}, so a hostile value can neither break the line, hide itself, nor drive the terminal.
 *
 * <p>Three forms: {@link #of} for a value inside a message (quoted, cut short so it cannot flood the
 * terminal), {@link #bare} for a path or a whole message line (unquoted, cut only past a path's length), and
 * {@link #escaped} for a report cell, where the value is the data and is kept whole.
 */
public final class Quote {
    /** Long enough for any real tensor or shard name. */
    private static final int MAX_CHARS = 200;
    /** Linux's PATH_MAX: no real path is longer. */
    private static final int MAX_BARE_CHARS = 4096;
    private static final String CUT = "...";

    private Quote() {
    }

    /** {@code 'value'}, escaped, cut after 200 characters. */
    public static String of(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8).append('\'');
        return append(out, text, MAX_CHARS).append('\'').toString();
    }

    /** {@code value}, escaped, unquoted, cut after 4096 characters: for paths and message lines. */
    public static String bare(Object value) {
        String text = String.valueOf(value);
        if (text.length() <= MAX_BARE_CHARS && isClean(text)) {
            return text;
        }
        return append(new StringBuilder(Math.min(text.length(), MAX_BARE_CHARS) + 8), text, MAX_BARE_CHARS)
                .toString();
    }

    /** {@code value}, escaped, unquoted and whole: for a name in a report, where the name is the data. */
    public static String escaped(String value) {
        return isClean(value) ? value : append(new StringBuilder(value.length() + 16), value, value.length())
                .toString();
    }

    /** Appends the first {@code max} characters of {@code text} escaped, and {@code ...} when it was longer. */
    private static StringBuilder append(StringBuilder out, String text, int max) {
        int limit = Math.min(text.length(), max);
        if (limit < text.length() && Character.isHighSurrogate(text.charAt(limit - 1))) {
            limit--; // never cut a surrogate pair in half
        }
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (mustEscape(text, i)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > max ? out.append(CUT) : out;
    }

    private static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (mustEscape(text, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean mustEscape(String text, int i) {
        char c = text.charAt(i);
        if (c >= 0x20 && c < 0x7f) {
            return false; // printable ASCII, nearly every character of a real name
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            case Character.SURROGATE -> !isPaired(text, i);
            default -> false;
        };
    }

    private static boolean isPaired(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
