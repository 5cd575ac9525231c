package dev.modelsummary.report;

import dev.modelsummary.model.Form;
import java.awt.Color;
import java.util.Locale;

/**
 * One fixed colour per form, so that the same form looks the same in every model's chart (PNG and SVG).
 *
 * <p>The first seven colours are the Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008), which
 * stays distinguishable for the common kinds of colour blindness; its black is left out because a black slice
 * swallows the white borders between slices. The assignment puts the forms that usually dominate a model on
 * well-separated hues: Matrix (transformers) blue, Tensor rank 4 (convolutions) green, Vector orange.
 *
 * <p>Ranks past the palette get a colour derived from the rank alone (golden-ratio hue steps at fixed
 * saturation and brightness), so it is the same in every chart and every run.
 */
public final class FormPalette {
    /** Okabe-Ito, in the order {@link #color} hands them out. */
    static final Color BLUE = new Color(0x0072B2);
    static final Color ORANGE = new Color(0xE69F00);
    static final Color REDDISH_PURPLE = new Color(0xCC79A7);
    static final Color VERMILLION = new Color(0xD55E00);
    static final Color BLUISH_GREEN = new Color(0x009E73);
    static final Color SKY_BLUE = new Color(0x56B4E9);
    static final Color YELLOW = new Color(0xF0E442);

    private static final double GOLDEN_RATIO_CONJUGATE = 0.6180339887498949;

    private FormPalette() {
    }

    /** The colour of a form; never null, the same for the same form. */
    public static Color color(Form form) {
        return switch (form.rank()) {
            case 1 -> ORANGE;
            case 2 -> BLUE;
            case 0 -> REDDISH_PURPLE;
            case 3 -> VERMILLION;
            case 4 -> BLUISH_GREEN;
            case 5 -> SKY_BLUE;
            case 6 -> YELLOW;
            default -> derived(form.rank());
        };
    }

    /** {@link #color} as CSS/SVG hex, {@code #0072b2}. */
    public static String hex(Form form) {
        return hex(color(form));
    }

    static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    /**
     * Successive golden-ratio steps around the hue circle never repeat and stay far apart for neighbouring
     * ranks; the moderate saturation and brightness keep them in the palette's register. Float HSB arithmetic
     * is strict in Java 17, so the result does not depend on the machine.
     */
    private static Color derived(int rank) {
        double hue = (rank * GOLDEN_RATIO_CONJUGATE) % 1.0;
        return new Color(Color.HSBtoRGB((float) hue, 0.55f, 0.78f));
    }
}
