package dev.modelsummary.report;

import dev.modelsummary.summary.Summary;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The parameters-by-form pie as a small self-contained SVG, for pages that embed it inline. Same slices, order,
 * direction and colours as the PNG ({@link PieChart}), legend in {@code <text>}; no fonts or scripts to load.
 *
 * <p>Geometry: slices run counter-clockwise from 12 o'clock, as matplotlib's {@code startangle=90} drew the
 * original. A slice covering the whole pie is a {@code <circle>}: an SVG arc whose end point equals its start
 * point draws nothing. So is a slice whose rest is too thin to see (Mixtral: Matrix 99.9994 %, its 0.0006 % of
 * vectors an arc of 0.005 px, whose end points round to the same coordinates and the arc vanished). Each slice's angles come from the running sum of counts, so the last slice closes the
 * pie exactly and rounding never accumulates.
 */
public final class PieChartSvg {
    private static final int MIN_WIDTH = 640;
    private static final int MIN_HEIGHT = 360;
    private static final int MARGIN = 20;
    private static final int TITLE_SIZE = 18;
    private static final int TITLE_BASELINE = 34;
    private static final int TOP = 52;
    private static final int RADIUS = 130;
    /** An arc shorter than this, in pixels, cannot be seen (and its end points may round to one point). */
    private static final double INVISIBLE_ARC = 0.5;
    private static final int LEGEND_X = 2 * MARGIN + 2 * RADIUS + 30;
    private static final int ROW = 24;
    private static final int SWATCH = 14;
    private static final int TEXT_SIZE = 14;
    /** A generous average advance of sans-serif glyphs, in ems, to size the canvas without font metrics. */
    private static final double EM_PER_CHAR = 0.62;
    private static final String FONT = "DejaVu Sans, Verdana, Arial, sans-serif";
    private static final String TEXT_COLOUR = "#222222";
    private static final String MUTED_COLOUR = "#777777";

    private PieChartSvg() {
    }

    /** The SVG document, without an XML declaration so that it can be pasted into HTML as is. */
    public static String svg(Summary summary) {
        List<PieSlices.Slice> slices = PieSlices.withHubCounts(summary);
        String title = PieSlices.title(summary);
        int legendWidth = 0;
        for (PieSlices.Slice slice : slices) {
            legendWidth = Math.max(legendWidth, SWATCH + 8 + textWidth(slice.label(), TEXT_SIZE));
        }
        int width = Math.max(MIN_WIDTH, Math.max(LEGEND_X + legendWidth, 2 * MARGIN + textWidth(title, TITLE_SIZE)));
        int height = Math.max(MIN_HEIGHT, TOP + slices.size() * ROW + 2 * MARGIN);
        double cx = MARGIN + RADIUS + 10;
        double cy = TOP + (height - TOP) / 2.0;

        StringBuilder out = new StringBuilder(1024 + 256 * slices.size());
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" font-family=\"").append(FONT).append("\">\n");
        out.append("  <title>").append(escape(title)).append("</title>\n");
        out.append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        out.append("  <text x=\"").append(MARGIN).append("\" y=\"").append(TITLE_BASELINE).append("\" font-size=\"")
                .append(TITLE_SIZE).append("\" font-weight=\"bold\" fill=\"").append(TEXT_COLOUR).append("\">")
                .append(escape(title)).append("</text>\n");
        if (slices.isEmpty()) {
            out.append("  <text x=\"").append(width / 2).append("\" y=\"").append(fmt(cy))
                    .append("\" text-anchor=\"middle\" font-size=\"16\" font-style=\"italic\" fill=\"")
                    .append(MUTED_COLOUR).append("\">").append(escape(PieSlices.emptyMessage())).append("</text>\n");
        } else {
            appendSlices(out, slices, cx, cy);
            appendLegend(out, slices, cy);
        }
        out.append("</svg>\n");
        return out.toString();
    }

    private static void appendSlices(StringBuilder out, List<PieSlices.Slice> slices, double cx, double cy) {
        long total = 0;
        for (PieSlices.Slice slice : slices) {
            total = Math.addExact(total, slice.count());
        }
        out.append("  <g stroke=\"#ffffff\" stroke-width=\"1\" stroke-linejoin=\"round\">\n");
        long before = 0;
        for (PieSlices.Slice slice : slices) {
            String fill = FormPalette.hex(slice.form());
            if (coversThePie(slice.count(), total)) {
                out.append("    <circle cx=\"").append(fmt(cx)).append("\" cy=\"").append(fmt(cy)).append("\" r=\"")
                        .append(RADIUS).append("\" fill=\"").append(fill).append("\">");
                appendTooltip(out, slice).append("</circle>\n");
                before += slice.count();
                continue;
            }
            long after = before + slice.count();
            double start = 2 * Math.PI * ((double) before / total);
            double end = 2 * Math.PI * ((double) after / total);
            // Angle t counter-clockwise from 12 o'clock, with SVG's y pointing down: (cx - r sin t, cy - r cos t).
            // Sweep flag 0 is the counter-clockwise direction on screen.
            out.append("    <path d=\"M").append(fmt(cx)).append(',').append(fmt(cy))
                    .append(" L").append(fmt(cx - RADIUS * Math.sin(start))).append(',')
                    .append(fmt(cy - RADIUS * Math.cos(start)))
                    .append(" A").append(RADIUS).append(',').append(RADIUS).append(" 0 ")
                    .append(end - start > Math.PI ? 1 : 0).append(",0 ")
                    .append(fmt(cx - RADIUS * Math.sin(end))).append(',').append(fmt(cy - RADIUS * Math.cos(end)))
                    .append(" Z\" fill=\"").append(fill).append("\">");
            appendTooltip(out, slice).append("</path>\n");
            before = after;
        }
        out.append("  </g>\n");
    }

    /**
     * Whether a slice with {@code count} of {@code total} leaves the rest of the circle an arc under
     * {@link #INVISIBLE_ARC} long: it is drawn as the whole circle, the others (too thin to see) over it.
     */
    static boolean coversThePie(long count, long total) {
        return (double) (total - count) / total * 2 * Math.PI * RADIUS < INVISIBLE_ARC;
    }

    /** Hovering a slice shows its legend line: thin slices are hard to find in the legend by colour alone. */
    private static StringBuilder appendTooltip(StringBuilder out, PieSlices.Slice slice) {
        return out.append("<title>").append(escape(slice.label())).append("</title>");
    }

    private static void appendLegend(StringBuilder out, List<PieSlices.Slice> slices, double cy) {
        double y = cy - slices.size() * ROW / 2.0;
        out.append("  <g font-size=\"").append(TEXT_SIZE).append("\" fill=\"").append(TEXT_COLOUR).append("\">\n");
        for (PieSlices.Slice slice : slices) {
            double middle = y + ROW / 2.0;
            out.append("    <rect x=\"").append(LEGEND_X).append("\" y=\"").append(fmt(middle - SWATCH / 2.0))
                    .append("\" width=\"").append(SWATCH).append("\" height=\"").append(SWATCH).append("\" fill=\"")
                    .append(FormPalette.hex(slice.form())).append("\"/>\n");
            // Baseline a third of the font size below the middle centres digits and capitals on the swatch.
            out.append("    <text x=\"").append(LEGEND_X + SWATCH + 8).append("\" y=\"")
                    .append(fmt(middle + TEXT_SIZE / 3.0)).append("\">").append(escape(slice.label()))
                    .append("</text>\n");
            y += ROW;
        }
        out.append("  </g>\n");
    }

    private static int textWidth(String text, int fontSize) {
        return (int) Math.ceil(text.length() * fontSize * EM_PER_CHAR);
    }

    /** A coordinate with at most two decimals, locale-free, never {@code -0}. */
    static String fmt(double v) {
        String s = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    static String escape(String text) {
        return Html.escape(text);
    }
}
