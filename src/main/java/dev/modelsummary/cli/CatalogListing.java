package dev.modelsummary.cli;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.ArgType;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Task;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
        Map<Task, List<Builder>> byTask = new EnumMap<>(Task.class);
        for (Builder builder : catalog.builders()) {
            byTask.computeIfAbsent(builder.task(), t -> new ArrayList<>()).add(builder);
        }
        boolean first = true;
        for (Map.Entry<Task, List<Builder>> group : byTask.entrySet()) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println(group.getKey().title() + " (" + group.getValue().size() + ")");
            for (Builder builder : group.getValue()) {
                out.println("  " + builder.name());
                if (verbose) {
                    printArgs(builder, out);
                }
            }
        }
        out.println();
        out.println(catalog.names().size() + " built-in models. Arguments: --arg KEY=VALUE"
                + (verbose ? "." : " (see --list --verbose)."));
    }

    private static void printArgs(Builder builder, PrintWriter out) {
        int width = builder.args().stream().mapToInt(a -> (a.name() + "=" + a.defaultText()).length()).max().orElse(0);
        for (Arg arg : builder.args()) {
            String assignment = arg.name() + "=" + arg.defaultText();
            out.println("      " + pad(assignment, width) + "  " + pad(arg.type().label(), 7) + "  " + describe(arg));
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
