package dev.modelsummary.report;

import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.summary.ComputeSummary;
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
     *
     * <p>Between the chart and the tensor table, the {@linkplain #writeFileSection file section} when the
     * model {@linkplain #showsFile shows one}: what a reader asks first about a file comes before its tensors.
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
        if (showsFile(summary, rank != null)) {
            writeFileSection(summary, out);
        }
        if (summary.tensorTable()) {
            writeLayerTable(summary, out);
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
     * Whether the page gets its file section: when the file says more than the published page can show
     * ({@link #saysMore}), or when its storage is not the float32 the published page was written for
     * ({@link #storedAsFloat32}; a site page's Size line already gives that, so there only a file that says more
     * gets the section). The published page of a float32 model, built-in or a plain state dict, is unchanged.
     */
    static boolean showsFile(Summary summary, boolean sitePage) {
        return saysMore(summary.model().details()) || !sitePage && !storedAsFloat32(summary.model());
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
     * Whether every tensor is stored as the published pages' models are: float32 parameters and buffers, or
     * integer and bool buffers (BatchNorm's {@code num_batches_tracked}, position ids), which a float32
     * torchvision state dict holds too.
     */
    private static boolean storedAsFloat32(Model model) {
        for (TensorEntry t : model.tensors()) {
            boolean counter = t.role() == Role.BUFFER && t.dtype().isIntegerOrBool();
            if (t.dtype() != DType.FLOAT32 && !counter) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the file stores and says, in the order and words of the text report's totals ({@link DetailLines}):
     * its own facts, the stored size and bits per parameter, bytes by stored dtype (GGUF's block types by name),
     * the checkpoint's entries, the pickle verdict and notes. Each part ends with a blank line.
     */
    private static void writeFileSection(Summary summary, Writer out) throws IOException {
        FileDetails details = summary.model().details();
        if (!details.facts().isEmpty()) {
            out.write("**File metadata**\n\n");
            writeTable(out, List.of("Key", "Value"), details.facts().stream()
                    .map(fact -> new String[] {fact.label(), fact.value()}).toList());
        }
        out.write("**Stored:** " + cell(DetailLines.stored(summary)) + "\n\n");
        out.write("**Bytes by dtype**\n\n");
        writeTable(out, DetailLines.DTYPE_COLUMNS, summary.dtypes().stream().map(DetailLines::dtypeRow).toList());
        if (details.checkpoint() != null) {
            CheckpointContents checkpoint = details.checkpoint();
            out.write("**Checkpoint contents** (" + cell(DetailLines.checkpointKey(checkpoint)) + ")\n\n");
            writeTable(out, DetailLines.CHECKPOINT_COLUMNS,
                    checkpoint.entries().stream().map(DetailLines::checkpointRow).toList());
        }
        if (details.pickle() != null) {
            out.write("**Pickle scan:** " + cell(DetailLines.pickleVerdict(details.pickle())) + "\n\n");
            for (String line : DetailLines.afterStop(details.pickle())) {
                out.write("**Warning:** " + cell(line) + "\n\n");
            }
        }
        for (String note : details.notes()) {
            out.write("**Note:** " + cell(note) + "\n\n");
        }
    }

    /** A table of a few rows and a blank line after it, every cell {@linkplain #cell escaped}. */
    /** The file section's tables, each followed by a blank line. */
    private static void writeTable(Writer out, List<String> header, List<String[]> rows) throws IOException {
        table(out, header, rows);
        out.write('\n');
    }

    /** A Markdown table, every cell escaped ({@link #cell}); the line after it is the caller's. */
    static void table(Writer out, List<String> header, List<String[]> rows) throws IOException {
        out.write("| " + String.join(" | ", header) + " |\n|" + " --- |".repeat(header.size()) + "\n");
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("|");
            for (String value : row) {
                line.append(' ').append(cell(value)).append(" |");
            }
            out.write(line.append('\n').toString());
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
