package dev.modelsummary.summary;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Number formatting exactly as the original Python report did it.
 *
 * <p>Python's {@code f"{x:.2f}"} rounds the exact binary value of the double half to even; Java's
 * {@code String.format} rounds a decimal approximation half up, and the two differ (2.675 is really
 * 2.67499999999999982236431605997495353221893310546875, so Python prints 2.67). {@code new BigDecimal(double)}
 * holds the exact binary value, so rounding it gives Python's digits.
 */
public final class PythonNumbers {
    private static final long EXACT_DOUBLE_LIMIT = 1L << 53;

    private PythonNumbers() {
    }

    /** {@code f"{x:.2f}"}. */
    public static String fixed2(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String digits = new BigDecimal(x).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
        // Python keeps the sign of a negative value that rounds to zero: f"{-0.001:.2f}" == "-0.00".
        return (x < 0 || (x == 0 && 1 / x < 0)) && !digits.startsWith("-") ? "-" + digits : digits;
    }

    /**
     * Python's true division {@code a / b} of two ints: the double nearest the exact quotient. For operands
     * below 2^53 the IEEE division of their exact double values is that double; larger ones go through
     * {@code BigDecimal} so that no precision is lost before dividing.
     */
    public static double trueDivide(long a, long b) {
        if (Math.abs(a) < EXACT_DOUBLE_LIMIT && Math.abs(b) < EXACT_DOUBLE_LIMIT) {
            return (double) a / (double) b;
        }
        return new BigDecimal(a).divide(new BigDecimal(b), MathContext.DECIMAL128).doubleValue();
    }

    /**
     * The original's percentage, {@code f"{100 * part / whole:.2f}"}; {@code 0.00} when {@code whole} is 0
     * (where the original would have failed).
     */
    public static String percent(long part, long whole) {
        if (whole == 0) {
            return fixed2(0.0);
        }
        // Python multiplies exact integers: 100 * part can pass 2^63 (a 2^57-element tensor) and is still exact.
        BigInteger hundredTimes = BigInteger.valueOf(part).multiply(BigInteger.valueOf(100));
        if (hundredTimes.bitLength() < 63) {
            return fixed2(trueDivide(hundredTimes.longValueExact(), whole));
        }
        return fixed2(new BigDecimal(hundredTimes).divide(new BigDecimal(whole), MathContext.DECIMAL128)
                .doubleValue());
    }

    /**
     * The original's parameter total: the bare integer below 1000, else two decimals with K, M, G or T in
     * base 1000 ({@code 304.33M}).
     */
    public static String humanCount(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        String[] units = {"K", "M", "G"};
        long scale = 1000;
        for (String unit : units) {
            if (n < scale * 1000) {
                return fixed2(trueDivide(n, scale)) + unit;
            }
            scale *= 1000;
        }
        return fixed2(trueDivide(n, scale)) + "T";
    }

    /**
     * A finite float as Python's {@code repr} spells it: the shortest digits, in positional notation for
     * decimal exponents from -4 to 15 ({@code 1.5}, {@code 2.0}), else {@code 1e-05} or {@code 2.5e+16}.
     */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value < 0 ? "-" : "") + "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = decimal.precision() - decimal.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = decimal.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = decimal.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format("%02d", Math.abs(exponent));
    }
}
