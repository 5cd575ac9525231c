package dev.modelsummary.format.numpy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.text.Quote;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of the Python literals a {@code .npy} header is written in (numpy reads the header with
 * {@code ast.literal_eval}): dicts with string keys, tuples, lists, single- or double-quoted strings, decimal
 * integers with an optional minus sign, {@code True}, {@code False} and {@code None}. Anything else Python would
 * accept (floats, hex, prefixes, comments, line continuations) is refused: numpy's writer never writes it.
 *
 * <p>Values come back as {@link String}, {@link Long}, {@link Boolean}, {@link #NONE}, {@link Tuple},
 * {@code List<Object>} and {@code Map<String, Object>} (insertion order).
 */
final class PyLiteral {
    /** Python's {@code None}. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    private final String text;
    /** Nesting of brackets ({@link Limit#NPY_HEADER_DEPTH}); a real header nests 2 deep. */
    private final int maxDepth = Limits.current().getInt(Limit.NPY_HEADER_DEPTH);
    private final boolean longSuffix;
    private int at;

    private PyLiteral(String text, boolean longSuffix) {
        this.text = text;
        this.longSuffix = longSuffix;
    }

    /**
     * The one literal in {@code text}, with whitespace around it.
     *
     * @param longSuffix accept Python 2's {@code L} after an integer ({@code 3L}), as numpy does for
     *                   version 1.0 and 2.0 headers
     */
    static Object parse(String text, boolean longSuffix) {
        PyLiteral parser = new PyLiteral(text, longSuffix);
        parser.skipSpace();
        Object value;
        try {
            value = parser.value(0);
        } catch (StackOverflowError e) {
            // A raised npy-header-depth can pass what the thread's stack holds; the parser keeps no state
            // that the unwinding could leave half-changed, so this is an ordinary refusal.
            throw parser.error("brackets nested deeper than this run's stack allows (Python's own parser "
                    + "stops at 200)");
        }
        parser.skipSpace();
        if (parser.at < text.length()) {
            throw parser.error("unexpected " + parser.describe() + " after the literal");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > maxDepth) {
            throw error("brackets nested more than " + maxDepth + " deep; " + Limit.NPY_HEADER_DEPTH.raise());
        }
        if (at >= text.length()) {
            throw error("the header ends where a value should be");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> dict(depth);
            case '(' -> tupleOrParenthesized(depth);
            case '[' -> list(depth);
            case '\'', '"' -> string();
            default -> {
                if (c == '-' || isDigit(c)) {
                    yield integer();
                }
                if (isLetter(c)) {
                    yield name();
                }
                throw error("unexpected " + describe());
            }
        };
    }

    private Map<String, Object> dict(int depth) {
        at++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        while (!peek('}')) {
            int keyAt = at;
            Object key = value(depth + 1);
            if (!(key instanceof String name)) {
                at = keyAt;
                throw error("a dict key is not a string");
            }
            skipSpace();
            expect(':');
            skipSpace();
            Object value = value(depth + 1);
            if (map.putIfAbsent(name, value) != null) {
                at = keyAt;
                throw error("the key " + Quote.of(name) + " appears twice");
            }
            if (!separator('}')) {
                break;
            }
        }
        expect('}');
        return Collections.unmodifiableMap(map);
    }

    private Object tupleOrParenthesized(int depth) {
        at++; // '('
        List<Object> items = new ArrayList<>();
        skipSpace();
        boolean comma = false;
        while (!peek(')')) {
            items.add(value(depth + 1));
            comma = separator(')');
            if (!comma) {
                break;
            }
        }
        expect(')');
        // (x) is x; (x,) and (x, y) and () are tuples
        return items.size() == 1 && !comma ? items.get(0) : new Tuple(List.copyOf(items));
    }

    private List<Object> list(int depth) {
        at++; // '['
        List<Object> items = new ArrayList<>();
        skipSpace();
        while (!peek(']')) {
            items.add(value(depth + 1));
            if (!separator(']')) {
                break;
            }
        }
        expect(']');
        return Collections.unmodifiableList(items);
    }

    /** After an item: a comma (true, more may follow) or the closing bracket (false, not consumed). */
    private boolean separator(char close) {
        skipSpace();
        if (peek(',')) {
            at++;
            skipSpace();
            return true;
        }
        if (!peek(close)) {
            throw error("expected ',' or '" + close + "' but found " + describe());
        }
        return false;
    }

    private String string() {
        char quote = text.charAt(at++);
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length() || text.charAt(at) == '\n') {
                throw error("a string is not closed");
            }
            char c = text.charAt(at++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\\') {
                at--;
                throw error("escape sequences in strings are not supported");
            }
            out.append(c);
        }
    }

    private Long integer() {
        int start = at;
        if (peek('-')) {
            at++;
        }
        int digits = at;
        while (at < text.length() && isDigit(text.charAt(at))) {
            at++;
        }
        if (at == digits) {
            at = start;
            throw error("unexpected " + describe());
        }
        String number = text.substring(start, at);
        if (text.charAt(digits) == '0' && at - digits > 1) {
            at = start;
            throw error("the integer " + Quote.of(number) + " has a leading zero, which Python refuses");
        }
        if (longSuffix && peek('L')) {
            at++;
        }
        if (at < text.length() && (isLetter(text.charAt(at)) || text.charAt(at) == '.')) {
            throw error("unexpected " + describe() + " after the integer " + Quote.of(number)
                    + "; only decimal integers are supported");
        }
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            at = start;
            throw error("the integer " + Quote.of(number) + " does not fit in 64 bits");
        }
    }

    private Object name() {
        int start = at;
        while (at < text.length() && (isLetter(text.charAt(at)) || isDigit(text.charAt(at)))) {
            at++;
        }
        String name = text.substring(start, at);
        return switch (name) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> NONE;
            default -> {
                at = start;
                throw error("the name " + Quote.of(name) + " is not a literal");
            }
        };
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "' but found " + describe());
        }
        at++;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    /** Python's whitespace between tokens inside brackets. */
    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                return;
            }
            at++;
        }
    }

    private String describe() {
        return at >= text.length() ? "the end of the header" : Quote.of(text.charAt(at));
    }

    private FormatException error(String problem) {
        return new FormatException("Header is not a valid Python literal: " + problem + " (character " + at
                + ").");
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }
}
