package dev.modelsummary.cli;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.ArgType;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Task;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code --list}: the built-in builders grouped by task with each group's count; with details on request. */
final class CatalogListing {
    private CatalogListing() {
    }

    /**
     * Prints one heading per task ({@code Image classification (80)}) and the names below it, indented. With
     * {@code verbose}, each name is followed by its keyword arguments: name, default, type and meaning.
     */
    static void print(Catalog catalog, boolean verbose, PrintWriter out) {
        Map<String, Map<Task, List<Builder>>> bySource = new TreeMap<>(Comparator.comparing(
                (String source) -> !source.equals(Builder.TORCHVISION)).thenComparing(Comparator.naturalOrder()));
        for (Builder builder : catalog.builders()) {
            bySource.computeIfAbsent(builder.source(), s -> new EnumMap<>(Task.class))
                    .computeIfAbsent(builder.task(), t -> new ArrayList<>()).add(builder);
        }
        boolean first = true;
        for (Map.Entry<String, Map<Task, List<Builder>>> source : bySource.entrySet()) {
            for (Map.Entry<Task, List<Builder>> group : source.getValue().entrySet()) {
                if (!first) {
                    out.println();
                }
                first = false;
                printGroup(source.getKey(), group.getKey(), group.getValue(), verbose, out);
            }
        }
        out.println();
        out.println(catalog.names().size() + " built-in models. Arguments: --arg KEY=VALUE"
                + (verbose ? "." : " (see --list --verbose)."));
    }

    /** {@code torchvision: Image classification (80)} and the names below it. */
    private static void printGroup(String source, Task task, List<Builder> builders, boolean verbose,
                                   PrintWriter out) {
        out.println(source + ": " + task.title() + " (" + builders.size() + ")");
        for (Builder builder : builders) {
            out.println("  " + builder.name());
            if (verbose) {
                printArgs(builder, out);
            }
        }
    }

    private static void printArgs(Builder builder, PrintWriter out) {
        int width = builder.args().stream().mapToInt(a -> (a.name() + "=" + a.defaultText()).length()).max().orElse(0);
        for (Arg arg : builder.args()) {
            String assignment = arg.name() + "=" + arg.defaultText();
            out.println("      " + pad(assignment, width) + "  " + pad(arg.type().label(), 7) + "  " + describe(arg));
        }
        if (builder.anyKey()) {
            out.println("      " + pad("KEY=VALUE", width) + "  " + pad("any", 7) + "  any config.json key, as "
                    + "from_config(config, KEY=VALUE) overrides it");
        }
    }

    private static String describe(Arg arg) {
        if (arg.type() != ArgType.WEIGHTS) {
            return arg.help();
        }
        String members = arg.weights().members().stream().map(m -> m.name()).collect(Collectors.joining(", "));
        return arg.help() + ": " + members + ", DEFAULT (= " + arg.weights().defaultName() + ")";
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
