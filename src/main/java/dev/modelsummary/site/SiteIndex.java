package dev.modelsummary.site;

import dev.modelsummary.model.Form;
import dev.modelsummary.report.Html;
import dev.modelsummary.report.HtmlReport;
import dev.modelsummary.report.TextReport;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.text.Counts;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The site's {@code index.html}: every model of every group in one table, with its totals and the share of its
 * parameters in each form, sortable and filterable, each row opening the model's page. The rows come by
 * parameters across all groups, largest first, and the Parameters heading says so; a click on another heading
 * sorts by it ascending, a second click reverses. A Markdown site's row opens the HTML page beside the Markdown
 * one (a browser shows Markdown as raw text). Self-contained: the stylesheet and the table script are inlined
 * ({@link Html}).
 */
public final class SiteIndex {
    private SiteIndex() {
    }

    /** All models, largest first: by parameters, then name, then group. */
    private static final Comparator<Row> GLOBAL_ORDER = Comparator.comparingLong((Row r) -> r.entry().parameters())
            .reversed().thenComparing(r -> r.entry().name()).thenComparing(r -> r.group().path());

    private record Row(SiteGroup group, SiteEntry entry) {
    }

    /**
     * @param groups every group with at least one model, by path
     * @param exists whether the site has a file at a path relative to its root (this run's or an earlier one's):
     *               a row links a model's HTML page where there is one
     */
    public static void write(Collection<GroupData> groups, Predicate<String> exists, Writer out) throws IOException {
        List<Form> forms = forms(groups);
        int models = groups.stream().mapToInt(g -> g.models().size()).sum();
        // the report's policy: nothing is loaded from anywhere (links still navigate)
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\""
                + HtmlReport.CONTENT_SECURITY_POLICY + "\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>Model summaries</title>\n<style>\n" + Html.css() + "</style>\n</head>\n<body class=\"wide\">\n");
        out.write("<h1>Model summaries</h1>\n");
        out.write("<p class=\"muted\">" + RankingPage.count(models) + " in " + groups.size()
                + (groups.size() == 1 ? " group" : " groups") + " (<a href=\"README.md\">README.md</a>). "
                + "Largest first, across all groups. Click a heading to sort by it (ascending; again to reverse), a "
                + "row to open the model's page. Form columns: the share of the "
                + "parameters in tensors of that form, in %. GFLOPs: one forward pass at the model's default input "
                + "(hover for it), " + RankingPage.NONE + " without one. Inference: the bytes that forward pass takes "
                + "as stored (weights + activations + KV cache, as --memory counts them).</p>\n");
        out.write("<p><input type=\"search\" id=\"filter\" placeholder=\"Filter models and groups\" "
                + "aria-label=\"Filter models and groups\"> <span id=\"count\">" + Counts.grouped(models)
                + "</span> shown</p>\n");
        out.write("<table class=\"sortable\" data-filter=\"filter\" data-count=\"count\">\n<thead><tr>"
                + "<th>Model</th><th>Group</th>"
                + "<th class=\"num\" data-type=\"number\" aria-sort=\"descending\">Parameters</th>"
                + "<th class=\"num\" data-type=\"number\">Trainable</th>"
                + "<th class=\"num\" data-type=\"number\">Bytes</th>"
                + "<th class=\"num\" data-type=\"number\">Tensors</th>"
                + "<th class=\"num\" data-type=\"number\" title=\"One forward pass at the model's default input, "
                + "as torch's FlopCounterMode counts it\">GFLOPs</th>"
                + "<th class=\"num\" data-type=\"number\" title=\"Weights as stored + forward activations + KV "
                + "cache at the model's default input\">Inference</th>");
        for (Form form : forms) {
            // "Rank 4 %" keeps the columns narrow; the full name is the header's tooltip
            String label = form.rank() == 1 || form.rank() == 2 ? form.label() : "Rank " + form.rank();
            out.write("<th class=\"num wrap\" data-type=\"number\" title=\"" + Html.escape(form.label())
                    + ", % of parameters\">" + Html.escape(label) + " %</th>");
        }
        out.write("</tr></thead>\n<tbody>\n");
        List<Row> rows = new ArrayList<>();
        groups.forEach(g -> g.models().forEach(e -> rows.add(new Row(g.group(), e))));
        rows.sort(GLOBAL_ORDER);
        for (Row row : rows) {
            writeRow(row.group(), row.entry(), link(row.group(), row.entry(), exists), forms, out);
        }
        out.write("</tbody>\n</table>\n<script>\n" + Html.tableScript() + "</script>\n</body>\n</html>\n");
    }

    /** The page a row opens, relative to the site's root: the HTML page beside a Markdown one, if there is one. */
    private static String link(SiteGroup group, SiteEntry entry, Predicate<String> exists) {
        String page = group.path() + "/" + entry.page();
        Optional<PageFormat> companion = PageFormat.ofPage(entry.page()).flatMap(PageFormat::companion);
        if (companion.isPresent()) {
            String html = group.path() + "/" + companion.get().page(entry.name());
            if (exists.test(html)) {
                return html;
            }
        }
        return page;
    }

    private static void writeRow(SiteGroup group, SiteEntry entry, String link, List<Form> forms, Writer out)
            throws IOException {
        String page = Html.escape(link);
        String ranking = Html.escape(group.path() + "/" + GroupData.RANKING_PAGE);
        out.write("<tr data-href=\"" + page + "\"><td class=\"model\"><a href=\"" + page + "\">"
                + breakable(Html.escape(entry.name())) + "</a></td><td class=\"group\"><a href=\"" + ranking + "\">"
                + Html.escape(group.path()) + "</a></td>");
        out.write(number(entry.parameters(), Counts.hub(entry.parameters())));
        out.write(number(entry.trainable(), Counts.hub(entry.trainable())));
        out.write(number(entry.bytes(), TextReport.humanBytes(entry.bytes())));
        out.write(number(entry.tensors(), Counts.grouped(entry.tensors())));
        out.write(entry.flops() == null ? "<td class=\"num\" data-value=\"-1\">" + RankingPage.NONE + "</td>"
                : "<td class=\"num\" data-value=\"" + entry.flops() + "\" title=\"" + entry.input() + "\">"
                + Counts.groupedDecimal(RankingPage.gflops(entry.flops())) + "</td>");
        out.write(entry.inference() == null ? "<td class=\"num\" data-value=\"-1\">" + RankingPage.NONE + "</td>"
                : number(entry.inference(), TextReport.humanBytes(entry.inference())));
        Map<String, Long> byForm = entry.forms().stream()
                .collect(Collectors.toMap(FormShare::form, FormShare::parameters, Long::sum));
        for (Form form : forms) {
            String percent = PythonNumbers.percent(byForm.getOrDefault(form.label(), 0L), entry.parameters());
            out.write("<td class=\"num\" data-value=\"" + percent + "\">" + percent + "</td>");
        }
        out.write("</tr>\n");
    }

    /**
     * A long name may wrap after an underscore or a dot as it does after a hyphen, so that the table fits a
     * 1280 px window ({@code fasterrcnn_mobilenet_v3_large_320_fpn} had no place to break); escaping writes
     * neither character.
     */
    private static String breakable(String escapedName) {
        return escapedName.replace("_", "_<wbr>").replace(".", ".<wbr>");
    }

    private static String number(long raw, String shown) {
        return "<td class=\"num\" data-value=\"" + raw + "\">" + Html.escape(shown) + "</td>";
    }

    /** Every form any model has, in the page's order (Vector, Matrix, then tensor ranks). */
    private static List<Form> forms(Collection<GroupData> groups) {
        TreeSet<Form> present = new TreeSet<>(Form.REPORT_ORDER);
        groups.forEach(g -> g.models().forEach(e -> e.forms().forEach(f -> present.add(f.toForm()))));
        return List.copyOf(present);
    }
}
