package dev.modelsummary.format.pickle;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text syntaxes of protocol 0's opcodes, as CPython's C unpickler ({@code _pickle.c}, the one torch.load
 * uses) reads them: C's {@code strtol} then Python's {@code int()} for INT, {@code int(s, 0)} for LONG,
 * {@code int(s)} for PUT and GET, {@code PyOS_string_to_double} for FLOAT, {@code codecs.escape_decode} for
 * STRING and {@code raw_unicode_escape} for UNICODE. Each returns empty (or null) where CPython raises; callers
 * bound the length of what they pass in.
 */
final class PythonText {
    /** {@code PyOS_string_to_double}: no whitespace, no underscores; inf, infinity and nan in any case. */
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|(?i:inf|infinity|nan))");
    private static final Pattern FLOAT_WORD = Pattern.compile("[+-]?(?i:inf|infinity|nan)");

    private PythonText() {
    }

    /** An int as {@code I<text>\n}: C's strtol in base 0 when it reads the whole line, else Python's int(text, 0). */
    static Optional<Object> parseIntOpcode(String text) {
        Optional<Long> strtol = strtol(text);
        if (strtol.isPresent()) {
            long value = strtol.get();
            // "I00\n" and "I01\n" are how protocol 0 spells False and True
            return Optional.of(text.length() == 2 && (value == 0 || value == 1) ? (Object) (value == 1) : value);
        }
        return parseInt(text, 0).map(PythonText::narrowed);
    }

    /** Python's {@code int(text, base)} for base 0 (prefixed, no leading zeros) or 10. */
    static Optional<BigInteger> parseInt(String text, int base) {
        String s = strip(text);
        int i = 0;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i++) == '-';
        }
        int radix = 10;
        boolean zeroOnly = false;
        boolean underscoreFirst = false;
        if (base == 0 && i + 1 < s.length() && s.charAt(i) == '0') {
            radix = switch (Character.toLowerCase(s.charAt(i + 1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                case 'b' -> 2;
                default -> 10;
            };
            if (radix != 10) {
                i += 2;
                underscoreFirst = true; // "0x_1f" is valid
            } else {
                zeroOnly = true; // base 0 refuses "010"
            }
        }
        String digits = digits(s.substring(i), radix, underscoreFirst);
        if (digits == null || zeroOnly && !digits.chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        BigInteger value = new BigInteger(digits, radix);
        return Optional.of(negative ? value.negate() : value);
    }

    /** A Long when it fits, as the unpickler represents ints. */
    static Object narrowed(BigInteger value) {
        return value.bitLength() < Long.SIZE ? (Object) value.longValue() : value;
    }

    /**
     * Python's float from {@code PyOS_string_to_double}; empty when it is not one. A finite spelling too large
     * for a double comes back infinite: CPython raises OverflowError for it ({@link #spellsInfinity} tells).
     */
    static Optional<Double> parseFloat(String text) {
        if (!FLOAT.matcher(text).matches()) {
            return Optional.empty();
        }
        if (FLOAT_WORD.matcher(text).matches()) {
            if (text.toLowerCase(Locale.ROOT).endsWith("nan")) {
                return Optional.of(Double.NaN);
            }
            return Optional.of(text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        return Optional.of(Double.parseDouble(text));
    }

    /** Whether a float's text is inf or infinity (so an infinite value is not an overflow). */
    static boolean spellsInfinity(String text) {
        return FLOAT_WORD.matcher(text).matches() && !text.toLowerCase(Locale.ROOT).endsWith("nan");
    }

    /**
     * {@code codecs.escape_decode}: Python 2 string escapes ({@code \n}, {@code \x41}, {@code \101}, ...) to
     * bytes; an unknown escape stays as written. Null for a bad {@code \x} escape or a trailing backslash.
     */
    static byte[] escapeDecode(byte[] text, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            int c = text[i++] & 0xff;
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (i == to) {
                return null;
            }
            c = text[i++] & 0xff;
            switch (c) {
                case '\n' -> { } // a line continuation
                case '\\', '\'', '"' -> out.write(c);
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 't' -> out.write(9);
                case 'n' -> out.write(10);
                case 'v' -> out.write(11);
                case 'f' -> out.write(12);
                case 'r' -> out.write(13);
                case 'x' -> {
                    int hi = i < to ? Character.digit(text[i] & 0xff, 16) : -1;
                    int lo = i + 1 < to ? Character.digit(text[i + 1] & 0xff, 16) : -1;
                    if (hi < 0 || lo < 0) {
                        return null;
                    }
                    out.write(hi << 4 | lo);
                    i += 2;
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int value = c - '0';
                        for (int n = 1; n < 3 && i < to && text[i] >= '0' && text[i] <= '7'; n++) {
                            value = value << 3 | text[i++] - '0';
                        }
                        out.write(value); // as CPython, modulo 256
                    } else {
                        out.write('\\');
                        out.write(c);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * {@code raw_unicode_escape}: each byte is a Latin-1 character, except that an odd run of backslashes before
     * {@code u} or {@code U} ends in an escape of 4 or 8 hex digits. Null for a truncated or out-of-range escape.
     */
    static String rawUnicodeEscapeDecode(byte[] text) {
        StringBuilder out = new StringBuilder(text.length);
        int i = 0;
        while (i < text.length) {
            int c = text[i++] & 0xff;
            if (c != '\\') {
                out.append((char) c);
                continue;
            }
            int run = 1;
            out.append('\\');
            while (i < text.length && text[i] == '\\') {
                out.append('\\');
                run++;
                i++;
            }
            if (run % 2 == 0 || i == text.length || (text[i] != 'u' && text[i] != 'U')) {
                continue;
            }
            out.setLength(out.length() - 1);
            int count = text[i++] == 'u' ? 4 : 8;
            if (i + count > text.length) {
                return null;
            }
            int codePoint = 0;
            for (int n = 0; n < count; n++) {
                int digit = Character.digit(text[i++] & 0xff, 16);
                if (digit < 0) {
                    return null;
                }
                codePoint = codePoint << 4 | digit;
            }
            if (codePoint < 0 || codePoint > Character.MAX_CODE_POINT) {
                return null;
            }
            out.appendCodePoint(codePoint);
        }
        return out.toString();
    }

    /**
     * C's {@code strtol(s, &end, 0)} when it converts the whole text without overflow: leading whitespace, a
     * sign, then {@code 0x} hex, {@code 0} octal or decimal digits.
     */
    private static Optional<Long> strtol(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i++) == '-';
        }
        int radix = 10;
        if (i < s.length() && s.charAt(i) == '0') {
            boolean hex = i + 2 < s.length() && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                    && Character.digit(s.charAt(i + 2), 16) >= 0;
            radix = hex ? 16 : 8;
            i += hex ? 2 : 0;
        }
        int start = i;
        while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0 && s.charAt(i) < 0x80) {
            i++;
        }
        // C stops at the newline, or at a NUL byte inside the line
        if (i == start || i != s.length() && s.charAt(i) != '\0') {
            return Optional.empty();
        }
        BigInteger value = new BigInteger(s.substring(start, i), radix);
        value = negative ? value.negate() : value;
        // past a C long, strtol sets ERANGE and CPython falls back to Python's own syntax
        return value.bitLength() < Long.SIZE ? Optional.of(value.longValue()) : Optional.empty();
    }

    /** Digits with single underscores between them (and after a prefix), underscores dropped; null if malformed. */
    private static String digits(String s, int radix, boolean underscoreFirst) {
        StringBuilder digits = new StringBuilder(s.length());
        boolean afterUnderscore = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (afterUnderscore || digits.length() == 0 && !underscoreFirst) {
                    return null;
                }
                afterUnderscore = true;
            } else if (c < 0x80 && Character.digit(c, radix) >= 0) {
                digits.append(c);
                afterUnderscore = false;
            } else {
                return null;
            }
        }
        return digits.length() == 0 || afterUnderscore ? null : digits.toString();
    }

    /** Python's whitespace strip for ASCII text. */
    private static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }
}
