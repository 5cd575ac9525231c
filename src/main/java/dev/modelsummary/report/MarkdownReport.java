package dev.modelsummary.report;

import dev.modelsummary.model.TensorEntry;
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

    private MarkdownReport() {
    }

    /** The chart's path relative to the page, as the page links it. */
    public static String chartLink(String modelName) {
        return "../figs/" + modelName + "_pie_chart.png";
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
        String name = Quote.escaped(summary.name());
        out.write("# " + name + " parameter information\n\n");
        out.write("**Number of layers: [ " + summary.parameters().tensors() + " ]**\n\n");
        out.write("**Number of parameters: [ " + PythonNumbers.humanCount(summary.parameters().count())
                + " ]**\n\n");
        out.write("**Proportional of each form** (%)\n\n");
        writeFormTable(out, summary.forms(), FormStat::tensors, summary.parameters().tensors());
        out.write("\n\n**Proportional of parameters by form** (%)\n\n\n");
        writeFormTable(out, summary.forms(), FormStat::count, summary.parameters().count());
        out.write("\n\n<img src=\"" + chartLink(name) + "\" alt=\"pie_chart\" width=\"500\"/>\n\n");
        out.write("**Layer information**\n\n\n");
        out.write("| Name | Shape | Squeezed shape | Number of parameters | Form |\n");
        out.write("| --- | --- | --- | --- | --- |\n");
        for (TensorEntry layer : summary.layers()) {
            out.write("| ");
            out.write(Quote.escaped(layer.name()));
            out.write(" | " + layer.shape().toPythonTuple()
                    + " | " + layer.shape().squeezed().toPythonTuple()
                    + " | " + layer.numel()
                    + " | " + layer.form().label()
                    + " |\n");
        }
        out.write('\n');
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
