package dev.modelsummary.report;

/**
 * How wide the terminal the text report goes to is: the launcher passes {@code -Dmodel-summary.columns} (its
 * {@code $COLUMNS}, else {@code tput cols}) only when stdout is a terminal. Piped output (scripts, files) has no
 * width, so it keeps every name whole.
 */
public final class TerminalWidth {
    /** The system property the launcher sets. */
    public static final String PROPERTY = "model-summary.columns";
    /** Narrower than this, fitting does more harm than wrapping. */
    private static final int MIN_COLUMNS = 40;

    private TerminalWidth() {
    }

    /** The terminal's columns, or 0 when output is not a terminal (or its width is not known). */
    public static int columns() {
        return parse(System.getProperty(PROPERTY));
    }

    static int parse(String value) {
        if (value == null || value.isBlank() || value.length() > 6) {
            return 0;
        }
        try {
            int columns = Integer.parseInt(value.strip());
            return columns >= MIN_COLUMNS ? columns : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
