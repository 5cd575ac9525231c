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
    }

    static String count(int models) {
        return models + (models == 1 ? " model" : " models");
    }
}
