package dev.modelsummary.catalog.torchvision.video;

import dev.modelsummary.catalog.Kwargs;
import java.math.BigDecimal;

/**
 * {@code nn.Dropout(p)}'s one trace in a build: its constructor refuses a probability outside [0, 1] with a
 * ValueError. The video models create their Dropout layers from builder arguments, so the refusal is theirs.
 */
final class Dropout {
    private Dropout() {
    }

    /** {@code _DropoutNd.__init__}: {@code if p < 0 or p > 1: raise ValueError(...)}. */
    static void check(Kwargs kwargs, double p) {
        if (p < 0 || p > 1) {
            throw kwargs.refuse("dropout probability has to be between 0 and 1, but got " + pythonRepr(p));
        }
    }

    /**
     * A finite float as Python's {@code repr} spells it: the shortest digits, in positional notation for
     * decimal exponents from -4 to 15 ({@code 1.5}, {@code 2.0}), else {@code 1e-05} or {@code 2.5e+16}.
     */
    static String pythonRepr(double value) {
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
