package dev.modelsummary.catalog.nn;

/**
 * Exact arithmetic for the sizes a build computes from its arguments ({@code num_heads * head_dim}). Python's
 * integers do not wrap and torch refuses a size past int64, so a Java {@code long} product that wraps (4 heads
 * of {@code head_dim} 2^62 + 1 giving 4) would be a silently wrong listing. Every size computed from a builder
 * argument or a {@code config.json} value goes through these: each throws {@link ArithmeticException} instead
 * of wrapping or saturating, which {@code Catalog.build} turns into a refusal (exit 2 for {@code --arg}, exit 3
 * for a config).
 */
public final class Dims {
    private static final double TWO_63 = 0x1p63;

    private Dims() {
    }

    /** {@code a * b}. */
    public static long mul(long a, long b) {
        return Math.multiplyExact(a, b);
    }

    /** {@code a * b * c}. */
    public static long mul(long a, long b, long c) {
        return Math.multiplyExact(Math.multiplyExact(a, b), c);
    }

    /** {@code a + b}. */
    public static long add(long a, long b) {
        return Math.addExact(a, b);
    }

    /** {@code a - b}. */
    public static long sub(long a, long b) {
        return Math.subtractExact(a, b);
    }

    /** {@code 2 * n - 1}: the side of a relative-position table. */
    public static long span(long n) {
        return Math.subtractExact(Math.multiplyExact(2, n), 1);
    }

    /**
     * Python's {@code int(x)} of a float: truncated toward zero. Java's cast saturates at 2^63 - 1 and maps NaN
     * to 0; here a value outside {@code long} (or not a number) throws.
     */
    public static long trunc(double x) {
        if (!(x >= -TWO_63 && x < TWO_63)) {
            throw new ArithmeticException("size " + x + " does not fit 64 bits");
        }
        return (long) x;
    }

    /** Python's {@code round(x)} of a float (half to even), exact or refused as {@link #trunc}. */
    public static long round(double x) {
        return trunc(Math.rint(x));
    }

    /** Python's {@code math.ceil(x)}, exact or refused as {@link #trunc}. */
    public static long ceil(double x) {
        return trunc(Math.ceil(x));
    }
}
