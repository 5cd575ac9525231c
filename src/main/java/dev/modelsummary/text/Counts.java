package dev.modelsummary.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Counts as people read them outside the published Markdown page: with thousands separators and a noun that
 * agrees ({@code 1 tensor}, {@code 1,234 tensors}), and short counts as the Hugging Face Hub writes them
 * ({@code 6.74B}). The published page keeps the original's {@code 304.33M} and {@code G}
 * ({@code PythonNumbers.humanCount}).
 */
public final class Counts {
    private static final String[] UNITS = {"K", "M", "B", "T"};
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_UP);

    private Counts() {
    }

    /** {@code 1 tensor}, {@code 0 tensors}, {@code 1,234 tensors}: the count grouped, the noun in agreement. */
    public static String of(long count, String singular, String plural) {
        return grouped(count) + " " + (count == 1 ? singular : plural);
    }

    /** {@code 11,689,512}: thousands grouped, as a person reads a count. */
    public static String grouped(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /**
     * A plain decimal with its whole part grouped: {@code 3272.23} is {@code 3,272.23}; the digits (and their
     * rounding) are the caller's.
     */
    public static String groupedDecimal(String plain) {
        int start = plain.startsWith("-") ? 1 : 0;
        int point = plain.indexOf('.');
        int end = point < 0 ? plain.length() : point;
        StringBuilder out = new StringBuilder(plain.length() + plain.length() / 3);
        out.append(plain, 0, start);
        for (int i = start; i < end; i++) {
            if (i > start && (end - i) % 3 == 0) {
                out.append(',');
            }
            out.append(plain.charAt(i));
        }
        return out.append(plain, end, plain.length()).toString();
    }

    /** {@code 1 tensor}, {@code 1,234 tensors}. */
    public static String tensors(long count) {
        return of(count, "tensor", "tensors");
    }

    /**
     * The Hub's short count: three significant digits with K, M, B or T in base 1000, trailing zeros dropped
     * ({@code 6.74B}, {@code 46.7B}, {@code 304M}, {@code 1B}); the bare integer below 1000. A count that rounds
     * up to 1000 of a unit moves to the next one ({@code 999,999} is {@code 1M}).
     */
    public static String hub(long count) {
        if (count > -1000 && count < 1000) {
            return Long.toString(count);
        }
        BigDecimal value = BigDecimal.valueOf(count).movePointLeft(3);
        for (int unit = 0; ; unit++) {
            BigDecimal rounded = value.round(THREE_DIGITS);
            if (rounded.abs().compareTo(THOUSAND) < 0 || unit == UNITS.length - 1) {
                return rounded.stripTrailingZeros().toPlainString() + UNITS[unit];
            }
            value = value.movePointLeft(3);
        }
    }
}
