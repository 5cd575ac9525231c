package dev.modelsummary.cli;

import dev.modelsummary.format.Limit;
import dev.modelsummary.report.TextReport;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;

/** {@code --help-limits}: each reader limit's {@code --limit} name, default and help, kept out of {@code --help}. */
final class LimitsHelp {
    private LimitsHelp() {
    }

    /**
     * A few lines of what the limits are, then two lines per limit: its name, its default (bytes in binary units
     * too), and what it bounds.
     */
    static void print(PrintWriter out) {
        out.println("Reader limits: bounds on what a file declares, checked before anything is");
        out.println("allocated, so a broken or hostile file is refused (exit 3) instead of");
        out.println("exhausting memory. The defaults fit every real file known. A refusal names");
        out.println("the limit it hit; raise it for one run with --limit NAME=N (repeatable;");
        out.println("diff and site take it too), e.g. --limit tensors=5000000.");
        out.println();
        int width = Arrays.stream(Limit.values()).mapToInt(limit -> limit.optionName().length()).max().orElse(0);
        for (Limit limit : Limit.values()) {
            long value = limit.defaultValue();
            String bytes = limit.unit() == Limit.Unit.BYTES && value >= 1024
                    ? "  (" + TextReport.humanBytes(value) + ")" : "";
            out.println("  " + limit.optionName() + " ".repeat(width - limit.optionName().length())
                    + String.format(Locale.ROOT, "%,15d", value) + bytes);
            out.println("      " + limit.help());
        }
    }
}
