package dev.modelsummary.site;

import dev.modelsummary.catalog.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A folder of a site: the models of one task ({@code image/classification}, named by {@link Task#group()}),
 * or {@code files}, the weight files given on the command line.
 *
 * @param path  the folder under the site's root, {@code /}-separated; also the group's name
 * @param title what the group holds, in words
 */
public record SiteGroup(String path, String title) {
    /** Weight files named on the command line: what they do is not known, so they go apart. */
    public static final SiteGroup FILES = new SiteGroup("files", "Weight files");

    public static SiteGroup of(Task task) {
        return new SiteGroup(task.group(), task.title());
    }

    /** Every group a site can have, by path: a later run reads each one's data from these folders only. */
    public static List<SiteGroup> all() {
        List<SiteGroup> groups = new ArrayList<>();
        for (Task task : Task.values()) {
            groups.add(of(task));
        }
        groups.add(FILES);
        groups.sort(Comparator.comparing(SiteGroup::path));
        return List.copyOf(groups);
    }

    public static Optional<SiteGroup> byPath(String path) {
        return all().stream().filter(g -> g.path().equals(path)).findFirst();
    }

    /** How many folders deep the group is: the way back to the site's root is this many {@code ../}. */
    public String up() {
        return "../".repeat((int) path.chars().filter(c -> c == '/').count() + 1);
    }
}
