package dev.modelsummary.site;

import java.io.IOException;
import java.io.Writer;
import java.util.Collection;

/** The site's own {@code README.md}: its groups with their model counts, so GitHub can browse it from the root. */
public final class SiteReadme {
    private SiteReadme() {
    }

    /** @param groups every group with at least one model, by path */
    public static void write(Collection<GroupData> groups, Writer out) throws IOException {
        int models = groups.stream().mapToInt(g -> g.models().size()).sum();
        out.write("# Model summaries\n\n");
        out.write(RankingPage.count(models) + " in " + groups.size() + (groups.size() == 1 ? " group" : " groups")
                + ". Each group's page ranks its models by parameters and by FLOPs; [index.html](index.html) lists them all, "
                + "sortable and filterable.\n\n");
        out.write("| Group | Models | What |\n");
        out.write("| --- | --- | --- |\n");
        for (GroupData group : groups) {
            out.write("| [" + group.group().path() + "](" + group.group().path() + "/" + GroupData.RANKING_PAGE
                    + ") | " + group.models().size() + " | " + group.group().title() + " |\n");
        }
    }
}
