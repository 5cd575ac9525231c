package dev.modelsummary.report;

/**
 * Where a page stands in a site's group, for the line a catalog page shows: "rank 3 of 80 in Image
 * classification", linked to the group's ranking.
 *
 * @param rank        1-based rank by parameters in the group (largest first)
 * @param groupSize   models in the group
 * @param groupTitle  the group's heading ({@code image/classification})
 * @param rankingLink the group's ranking page, relative to the page that shows this line
 */
public record SiteRank(int rank, int groupSize, String groupTitle, String rankingLink) {
    public SiteRank {
        if (rank < 1 || rank > groupSize) {
            throw new IllegalArgumentException("rank " + rank + " of " + groupSize);
        }
    }
}
