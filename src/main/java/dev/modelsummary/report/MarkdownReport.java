package dev.modelsummary.report;

import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.DTypeStat;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The published per-model page, byte for byte as the original Python project wrote it (see
 * {@code src/test/resources/golden/vit_l_16.md}). Its quirks are part of the format and kept on purpose: the
 * trailing space after each table row's last {@code |}, the doubled space in the first separator cell, the
 * two blank lines before the second and third tables, and the final empty line.
 */
public final class MarkdownReport {
    /** Characters with a meaning in a GitHub Markdown table row or inline text. */
    private static final String MARKUP = "|`*<>";

    private MarkdownReport() {
    }

    /** The chart's path relative to the page, as the page links it. */
    public static String chartLink(String modelName) {
        return "../figs/" + modelName + "_pie_chart.png";
    }

    /** The chart's path relative to a site page ({@code site}): in {@code figs/} beside the page. */
    public static String siteChartLink(String modelName) {
        return "figs/" + modelName + "_pie_chart.png";
    }

    /** The report as a string, for tests and small models; the CLI streams with {@link #write}. */
    public static String render(Summary summary) {
        return Renderer.toText(MarkdownReport::write, summary);
    }

    /**
     * Writes the page straight to {@code out}, a row at a time: a model with millions of tensors is never
     * held as text. Names from a file are written whole, with control characters escaped
     * ({@link Quote#escaped}; real names have none, so real pages are unchanged).
     */
    public static void write(Summary summary, Writer out) throws IOException {
        write(summary, out, null);
    }

    /**
     * A site's page: the published page with the chart in {@code figs/} beside it and, after the "Number of
     * parameters" line, the trainable parameters, the size by dtype and the rank in the group
     * ({@link SiteLines}), in the same bold style. With {@code rank} null, the published page itself.
     */
    public static void write(Summary summary, Writer out, SiteRank rank) throws IOException {
        String name = Quote.escaped(summary.name());
        out.write("# " + name + " parameter information\n\n");
        out.write("**Number of layers: [ " + summary.parameters().tensors() + " ]**\n\n");
        out.write("**Number of parameters: [ " + PythonNumbers.humanCount(summary.parameters().count())
                + " ]**\n\n");
        if (rank != null) {
            out.write(SiteLines.trainable(summary) + "\n\n");
            out.write(SiteLines.size(summary) + "\n\n");
            out.write(SiteLines.rank(rank) + "\n\n");
        }
        out.write("**Proportional of each form** (%)\n\n");
        writeFormTable(out, summary.forms(), FormStat::tensors, summary.parameters().tensors());
        out.write("\n\n**Proportional of parameters by form** (%)\n\n\n");
        writeFormTable(out, summary.forms(), FormStat::count, summary.parameters().count());
        String chart = rank == null ? chartLink(name) : siteChartLink(name);
        out.write("\n\n<img src=\"" + chart + "\" alt=\"pie_chart\" width=\"500\"/>\n\n");
        if (summary.tensorTable()) {
            writeLayerTable(summary, out);
        }
        if (saysMore(summary.model().details())) {
            writeFileSections(summary, out);
        }
        if (summary.compute() != null) {
            writeCompute(summary.compute(), out);
        }
        if (summary.memory() != null) {
            MemoryMarkdown.write(summary.memory(), summary.experts(), out);
        }
    }

    /** The published page's "Layer information": every parameter tensor. */
    private static void writeLayerTable(Summary summary, Writer out) throws IOException {
        out.write("**Layer information**\n\n\n");
        out.write("| Name | Shape | Squeezed shape | Number of parameters | Form |\n");
        out.write("| --- | --- | --- | --- | --- |\n");
        for (TensorEntry layer : summary.layers()) {
            out.write("| ");
            out.write(cell(layer.name()));
            out.write(" | " + layer.shape().toPythonTuple()
                    + " | " + layer.shape().squeezed().toPythonTuple()
                    + " | " + layer.numel()
                    + " | " + layer.form().label()
                    + " |\n");
        }
        out.write('\n');
    }

    /**
     * {@code --compute}: the totals, then every module call down to the summary's depth, after the published
     * sections (which stay as they were).
     */
    private static void writeCompute(ComputeSummary compute, Writer out) throws IOException {
        out.write("\n**Compute** (one forward pass on " + cell(ComputeText.inputLabel(compute.input())) + ")\n\n");
        if (compute.partial() != null) {
            out.write("**Partial:** " + cell(compute.partial()) + " (calls still open at the stop show no output; "
                    + "the figures count what ran before it)\n\n");
        }
        out.write("| Total | Value |\n| --- | --- |\n");
        out.write("| FLOPs | " + compute.flops() + " |\n");
        out.write("| MACs (FLOPs / 2: torchvision's GFLOPS x 10^9) | " + compute.macs() + " |\n");
        out.write("| GFLOPs | " + ComputeText.giga(compute.flops()) + " |\n");
        out.write("| Activations (leaf-module outputs, elements) | " + compute.activations() + " |\n");
        out.write("| Input bytes | " + compute.inputBytes() + " |\n");
        out.write("| Activation bytes | " + compute.activationBytes() + " |\n");
        out.write("| Parameter bytes | " + compute.parameterBytes() + " |\n");
        out.write("| Total bytes | " + compute.totalBytes() + " |\n");
        out.write("\n**Module calls** (depth " + compute.depth() + ")\n\n");
        out.write("| Module | Class | Input shape | Output shape | Parameters | FLOPs |\n");
        out.write("| --- | --- | --- | --- | --- | --- |\n");
        for (ComputeSummary.Row row : compute.rows()) {
            Trace.Call call = row.call();
            out.write("| " + (call.name().isEmpty() ? "(model)" : cell(call.name())) + " | " + cell(call.className())
                    + " | " + ComputeText.shapes(call.in()) + " | " + ComputeText.shapes(call.out()) + " | "
                    + call.parameters() + " | " + call.flops() + " |\n");
        }
    }

    /**
     * Whether a file says more than the published page can show: its own metadata, checkpoint entries besides
     * the model, a pickle that imports more than tensors and containers (or hides bytes after its STOP), or
     * packed weights. A plain state dict or safetensors file gives exactly the built-in's page.
     */
    private static boolean saysMore(FileDetails details) {
        return !details.facts().isEmpty() || details.checkpoint() != null || !details.notes().isEmpty()
                || details.pickle() != null && !details.pickle().isClean();
    }

    /**
     * What a weight file adds to the page, when it {@linkplain #saysMore says more}: its own facts, bytes by
     * stored dtype, the checkpoint's entries, the pickle verdict and notes.
     */
    private static void writeFileSections(Summary summary, Writer out) throws IOException {
        FileDetails details = summary.model().details();
        if (!details.facts().isEmpty()) {
            out.write("\n**File metadata**\n\n| Key | Value |\n| --- | --- |\n");
            for (Fact fact : details.facts()) {
                out.write("| " + cell(fact.label()) + " | " + cell(fact.value()) + " |\n");
            }
        }
        out.write("\n**Bytes by dtype**\n\n| DType | Tensors | Elements | Bytes |\n| --- | --- | --- | --- |\n");
        for (DTypeStat d : summary.dtypes()) {
            out.write("| " + d.dtype().torchName() + " | " + d.tensors() + " | " + d.count() + " | " + d.bytes()
                    + " |\n");
        }
        long total = summary.storedBytes();
        out.write("\n**Stored bytes: [ " + total + " ]**"
                + summary.bitsPerParameter().map(b -> " (" + b.toPlainString() + " bits per parameter)").orElse("")
                + "\n");
        if (details.checkpoint() != null) {
            CheckpointContents checkpoint = details.checkpoint();
            out.write("\n**Checkpoint contents** (" + cell(DetailLines.checkpointKey(checkpoint)) + ")\n\n"
                    + "| Entry | Kind | Tensors | Elements | Bytes |\n| --- | --- | --- | --- | --- |\n");
            for (CheckpointContents.Entry e : checkpoint.entries()) {
                out.write("| " + cell(e.name()) + " | " + cell(e.kind()) + " | " + e.tensors() + " | "
                        + e.elements() + " | " + e.bytes() + " |\n");
            }
        }
        if (details.pickle() != null) {
            out.write("\n**Pickle scan:** " + cell(DetailLines.pickleVerdict(details.pickle())) + "\n");
            for (String line : DetailLines.afterStop(details.pickle())) {
                out.write("\n**Warning:** " + cell(line) + "\n");
            }
        }
        for (String note : details.notes()) {
            out.write("\n**Note:** " + cell(note) + "\n");
        }
    }

    /**
     * A value in a table cell or a line: control characters escaped ({@link Quote#escaped}), and the
     * characters that would end a cell or start markup ({@code | < > ` *} ...) backslash-escaped, so a name
     * from a file shows as itself. Real tensor names have none of them, so real pages are unchanged.
     */
    static String cell(String value) {
        String text = Quote.escaped(value);
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (MARKUP.indexOf(c) >= 0) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append('\\');
            }
            if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** Header row, separator row and value row, the last without its newline (the caller adds the spacing). */
    private static void writeFormTable(Writer out, List<FormStat> forms, ToLongFunction<FormStat> value, long whole)
            throws IOException {
        StringBuilder table = new StringBuilder("| ");
        forms.forEach(f -> table.append(f.form().label()).append(" | "));
        table.append("\n| ");
        forms.forEach(f -> table.append(" --- |"));
        table.append("\n| ");
        forms.forEach(f -> table.append(PythonNumbers.percent(value.applyAsLong(f), whole)).append(" | "));
        out.write(table.toString()); // a few lines: one per rank present, at most 65
    }
}
