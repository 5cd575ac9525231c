package dev.modelsummary.cli;

import dev.modelsummary.text.Quote;
import java.io.PrintWriter;

/**
 * {@code [#####.....] 57/173 resnet50} on stderr, redrawn in place with {@code \r} as models finish, and
 * cleared at the end. Only on a terminal: Java 17 cannot tell whether stderr is one ({@code System.console()}
 * looks at stdin and stdout), so the launcher says so with {@code -Dmodel-summary.stderr-tty=true} when
 * {@code [ -t 2 ]}; without that property (a pipe, a log, a test) nothing is drawn.
 */
final class ProgressBar {
    /** The property the launcher sets when stderr is a terminal. */
    static final String STDERR_TTY = "model-summary.stderr-tty";
    private static final int WIDTH = 30;
    /** A long name is cut so the bar stays on one 80-column line. */
    private static final int NAME_WIDTH = 32;

    private final PrintWriter err;
    private final int total;
    private final boolean shown;
    private int done;
    private int drawn;

    private ProgressBar(PrintWriter err, int total, boolean shown) {
        this.err = err;
        this.total = total;
        this.shown = shown;
    }

    /** A bar over {@code total} steps, drawn when stderr is a terminal and {@code wanted}. */
    static ProgressBar on(PrintWriter err, int total, boolean wanted) {
        return new ProgressBar(err, total, wanted && Boolean.getBoolean(STDERR_TTY));
    }

    /** One more step done, {@code name} the one that finished. */
    synchronized void step(String name) {
        done++;
        if (!shown) {
            return;
        }
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        String label = Quote.bare(name);
        if (label.length() > NAME_WIDTH) {
            label = label.substring(0, NAME_WIDTH - 3) + "...";
        }
        String line = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + label;
        // spaces over what the longer line before left
        err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        err.flush();
        drawn = line.length();
    }

    /** Clears the bar's line, so what is printed next starts on a clean line. */
    synchronized void finish() {
        if (shown && drawn > 0) {
            err.print("\r" + " ".repeat(drawn) + "\r");
            err.flush();
            drawn = 0;
        }
    }
}
