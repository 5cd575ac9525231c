package dev.modelsummary.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What every self-contained HTML page shares: escaping of file-derived text, and the stylesheet and table
 * script that are inlined into each page (no page loads anything from anywhere).
 */
public final class Html {
    private static final String ASSETS = "/dev/modelsummary/report/html/";

    private Html() {
    }

    /**
     * Text escaped for HTML and XML content and double- or single-quoted attributes. A control character has no
     * escape in XML 1.0 and a name from a file may hold one: it becomes U+FFFD.
     */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** The stylesheet, to go inside {@code <style>}. */
    public static String css() {
        return Assets.CSS;
    }

    /**
     * The sortable and filterable table script, to go inside {@code <script>} at the end of {@code <body>}:
     * see the comment at its top for the markup it expects.
     */
    public static String tableScript() {
        return Assets.TABLE_JS;
    }

    /** The model page's own rules (cards, treemap), to follow {@link #css()} inside its {@code <style>}. */
    static String reportCss() {
        return Assets.REPORT_CSS;
    }

    /** The model page's treemap script: see the comment at its top for the markup it expects. */
    static String treemapScript() {
        return Assets.TREEMAP_JS;
    }

    /** Loaded on first use: a run that writes no HTML never reads them. */
    private static final class Assets {
        static final String CSS = resource("base.css");
        static final String TABLE_JS = resource("table.js");
        static final String REPORT_CSS = resource("report.css");
        static final String TREEMAP_JS = resource("treemap.js");

        private static String resource(String name) {
            try (InputStream in = Html.class.getResourceAsStream(ASSETS + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + ASSETS + name);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
