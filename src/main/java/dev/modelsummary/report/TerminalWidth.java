package dev.modelsummary.report;

import java.io.IOException;

/**
 * How wide the terminal the text report goes to is: the launcher passes {@code -Dmodel-summary.columns} (its
 * {@code $COLUMNS}, else {@code tput cols}) only when stdout is a terminal. Piped output (scripts, files) has no
 * width, so it keeps every name whole; so do files ({@link #unfitted}).
 */
public final class TerminalWidth {
    /** The system property the launcher sets. */
    public static final String PROPERTY = "model-summary.columns";
    /** Narrower than this, fitting does more harm than wrapping. */
    private static final int MIN_COLUMNS = 40;

    /** Set while this thread writes a file: the terminal's width is not the file's. */
    private static final ThreadLocal<Boolean> WRITING_FILE = ThreadLocal.withInitial(() -> false);

    /** Something written to a file. */
    public interface FileWrite {
        void run() throws IOException;
    }

    private TerminalWidth() {
    }

    /** The terminal's columns, or 0 when output is not a terminal (or its width is not known) or is a file. */
    public static int columns() {
        return WRITING_FILE.get() ? 0 : parse(System.getProperty(PROPERTY));
    }

    /**
     * Runs {@code write} with no width: {@code --out report.txt} typed at a terminal writes the file as a pipe
     * would get it, every name whole, not fitted to the terminal it was typed at.
     */
    public static void unfitted(FileWrite write) throws IOException {
        boolean was = WRITING_FILE.get();
        WRITING_FILE.set(true);
        try {
            write.run();
        } finally {
            WRITING_FILE.set(was);
        }
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
