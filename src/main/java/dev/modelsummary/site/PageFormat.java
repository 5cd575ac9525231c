package dev.modelsummary.site;

import dev.modelsummary.report.HtmlReport;
import dev.modelsummary.report.MarkdownReport;
import dev.modelsummary.report.SiteLines;
import dev.modelsummary.report.SiteRank;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.io.Writer;
import java.util.Optional;

/**
 * How a site's model pages are written. A format is its file extension, its page renderer, whether the page
 * shows a PNG chart from {@code figs/}, and the text that says the rank (so that a later run can update the
 * pages it does not write again).
 */
public enum PageFormat {
    /** The published page with the site's lines ({@link MarkdownReport#write(Summary, Writer, SiteRank)}). */
    MD("md", true) {
        @Override
        public void write(Summary summary, Writer out, SiteRank rank) throws IOException {
            MarkdownReport.write(summary, out, rank);
        }

        @Override
        public String rankText(SiteRank rank) {
            return "\n" + SiteLines.rank(rank) + "\n"; // the whole line
        }
    },
    /** The self-contained HTML page ({@link HtmlReport#write(Summary, Writer, SiteRank)}): its pie is inline SVG. */
    HTML("html", false) {
        @Override
        public void write(Summary summary, Writer out, SiteRank rank) throws IOException {
            HtmlReport.write(summary, out, rank);
        }

        @Override
        public String rankText(SiteRank rank) {
            return HtmlReport.rankLink(rank);
        }
    };

    private final String extension;
    private final boolean pngChart;

    PageFormat(String extension, boolean pngChart) {
        this.extension = extension;
        this.pngChart = pngChart;
    }

    public abstract void write(Summary summary, Writer out, SiteRank rank) throws IOException;

    /**
     * The text of a page that says its rank, exactly as {@link #write} writes it and distinct from anything
     * else on the page.
     */
    public abstract String rankText(SiteRank rank);

    /** {@code md}: the value of {@code --format} and the pages' extension. */
    public String extension() {
        return extension;
    }

    /** Whether a page shows {@code figs/NAME_pie_chart.png}, which the site then writes beside it. */
    public boolean pngChart() {
        return pngChart;
    }

    /** The page of a model, relative to its group's folder. */
    public String page(String name) {
        return name + "." + extension;
    }

    /**
     * The format of the page a site writes beside each page of this format, for a browser: a Markdown page gets
     * its HTML page (a browser shows Markdown as raw text, so {@code index.html} opens the HTML one); an HTML page
     * needs none.
     */
    public Optional<PageFormat> companion() {
        return this == MD ? Optional.of(HTML) : Optional.empty();
    }

    /** The chart of a model, relative to its group's folder. */
    public static String chart(String name) {
        return MarkdownReport.siteChartLink(name);
    }

    /** The format of an existing page, by its extension. */
    public static Optional<PageFormat> ofPage(String page) {
        for (PageFormat format : values()) {
            if (page.endsWith("." + format.extension)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** The format {@code --format} names. */
    public static Optional<PageFormat> parse(String value) {
        for (PageFormat format : values()) {
            if (format.extension.equals(value)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
