package dev.modelsummary.text;

/**
 * Puts a value from a file into a one-line error message: in single quotes, with control characters,
 * invisible format characters (byte-order marks, bidirectional overrides) and unpaired surrogates escaped as
 * {@code \\uXXXX}, and long values cut, so a hostile name can neither break the line, hide itself, nor flood the
 * terminal.
 */
public final class Quote {
    /** Long enough for any real tensor or shard name. */
    private static final int MAX_CHARS = 200;

    private Quote() {
    }

    public static String of(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8).append('\'');
        int limit = Math.min(text.length(), MAX_CHARS);
        if (limit < text.length() && Character.isHighSurrogate(text.charAt(limit - 1))) {
            limit--; // never cut a surrogate pair in half
        }
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !isPaired(text, i)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_CHARS) {
            out.append("...");
        }
        return out.append('\'').toString();
    }

    private static boolean isPaired(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
