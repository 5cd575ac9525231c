package dev.modelsummary.report;

import dev.modelsummary.summary.Summary;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.PieSeries;
import org.knowm.xchart.style.PieStyler;
import org.knowm.xchart.style.Styler;

/**
 * The parameters-by-form pie as a PNG, drawn with XChart off screen.
 *
 * <p>Slices carry no text: XChart formats its slice labels with a {@code DecimalFormat} of the default locale
 * ({@code 99,6} in a German JVM) and only hides, never moves, labels that collide. Every number is in the
 * legend instead, built by {@link PieSlices#of}, with the report's own two-decimal rounding.
 *
 * <p>Output is a pure function of the summary on a given machine: fixed size, fixed colours
 * ({@link FormPalette}), fixed fonts, and ImageIO's PNG writer adds no timestamp. (Glyph shapes come from the
 * machine's fonts, so bytes may differ between machines.)
 */
public final class PieChart {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 600;

    private static final int TITLE_SIZE = 22;
    private static final int MIN_TITLE_SIZE = 12;
    private static final int CHART_PADDING = 16;
    private static final int TITLE_PADDING = 14;
    /** Room left on each side of the title: the chart's padding and a little more. */
    private static final int TITLE_MARGIN = 24;

    private static final Color TEXT = new Color(0x222222);
    private static final Color MUTED = new Color(0x777777);
    private static final Color LEGEND_BORDER = new Color(0xCCCCCC);

    static {
        // AWT must never look for a display: the CLI runs on servers and in CI. Setting the property only takes
        // effect before AWT first starts, so callers that know better (a GUI embedding the library) win.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private PieChart() {
    }

    /** The chart as PNG bytes. */
    public static byte[] png(Summary summary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        try {
            if (!ImageIO.write(image(summary), "png", out)) {
                throw new IllegalStateException("this JVM has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Writes the chart as a PNG file, replacing any file already there. */
    public static void writePng(Summary summary, Path file) throws IOException {
        Files.write(file, png(summary));
    }

    /** The chart as an image of {@link #WIDTH} x {@link #HEIGHT}, opaque RGB. */
    public static BufferedImage image(Summary summary) {
        List<PieSlices.Slice> slices = PieSlices.of(summary);
        Title title = fitTitle(PieSlices.title(summary));
        org.knowm.xchart.PieChart chart = newChart(title);
        for (PieSlices.Slice slice : slices) {
            PieSeries series = chart.addSeries(slice.label(), slice.count());
            series.setFillColor(FormPalette.color(slice.form()));
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            hints(g);
            chart.paint(g, WIDTH, HEIGHT);
            paintTitle(g, title);
            if (slices.isEmpty()) {
                paintEmptyMessage(g);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * XChart centres its title over the plot, left of the legend, and cuts what passes the image's edges
     * ("stralai-Mixtral-8x7B-v0.1 parameters by fo"): it gets a blank title in the title's font, which keeps the
     * room, and {@link #paintTitle} draws the title centred on the whole image.
     */
    private static org.knowm.xchart.PieChart newChart(Title fitted) {
        org.knowm.xchart.PieChart chart = new org.knowm.xchart.PieChart(WIDTH, HEIGHT);
        chart.setTitle(" ");
        PieStyler styler = chart.getStyler();
        styler.setAntiAlias(true);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setChartFontColor(TEXT);
        styler.setChartTitleFont(fitted.font());
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitlePadding(TITLE_PADDING);
        styler.setChartPadding(CHART_PADDING);
        styler.setLegendVisible(true);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLegendLayout(Styler.LegendLayout.Vertical);
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        styler.setLegendBackgroundColor(Color.WHITE);
        styler.setLegendBorderColor(LEGEND_BORDER);
        styler.setLegendPadding(12);
        styler.setToolTipsEnabled(false);
        styler.setLabelsVisible(false);
        styler.setSumVisible(false);
        styler.setCircular(true);
        styler.setPlotContentSize(0.92);
        // Counter-clockwise from 12 o'clock, as the original's matplotlib startangle=90 drew it. (XChart 3.8.8
        // draws the white slice borders counter-clockwise whatever the direction, so CLOCKWISE would put them
        // across the slices.) The borders keep adjacent slices apart.
        styler.setStartAngleInDegrees(0);
        styler.setClockwiseDirectionType(PieStyler.ClockwiseDirectionType.COUNTER_CLOCKWISE);
        styler.setSliceBorderWidth(1.0);
        styler.setDefaultSeriesRenderStyle(PieSeries.PieSeriesRenderStyle.Pie);
        return chart;
    }

    private static void paintTitle(Graphics2D g, Title title) {
        g.setColor(TEXT);
        g.setFont(title.font());
        FontMetrics metrics = g.getFontMetrics();
        double width = title.font().getStringBounds(title.text(), g.getFontRenderContext()).getWidth();
        g.drawString(title.text(), (float) ((WIDTH - width) / 2), CHART_PADDING + TITLE_PADDING + metrics.getAscent());
    }

    /** The title as drawn: its text and font. */
    record Title(String text, Font font) {
    }

    /**
     * The title in the largest size from {@link #TITLE_SIZE} down to {@link #MIN_TITLE_SIZE} that fits the image's
     * width; a title too long even at the smallest size keeps its start and end around an ellipsis.
     */
    static Title fitTitle(String title) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            hints(g);
            for (int size = TITLE_SIZE; size >= MIN_TITLE_SIZE; size--) {
                Font font = new Font(Font.SANS_SERIF, Font.BOLD, size);
                if (fits(g, font, title)) {
                    return new Title(title, font);
                }
            }
            Font font = new Font(Font.SANS_SERIF, Font.BOLD, MIN_TITLE_SIZE);
            int keep = title.length();
            String cut = title;
            while (keep > 2 && !fits(g, font, cut)) {
                keep--;
                cut = title.substring(0, (keep + 1) / 2) + "\u2026" + title.substring(title.length() - keep / 2);
            }
            return new Title(cut, font);
        } finally {
            g.dispose();
        }
    }

    private static boolean fits(Graphics2D g, Font font, String text) {
        return font.getStringBounds(text, g.getFontRenderContext()).getWidth() <= WIDTH - 2 * TITLE_MARGIN;
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    }

    /** XChart draws the title and an empty plot for a chart without series; say why it is empty. */
    private static void paintEmptyMessage(Graphics2D g) {
        g.setColor(MUTED);
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 20));
        FontMetrics metrics = g.getFontMetrics();
        String message = PieSlices.emptyMessage();
        g.drawString(message, (WIDTH - metrics.stringWidth(message)) / 2f, HEIGHT / 2f);
    }
}
