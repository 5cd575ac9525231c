package dev.modelsummary.site;

import dev.modelsummary.report.TextReport;
import dev.modelsummary.summary.PythonNumbers;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * A group's {@code README.md}, as the original project's were headed: "Top parameter models", then every model
 * of the group by rank, linked to its page. GitHub shows it when the group's folder is opened.
 */
public final class RankingPage {
    private RankingPage() {
    }

    public static void write(GroupData data, Writer out) throws IOException {
        SiteGroup group = data.group();
        List<SiteEntry> ranked = data.ranked();
        out.write("# Top parameter models\n\n");
        out.write(group.title() + ": `" + group.path() + "`, " + count(ranked.size())
                + ", by parameters, largest first.\n\n");
        out.write("All groups: [README.md](" + group.up() + "README.md); every model, sortable: [index.html]("
                + group.up() + "index.html).\n\n");
        out.write("| Rank | Model | Parameters | Exact parameters | Bytes | Tensors |\n");
        out.write("| --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < ranked.size(); i++) {
            SiteEntry entry = ranked.get(i);
            out.write("| " + (i + 1) + " | [" + entry.name() + "](" + entry.page() + ") | "
                    + PythonNumbers.humanCount(entry.parameters()) + " | " + entry.parameters() + " | "
                    + TextReport.humanBytes(entry.bytes()) + " | " + entry.tensors() + " |\n");
        }
        writeFlopsRanking(data, out);
    }

    /**
     * The same models by FLOPs of one forward pass at each one's default input, after the parameter ranking
     * (which stays as the original project wrote it). A group where no model has FLOPs (weight files) has none.
     */
    private static void writeFlopsRanking(GroupData data, Writer out) throws IOException {
        List<SiteEntry> ranked = data.rankedByFlops();
        if (ranked.isEmpty() || ranked.get(0).flops() == null) {
            return;
        }
        out.write("\n## By FLOPs\n\n");
        out.write("One forward pass at each model's default input (batch 1), FLOPs as torch's FlopCounterMode "
                + "counts them (MACs are half), largest first; " + NONE + " where a model has no forward pass "
                + "here (a weight file) or it could not be counted.\n\n");
        out.write("| Rank | Model | GFLOPs | Exact FLOPs | Input | Parameters |\n");
        out.write("| --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < ranked.size(); i++) {
            SiteEntry entry = ranked.get(i);
            boolean counted = entry.flops() != null;
            out.write("| " + (counted ? Integer.toString(i + 1) : NONE) + " | [" + entry.name() + "]("
                    + entry.page() + ") | " + (counted ? gflops(entry.flops()) : NONE) + " | "
                    + (counted ? entry.flops().toString() : NONE) + " | " + (counted ? entry.input() : NONE) + " | "
                    + PythonNumbers.humanCount(entry.parameters()) + " |\n");
        }
    }

    /** What a page or table shows for a model without FLOPs. */
    static final String NONE = "\u2014";

    /** Billions with two decimals, Python's rounding, as the text report prints GFLOPs. */
    static String gflops(long flops) {
        return PythonNumbers.fixed2(flops / 1e9);
    }

    static String count(int models) {
        return models + (models == 1 ? " model" : " models");
    }
}
