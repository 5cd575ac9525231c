package dev.modelsummary.report;

import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.DTypeStat;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.ModuleTree;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.Totals;
import dev.modelsummary.text.Counts;
import java.io.IOException;
import java.io.Writer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One model as a self-contained HTML page: totals and forms as cards, the pie as inline SVG, the module tree as a
 * zoomable treemap (and a plain table to depth 2), and every tensor in a sortable, filterable table. Nothing is
 * loaded from anywhere: styles and scripts are inline, and the page's Content-Security-Policy forbids every
 * request, so a page that works at all works offline.
 *
 * <p>Streamed a row at a time (a file may list a million tensors), the same bytes for the same summary, and
 * every text that comes from a file goes through {@link Html#escape} (or, in the treemap's data, through
 * {@link ModuleTreeJson}'s script-safe escapes).
 */
public final class HtmlReport {
    /** No request of any kind: inline styles and scripts only, images only as data: URLs. */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
    /** Rows of the no-script module table: depth 2 of a hostile file could list millions of modules. */
    static final int MAX_MODULE_ROWS = 2_000;
    private static final int MODULE_TABLE_DEPTH = 2;
    /**
     * Tensor rows laid out at load. A browser lays out a table of 100,000 rows in about 35 s, while rows with the
     * hidden attribute cost it next to nothing; 1,000 rows open in well under a second and are more than anyone
     * reads by scrolling. The script sorts and filters all rows and shows more on request.
     */
    static final int TENSOR_ROW_LIMIT = 1_000;
    /** The dtypes the Stored bytes card names; more are one "+N more" with the whole list as its tooltip. */
    static final int CARD_DTYPES = 3;
    private static final String SVG_NAMESPACE = " xmlns=\"http://www.w3.org/2000/svg\"";

    private HtmlReport() {
    }

    /** The page as a string, for tests and small models; the CLI streams with {@link #write}. */
    public static String render(Summary summary) {
        return Renderer.toText(HtmlReport::write, summary);
    }

    /** Writes the page for a single model. */
    public static void write(Summary summary, Writer out) throws IOException {
        write(summary, out, null);
    }

    /**
     * A self-contained page's head, through {@code <body>}: its content security policy (no request leaves the
     * page), its {@code escapedTitle} and its style sheet.
     */
    static void writeHead(Writer out, String escapedTitle, String css) throws IOException {
        out.write("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.write("<meta http-equiv=\"Content-Security-Policy\" content=\"" + CONTENT_SECURITY_POLICY + "\">\n");
        out.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.write("<title>" + escapedTitle + "</title>\n");
        out.write("<style>\n" + css + "</style>\n</head>\n<body>\n");
    }

    /** Writes the page; a site page passes its {@code rank} in its group, to show and link it. */
    public static void write(Summary summary, Writer out, SiteRank rank) throws IOException {
        writeHead(out, Html.escape(summary.name()) + " parameter information", Html.css() + Html.reportCss());
        writeHeader(summary, out, rank);
        writeCards(summary, out);
        writeForms(summary, out);
        if (summary.memory() != null) {
            MemoryHtml.writeSection(summary.memory(), out);
        }
        writeFileDetails(summary.model(), out);
        writeModules(summary, out);
        if (summary.tensorTable()) {
            writeTensors(summary.model(), out);
        }
        out.write("<script>\n" + Html.tableScript() + "</script>\n");
        out.write("<script>\n" + Html.treemapScript() + "</script>\n");
        out.write("</body>\n</html>\n");
    }

    /** A site page's rank, linked to its group's ranking; a later site run finds it to update the rank. */
    public static String rankLink(SiteRank rank) {
        return "<a href=\"" + Html.escape(rank.rankingLink()) + "\">rank " + rank.rank() + " of " + rank.groupSize()
                + " in " + Html.escape(rank.groupTitle()) + "</a>";
    }

    private static void writeHeader(Summary summary, Writer out, SiteRank rank) throws IOException {
        Model model = summary.model();
        out.write("<header>\n<h1>" + Html.escape(model.name()) + "</h1>\n<p class=\"muted\">");
        if (model.isBuiltin()) {
            out.write("Built-in architecture <code>" + Html.escape(model.source()) + "</code>");
        } else {
            out.write(Html.escape(model.format()) + " file <code>" + Html.escape(model.source()) + "</code>");
        }
        if (rank != null) {
            out.write(" &middot; " + rankLink(rank));
        }
        out.write("</p>\n</header>\n");
    }

    private static void writeCards(Summary summary, Writer out) throws IOException {
        Totals parameters = summary.parameters();
        Totals buffers = summary.buffers();
        long count = parameters.count();
        out.write("<section class=\"cards\" id=\"totals\">\n");
        // the published page's "Number of layers" counts parameter tensors: here they are called so
        countCard(out, "layers", "Tensors", parameters.tensors(), "holding parameters");
        countCard(out, "parameters", "Parameters", count, Counts.hub(count));
        countCard(out, "trainable", "Trainable", parameters.trainable(),
                PythonNumbers.percent(parameters.trainable(), count) + " %");
        long frozen = count - parameters.trainable();
        countCard(out, "frozen", "Frozen", frozen, PythonNumbers.percent(frozen, count) + " %");
        countCard(out, "buffers", "Buffers", buffers.count(), Counts.tensors(buffers.tensors()));
        card(out, "bytes", "Stored bytes", TextReport.humanBytes(summary.storedBytes()), bytesByDtype(summary.dtypes()));
        card(out, "bits", "Bits / parameter",
                summary.bitsPerParameter().map(b -> b.toPlainString()).orElse("\u2013"), "as stored");
        if (summary.experts() != null) {
            long active = summary.experts().active().active();
            // the short count as the value: a card of the usual width would wrap "12,879,925,248"
            card(out, "active", "Active / token", Counts.hub(active), grouped(active) + " of "
                    + Counts.hub(count) + " (" + summary.experts().routing().expertsPerToken() + " of "
                    + summary.experts().routing().experts() + " routed experts)");
        }
        if (summary.compute() != null) {
            writeComputeCards(summary.compute(), out);
        }
        if (summary.memory() != null) {
            MemoryHtml.writeCards(summary.memory(), out, HtmlReport::card);
        }
        out.write("</section>\n");
    }

    /**
     * {@code --compute}: what one forward pass costs, as cards after the parameter cards (the same figures as the
     * text and Markdown totals).
     */
    private static void writeComputeCards(ComputeSummary compute, Writer out) throws IOException {
        card(out, "gflops", "GFLOPs", ComputeText.giga(compute.flops()), grouped(compute.flops()) + " FLOPs");
        card(out, "gmacs", "GMACs", ComputeText.giga(compute.macs()), "FLOPs / 2 (torchvision's GFLOPS)");
        countCard(out, "activations", "Activations", compute.activations(),
                TextReport.humanBytes(compute.activationBytes()) + " (leaf-module outputs)");
        card(out, "input", "Input shape", ComputeText.shape(compute.input().shape()),
                Html.escape(compute.input().kind().describe()) + " &middot; "
                        + TextReport.humanBytes(compute.inputBytes()));
        card(out, "memory", "Estimated memory", TextReport.humanBytes(compute.totalBytes()),
                "input + activations + parameters");
    }

    /**
     * One card per form with its share of parameters and of tensors (the Markdown page's two tables, the same
     * numbers), beside the pie.
     */
    private static void writeForms(Summary summary, Writer out) throws IOException {
        Totals parameters = summary.parameters();
        out.write("<section id=\"form-split\">\n<h2>Share of each form</h2>\n<div class=\"split\">\n"
                + "<div class=\"cards forms\" id=\"forms\">\n");
        for (FormStat form : summary.forms()) {
            out.write("<div class=\"card form\"><div class=\"label\"><span class=\"swatch\" style=\"background:"
                    + FormPalette.hex(form.form()) + "\"></span>" + form.form().label() + "</div>"
                    + "<div class=\"value\">" + PythonNumbers.percent(form.count(), parameters.count()) + " %</div>"
                    + "<div class=\"detail\">of parameters (" + grouped(form.count()) + ")</div>"
                    + "<div class=\"detail\">" + PythonNumbers.percent(form.tensors(), parameters.tensors())
                    + " % of tensors (" + grouped(form.tensors()) + ")</div></div>\n");
        }
        out.write("</div>\n<div class=\"pie\" id=\"pie\">\n");
        // inline SVG needs no namespace in HTML, and the page then names no URL at all
        out.write(PieChartSvg.svg(summary).replace(SVG_NAMESPACE, ""));
        out.write("</div>\n</div>\n</section>\n");
    }

    /**
     * Characters past which a card's value is set smaller; a count this long ("46,702,792,704") shows its short
     * form instead ({@link #countCard}).
     */
    private static final int LONG_CARD_VALUE = 11;

    /**
     * A card of a count: the count with thousands separators, or, when that is too long for a card of the usual
     * width ({@link #LONG_CARD_VALUE}), its short form ({@code 46.70G}) with the exact count on the first detail
     * line; a value never wraps (base.css), so no number is split across lines. A detail that only repeated the
     * short form is then left out.
     */
    private static void countCard(Writer out, String id, String label, long count, String detail) throws IOException {
        String exact = grouped(count);
        if (exact.length() <= LONG_CARD_VALUE) {
            card(out, id, label, exact, detail);
            return;
        }
        String shortForm = Counts.hub(count);
        card(out, id, label, shortForm, "<span class=\"exact\">" + exact + "</span>"
                + (detail.equals(shortForm) ? "" : "<br>" + detail));
    }

    private static void card(Writer out, String id, String label, String value, String detail) throws IOException {
        // a billion-parameter count ("6,738,415,616") would wrap in a card of the usual width: a smaller size keeps it on one line
        String valueClass = value.length() > LONG_CARD_VALUE ? "value long" : "value";
        out.write("<div class=\"card\" id=\"card-" + id + "\"><div class=\"label\">" + label
                + "</div><div class=\"" + valueClass + "\">" + value + "</div><div class=\"detail\">" + detail
                + "</div></div>\n");
    }

    /** {@code float32 44.59 MiB · int64 160 B}: dtype names are the project's own, not the file's. */
    private static String bytesByDtype(List<DTypeStat> dtypes) {
        if (dtypes.isEmpty()) {
            return "no tensors";
        }
        // the largest few; a card that listed a test file's 15 GGUF types grew a screen tall, and the File
        // section and the tensor table have every dtype
        List<String> each = dtypes.stream().sorted(Comparator.comparingLong(DTypeStat::bytes).reversed())
                .map(d -> d.dtype().torchName() + " " + TextReport.humanBytes(d.bytes())).toList();
        int named = each.size() <= CARD_DTYPES + 1 ? each.size() : CARD_DTYPES; // never "+1 more" for one name
        StringJoiner parts = new StringJoiner(" &middot; ");
        each.subList(0, named).forEach(part -> parts.add(Html.escape(part)));
        if (named < each.size()) {
            parts.add("<span title=\"" + Html.escape(String.join(", ", each)) + "\">+" + (each.size() - named)
                    + " more</span>");
        }
        return parts.toString();
    }

    /** What a weight file says besides its tensors, and what its reader noticed; nothing for a built-in. */
    private static void writeFileDetails(Model model, Writer out) throws IOException {
        FileDetails details = model.details();
        if (details.isEmpty() && model.warnings().isEmpty()) {
            return;
        }
        out.write("<section id=\"file\">\n<h2>File</h2>\n");
        if (!details.facts().isEmpty()) {
            out.write("<table class=\"facts\">\n<tbody>\n");
            for (Fact fact : details.facts()) {
                out.write("<tr><th>" + Html.escape(fact.label()) + "</th><td>" + Html.escape(fact.value())
                        + "</td></tr>\n");
            }
            out.write("</tbody>\n</table>\n");
        }
        if (details.checkpoint() != null) {
            writeCheckpoint(details.checkpoint(), out);
        }
        if (details.pickle() != null) {
            out.write("<p><strong>Pickle scan:</strong> " + Html.escape(DetailLines.pickleVerdict(details.pickle()))
                    + "</p>\n");
            for (String line : DetailLines.afterStop(details.pickle())) {
                out.write("<p class=\"warning\"><strong>Warning:</strong> " + Html.escape(line) + "</p>\n");
            }
        }
        for (String note : details.notes()) {
            out.write("<p><strong>Note:</strong> " + Html.escape(note) + "</p>\n");
        }
        for (String warning : model.warnings()) {
            out.write("<p class=\"warning\"><strong>Warning:</strong> " + Html.escape(warning) + "</p>\n");
        }
        out.write("</section>\n");
    }

    private static void writeCheckpoint(CheckpointContents checkpoint, Writer out) throws IOException {
        out.write("<p>Checkpoint contents (" + Html.escape(DetailLines.checkpointKey(checkpoint)) + "):</p>\n"
                + "<table>\n<thead><tr><th>Entry</th><th>Kind</th><th class=\"num\">Tensors</th>"
                + "<th class=\"num\">Elements</th><th class=\"num\">Bytes</th></tr></thead>\n<tbody>\n");
        for (CheckpointContents.Entry entry : checkpoint.entries()) {
            out.write("<tr><td class=\"name\">" + Html.escape(entry.name()) + "</td><td>" + Html.escape(entry.kind())
                    + "</td><td class=\"num\">" + grouped(entry.tensors()) + "</td><td class=\"num\">"
                    + grouped(entry.elements()) + "</td><td class=\"num\">" + TextReport.humanBytes(entry.bytes())
                    + "</td></tr>\n");
        }
        out.write("</tbody>\n</table>\n");
    }

    private static void writeModules(Summary summary, Writer out) throws IOException {
        ModuleTree tree = ModuleTree.of(summary);
        out.write("<section id=\"modules\">\n<h2>Modules</h2>\n");
        out.write("<p class=\"muted\">Parameters rolled up per module; box areas are parameter counts. "
                + "Click a module to zoom in, a name in the path to zoom out."
                + (summary.compute() == null ? "" : " The table's FLOPs are each module's calls summed (a module "
                + "whose parent uses its weights directly has none: its FLOPs are the parent's).") + "</p>\n");
        out.write("<nav class=\"crumbs\" id=\"treemap-path\" aria-label=\"Module path\"></nav>\n");
        out.write("<div class=\"treemap\" id=\"treemap\" data-root=\"" + Html.escape(summary.name())
                + "\"></div>\n");
        out.write("<script type=\"application/json\" id=\"tree\">");
        ModuleTreeJson.write(tree, ModuleTreeJson.DEFAULT_MAX_NODES, out);
        out.write("</script>\n");
        writeModuleTable(tree, summary.parameters().count(), flopsByModule(summary.compute()), out);
        out.write("</section>\n");
    }

    /**
     * The rollup to depth 2, for readers without scripts (and for copying numbers). A module path is cut as the
     * treemap cuts it: the tensor table below shows every name whole, once.
     */
    private static void writeModuleTable(ModuleTree tree, long total, Map<String, Long> flops, Writer out)
            throws IOException {
        List<ModuleTree.Node> rows = tree.rollup(MODULE_TABLE_DEPTH);
        out.write("<details class=\"rollup\">\n<summary>Modules to depth " + MODULE_TABLE_DEPTH
                + " as a table</summary>\n<table class=\"sortable\" id=\"module-table\">\n<thead><tr>"
                + "<th>Module</th><th class=\"num\" data-type=\"number\">Tensors</th>"
                + "<th class=\"num\" data-type=\"number\">Parameters</th>"
                + "<th class=\"num\" data-type=\"number\">% of model</th>"
                + (flops == null ? "" : "<th class=\"num\" data-type=\"number\">FLOPs</th>")
                + "</tr></thead>\n<tbody>\n");
        int shown = Math.min(rows.size(), MAX_MODULE_ROWS);
        for (ModuleTree.Node node : rows.subList(0, shown)) {
            String path = node.depth() == 0 ? "(model)" : Html.escape(ModuleTreeJson.cut(node.path()));
            out.write("<tr><td class=\"name depth" + node.depth() + "\">" + path + "</td><td class=\"num\">"
                    + grouped(node.tensors()) + "</td><td class=\"num\" data-value=\"" + node.parameters() + "\">"
                    + grouped(node.parameters()) + "</td><td class=\"num\">"
                    + PythonNumbers.percent(node.parameters(), total) + "</td>"
                    + (flops == null ? "" : flopsCell(flops.get(node.path()))) + "</tr>\n");
        }
        out.write("</tbody>\n</table>\n");
        if (rows.size() > shown) {
            out.write("<p class=\"muted\">and " + Counts.of(rows.size() - shown, "more module", "more modules")
                    + ".</p>\n");
        }
        out.write("</details>\n");
    }

    /**
     * {@code --compute}: FLOPs of each module path, summed over its calls (a module called twice, such as a shared
     * activation or ALBERT's shared layer group, counts both calls). Null without {@code --compute}.
     */
    static Map<String, Long> flopsByModule(ComputeSummary compute) {
        if (compute == null) {
            return null;
        }
        Map<String, Long> flops = new HashMap<>();
        for (Trace.Call call : compute.calls()) {
            flops.merge(call.name(), call.flops(), Exact::add);
        }
        return flops;
    }

    /** A module's FLOPs; a module with parameters but no call of its own (its parent uses its weights): a dash. */
    private static String flopsCell(Long flops) {
        return flops == null ? "<td class=\"num\" data-value=\"-1\">\u2013</td>"
                : "<td class=\"num\" data-value=\"" + flops + "\">" + grouped(flops) + "</td>";
    }

    /**
     * Every tensor, buffers and tied aliases too, each marked: the cards count each tensor once. A table longer
     * than {@link #TENSOR_ROW_LIMIT} shows its first rows and writes the rest hidden (table.js's data-limit).
     */
    private static void writeTensors(Model model, Writer out) throws IOException {
        int total = model.tensors().size();
        boolean limited = total > TENSOR_ROW_LIMIT;
        out.write("<section id=\"tensors\">\n<h2>Tensors</h2>\n<p class=\"filter\">"
                + "<input type=\"search\" id=\"tensor-filter\" placeholder=\"Filter by name, shape, form, dtype\" "
                + "aria-label=\"Filter tensors\"> <span class=\"muted\"><span id=\"tensor-count\">"
                + Counts.grouped(total)
                + "</span> of " + Counts.tensors(total) + (limited ? " match" : " shown") + "</span></p>\n");
        out.write("<table class=\"sortable\" id=\"tensor-table\" data-filter=\"tensor-filter\" "
                + "data-count=\"tensor-count\"" + (limited ? " data-limit=\"" + TENSOR_ROW_LIMIT
                + "\" data-more=\"tensor-more\"" : "") + ">\n<thead><tr><th>Name</th><th>Shape</th>"
                + "<th>Squeezed shape</th><th class=\"num\" data-type=\"number\">Parameters</th><th>Form</th>"
                + "<th>dtype</th><th>Role</th><th>Trainable</th></tr></thead>\n<tbody>\n");
        int row = 0;
        for (TensorEntry tensor : model.tensors()) {
            writeTensorRow(tensor, row++ >= TENSOR_ROW_LIMIT, out);
        }
        out.write("</tbody>\n</table>\n");
        if (limited) {
            out.write("<p class=\"muted\" id=\"tensor-more\">Showing the first " + grouped(TENSOR_ROW_LIMIT)
                    + " of " + grouped(total) + " tensors; the filter and sorting search all of them.</p>\n");
        }
        out.write("</section>\n");
    }

    private static void writeTensorRow(TensorEntry tensor, boolean hidden, Writer out) throws IOException {
        boolean buffer = tensor.role() == Role.BUFFER;
        String tied = tensor.aliasOf() == null ? ""
                : " <span class=\"tied\">tied to " + Html.escape(tensor.aliasOf()) + "</span>";
        String kind = buffer ? " class=\"buffer\"" : tensor.aliasOf() != null ? " class=\"alias\"" : "";
        out.write("<tr" + kind + (hidden ? " hidden>" : ">"));
        out.write("<td class=\"name\">");
        out.write(breakable(Html.escape(tensor.name())));
        out.write(tied + "</td><td>" + tensor.shape().toPythonTuple() + "</td><td>"
                + tensor.shape().squeezed().toPythonTuple() + "</td><td class=\"num\" data-value=\"" + tensor.numel()
                + "\">" + grouped(tensor.numel()) + "</td><td>" + tensor.form().label() + "</td><td>"
                + tensor.dtype().torchName() + "</td><td>" + (buffer ? "<span class=\"badge\">buffer</span>"
                : "parameter") + "</td><td>" + (buffer ? "" : tensor.trainable() ? "yes" : "no") + "</td></tr>\n");
    }

    /**
     * A long dotted name may wrap after each dot ({@code <wbr>}) rather than mid-word; escaping writes no dot, so
     * every dot in escaped text is the name's own.
     */
    private static String breakable(String escapedName) {
        return escapedName.replace(".", ".<wbr>");
    }

    private static String grouped(long n) {
        return TextReport.grouped(n);
    }
}
