package dev.modelsummary.report;

import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ModelDiff;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * {@code model-summary diff A B -f html}: the same sections as {@link DiffTextReport} and
 * {@link DiffMarkdownReport}, as one self-contained page like {@link HtmlReport}'s: the stylesheet and the table
 * script inline, a Content-Security-Policy that forbids every request. Every value goes through
 * {@link Html#escape} (names, sources and dtypes come from files); rows are written as they are made.
 */
public final class DiffHtmlReport {
    private DiffHtmlReport() {
    }

    public static void write(ModelDiff diff, int maxRows, Writer out) throws IOException {
        String title = Html.escape(diff.a().name()) + " vs " + Html.escape(diff.b().name());
        HtmlReport.writeHead(out, title, Html.css());
        out.write("<header>\n<h1>" + title + "</h1>\n<ul class=\"muted\" id=\"sides\">\n<li><strong>A</strong> "
                + origin(diff.a()) + "</li>\n<li><strong>B</strong> " + origin(diff.b()) + "</li>\n</ul>\n"
                + "</header>\n");
        if (diff.noDifference()) {
            out.write("<p id=\"verdict\"><strong>" + Html.escape(DiffRows.noDifference(diff)) + "</strong></p>\n");
        } else {
            out.write("<p id=\"verdict\"><strong>Differ: " + Html.escape(DiffRows.counts(diff))
                    + ".</strong></p>\n");
            writeTensors(out, "only-a", "Only in A", diff.onlyInA(), maxRows);
            writeTensors(out, "only-b", "Only in B", diff.onlyInB(), maxRows);
            writeChanged(out, diff.changed(), maxRows);
            if (diff.values() != null) {
                writeTensors(out, "other-values", "Other values", diff.values().differ(), maxRows);
            }
            writeTable(out, "totals", "Totals", DiffRows.TOTALS_HEADER, DiffRows.totals(diff));
            writeTable(out, "forms", "Forms (parameter tensors)", DiffRows.FORMS_HEADER,
                    diff.forms().stream().map(DiffRows::form).toList());
        }
        if (DiffRows.hasCompute(diff)) {
            out.write("<section id=\"compute\">\n<h2>" + Html.escape(DiffRows.COMPUTE_HEADING) + "</h2>\n"
                    + "<p class=\"muted\">A on " + Html.escape(ComputeText.inputLabel(diff.a().compute().input()))
                    + "; B on " + Html.escape(ComputeText.inputLabel(diff.b().compute().input())) + "</p>\n");
            writeRows(out, DiffRows.TOTALS_HEADER, DiffRows.compute(diff));
            out.write("</section>\n");
        }
        out.write("<script>\n" + Html.tableScript() + "</script>\n</body>\n</html>\n");
    }

    /** {@code resnet50 (builtin: <code>resnet50</code>)}. */
    private static String origin(Summary summary) {
        Model model = summary.model();
        return Html.escape(model.name()) + " (" + Html.escape(model.format()) + ": <code>"
                + Html.escape(model.source()) + "</code>)";
    }

    private static void writeTensors(Writer out, String id, String heading, List<TensorEntry> tensors, int maxRows)
            throws IOException {
        if (tensors.isEmpty()) {
            return;
        }
        out.write("<section id=\"" + id + "\">\n<h2>" + heading + " (" + TextReport.grouped(tensors.size())
                + ")</h2>\n<table class=\"sortable\">\n<thead><tr><th>Name</th><th>Tensor</th></tr></thead>\n"
                + "<tbody>\n");
        int shown = Math.min(tensors.size(), maxRows);
        for (int i = 0; i < shown; i++) {
            TensorEntry t = tensors.get(i);
            out.write("<tr><td class=\"name\">" + Html.escape(t.name()) + "</td><td>"
                    + Html.escape(DiffRows.describe(t)) + "</td></tr>\n");
        }
        out.write("</tbody>\n</table>\n");
        writeMore(out, tensors.size(), shown);
        out.write("</section>\n");
    }

    private static void writeChanged(Writer out, List<ModelDiff.Change> changed, int maxRows) throws IOException {
        if (changed.isEmpty()) {
            return;
        }
        out.write("<section id=\"changed\">\n<h2>Changed (" + TextReport.grouped(changed.size()) + ")</h2>\n"
                + "<table class=\"sortable\">\n<thead><tr><th>Name</th><th>A</th><th>B</th><th>Changed</th></tr>"
                + "</thead>\n<tbody>\n");
        int shown = Math.min(changed.size(), maxRows);
        for (int i = 0; i < shown; i++) {
            ModelDiff.Change change = changed.get(i);
            out.write("<tr><td class=\"name\">" + Html.escape(change.name()) + "</td><td>"
                    + Html.escape(DiffRows.describe(change.a())) + "</td><td>"
                    + Html.escape(DiffRows.describe(change.b())) + "</td><td>"
                    + Html.escape(DiffRows.aspects(change)) + "</td></tr>\n");
        }
        out.write("</tbody>\n</table>\n");
        writeMore(out, changed.size(), shown);
        out.write("</section>\n");
    }

    private static void writeMore(Writer out, int rows, int shown) throws IOException {
        if (shown < rows) {
            out.write("<p class=\"muted\">" + Html.escape(DiffRows.more(rows, shown)) + "</p>\n");
        }
    }

    private static void writeTable(Writer out, String id, String heading, String[] header, List<String[]> rows)
            throws IOException {
        out.write("<section id=\"" + id + "\">\n<h2>" + Html.escape(heading) + "</h2>\n");
        writeRows(out, header, rows);
        out.write("</section>\n");
    }

    /** A table whose first column is a label and the others numbers, right-aligned. */
    private static void writeRows(Writer out, String[] header, List<String[]> rows) throws IOException {
        out.write("<table>\n<thead><tr>");
        for (int i = 0; i < header.length; i++) {
            out.write((i == 0 ? "<th>" : "<th class=\"num\">") + Html.escape(header[i]) + "</th>");
        }
        out.write("</tr></thead>\n<tbody>\n");
        for (String[] row : rows) {
            out.write("<tr>");
            for (int i = 0; i < row.length; i++) {
                out.write((i == 0 ? "<td>" : "<td class=\"num\">") + Html.escape(row[i]) + "</td>");
            }
            out.write("</tr>\n");
        }
        out.write("</tbody>\n</table>\n");
    }
}
