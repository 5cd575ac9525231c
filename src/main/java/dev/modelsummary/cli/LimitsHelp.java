package dev.modelsummary.cli;

import dev.modelsummary.format.Limits;
import dev.modelsummary.report.TextReport;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** {@code --help-limits}: each reader limit's {@code --limit} name and default, kept out of {@code --help}. */
final class LimitsHelp {
    private LimitsHelp() {
    }

    /** A few lines of what the limits are, then one line per limit: name, default, and bytes in binary units. */
    static void print(PrintWriter out) {
        out.println("Reader limits: bounds on what a file declares, checked before anything is");
        out.println("allocated, so a broken or hostile file is refused (exit 3) instead of");
        out.println("exhausting memory. The defaults fit every real file known. A refusal names");
        out.println("the limit it hit; raise it for one run with --limit NAME=N (repeatable;");
        out.println("diff and site take it too), e.g. --limit tensors=5000000.");
        out.println();
        Map<String, Long> limits = Limits.DEFAULT.byName();
        int width = limits.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Long> limit : limits.entrySet()) {
            String value = String.format(Locale.ROOT, "%,15d", limit.getValue());
            String bytes = limit.getKey().endsWith("-bytes") && limit.getValue() >= 1024
                    ? "  (" + TextReport.humanBytes(limit.getValue()) + ")" : "";
            out.println("  " + limit.getKey() + " ".repeat(width - limit.getKey().length()) + value + bytes);
        }
    }
}
