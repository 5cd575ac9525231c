package dev.modelsummary.site;

import dev.modelsummary.report.SiteRank;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A group's models, as its {@code data.json} holds them: sorted by name, one entry per name.
 *
 * @param group  the group
 * @param models its models, sorted by name
 */
public record GroupData(SiteGroup group, List<SiteEntry> models) {
    /** The ranking's order: most parameters first, ties by name. */
    private static final Comparator<SiteEntry> RANKING = Comparator.comparingLong(SiteEntry::parameters).reversed()
            .thenComparing(SiteEntry::name);
    private static final Comparator<SiteEntry> BY_FLOPS = Comparator
            .comparing((SiteEntry e) -> e.flops() == null)
            .thenComparing(e -> e.flops() == null ? 0L : e.flops(), Comparator.reverseOrder())
            .thenComparing(SiteEntry::name);
    /** The ranking page's file name in the group's folder; pages link it as it is. */
    public static final String RANKING_PAGE = "README.md";

    public GroupData {
        models = List.copyOf(byName(models).values());
    }

    public static GroupData empty(SiteGroup group) {
        return new GroupData(group, List.of());
    }

    /** These models with {@code added} merged in: an added model replaces the one of the same name. */
    public GroupData merge(Collection<SiteEntry> added) {
        Map<String, SiteEntry> merged = byName(models);
        added.forEach(entry -> merged.put(entry.name(), entry));
        return new GroupData(group, List.copyOf(merged.values()));
    }

    /** The models by rank: most parameters first, ties by name. */
    public List<SiteEntry> ranked() {
        return models.stream().sorted(RANKING).toList();
    }

    /**
     * The models with FLOPs by FLOPs, most first, ties by name; then the models without (weight files, models
     * whose forward could not be counted), by name.
     */
    public List<SiteEntry> rankedByFlops() {
        return models.stream().sorted(BY_FLOPS).toList();
    }

    /** Each model's place in the group, by name. */
    public Map<String, SiteRank> ranks() {
        Map<String, SiteRank> ranks = new TreeMap<>();
        List<SiteEntry> ranked = ranked();
        for (int i = 0; i < ranked.size(); i++) {
            ranks.put(ranked.get(i).name(), new SiteRank(i + 1, ranked.size(), group.path(), RANKING_PAGE));
        }
        return ranks;
    }

    private static Map<String, SiteEntry> byName(Collection<SiteEntry> entries) {
        Map<String, SiteEntry> map = new TreeMap<>();
        entries.forEach(entry -> map.put(entry.name(), entry));
        return map;
    }
}
