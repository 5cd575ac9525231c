package dev.modelsummary.report;

import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
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

    public static String render(Summary summary) {
        StringBuilder out = new StringBuilder(64 * summary.layers().size() + 1024);
        String name = summary.name();
        out.append("# ").append(name).append(" parameter information\n\n");
        out.append("**Number of layers: [ ").append(summary.parameters().tensors()).append(" ]**\n\n");
        out.append("**Number of parameters: [ ").append(PythonNumbers.humanCount(summary.parameters().count()))
                .append(" ]**\n\n");
        out.append("**Proportional of each form** (%)\n\n");
        appendFormTable(out, summary.forms(), FormStat::tensors, summary.parameters().tensors());
        out.append("\n\n**Proportional of parameters by form** (%)\n\n\n");
        appendFormTable(out, summary.forms(), FormStat::count, summary.parameters().count());
        out.append("\n\n<img src=\"").append(chartLink(name)).append("\" alt=\"pie_chart\" width=\"500\"/>\n\n");
        out.append("**Layer information**\n\n\n");
        out.append("| Name | Shape | Squeezed shape | Number of parameters | Form |\n");
        out.append("| --- | --- | --- | --- | --- |\n");
        for (TensorEntry layer : summary.layers()) {
            out.append("| ").append(layer.name())
                    .append(" | ").append(layer.shape().toPythonTuple())
                    .append(" | ").append(layer.shape().squeezed().toPythonTuple())
                    .append(" | ").append(layer.numel())
                    .append(" | ").append(layer.form().label())
                    .append(" |\n");
        }
        out.append('\n');
        return out.toString();
    }

    /** Header row, separator row and value row, the last without its newline (the caller adds the spacing). */
    private static void appendFormTable(StringBuilder out, List<FormStat> forms, ToLongFunction<FormStat> value,
                                        long whole) {
        out.append("| ");
        forms.forEach(f -> out.append(f.form().label()).append(" | "));
        out.append("\n| ");
        forms.forEach(f -> out.append(" --- |"));
        out.append("\n| ");
        forms.forEach(f -> out.append(PythonNumbers.percent(value.applyAsLong(f), whole)).append(" | "));
    }
}
