package dev.modelsummary.report;

import dev.modelsummary.model.Form;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Counts;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * What the parameters-by-form pie shows, shared by the PNG ({@link PieChart}) and the SVG ({@link PieChartSvg})
 * so that both say exactly the same thing.
 *
 * <p>The original matplotlib chart printed {@code autopct} percentages on the slices, and on a model like
 * vit_l_16 (Vector 0.11%, Matrix 99.63%, Tensor rank 4 0.26%) the two small labels were drawn over each other.
 * Here the numbers live in the legend, one line per form, which cannot overlap however thin a slice is.
 */
public final class PieSlices {

    /**
     * One slice.
     *
     * @param form  the form
     * @param count parameters of that form (always positive: empty forms get no slice)
     * @param label the legend line: its form, its share with the report's two decimals and its count,
     *              {@code Matrix 99.63% (303.21M)}
     */
    public record Slice(Form form, long count, String label) {
    }

    private PieSlices() {
    }

    /** {@code vit_l_16 parameters by form}. */
    public static String title(Summary summary) {
        return summary.name() + " parameters by form";
    }

    /** What a chart of a model without parameters says instead of a pie. */
    public static String emptyMessage() {
        return "No parameters";
    }

    /**
     * The slices in the report's form order (the order of {@link Summary#forms()}, so the chart reads like the
     * tables above it), forms with no parameters left out. Empty when the model has no parameters.
     */
    public static List<Slice> of(Summary summary) {
        return of(summary, PythonNumbers::humanCount);
    }

    /**
     * The slices with counts as the Hub writes them ({@code Matrix 100.00% (671B)}), for every chart but the
     * published page's PNG, so that a page's pie says what its cards say.
     */
    public static List<Slice> withHubCounts(Summary summary) {
        return of(summary, Counts::hub);
    }

    private static List<Slice> of(Summary summary, LongFunction<String> countWords) {
        long total = summary.parameters().count();
        List<Slice> slices = new ArrayList<>();
        for (FormStat stat : summary.forms()) {
            if (stat.count() > 0) {
                slices.add(new Slice(stat.form(), stat.count(),
                        label(stat.form(), stat.count(), total, countWords)));
            }
        }
        return List.copyOf(slices);
    }

    /**
     * The published page's legend line of one form: its label, its share with the report's two decimals, and its
     * count as the report abbreviates totals: {@code Tensor rank 4 0.26% (786.43K)}.
     */
    public static String label(Form form, long count, long total) {
        return label(form, count, total, PythonNumbers::humanCount);
    }

    private static String label(Form form, long count, long total, LongFunction<String> countWords) {
        return form.label() + " " + PythonNumbers.percent(count, total) + "% (" + countWords.apply(count) + ")";
    }
}
