package dev.modelsummary.cli;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.ArgType;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.text.Counts;
import dev.modelsummary.text.Quote;
import dev.modelsummary.text.Spelling;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * {@code --list [PATTERN]}: the built-in builders grouped by task with each group's count and each model's
 * parameters; only those whose name matches PATTERN when one is given; with details on request.
 */
final class CatalogListing {
    private static final int SUGGESTIONS = 5;

    private CatalogListing() {
    }

    /**
     * Prints one heading per task ({@code torchvision: Image classification (80)}) and below it each name
     * with its parameter count with default arguments, exact and short ({@code 25,557,032  25.56M}). With
     * {@code verbose}, each name is followed by its keyword arguments: name, default, type and meaning.
     *
     * @param pattern null or empty for every built-in; else a case-insensitive substring of the name, or a
     *                glob ({@code *}, {@code ?}, {@code [abc]}) that matches the whole name or the part after its
     *                last {@code /} ({@code bert*} matches {@code bert-base-uncased} and
     *                {@code google-bert/bert-base-uncased} alike)
     * @throws CliException (usage) when no name matches, naming the nearest ones
     */
    static void print(Catalog catalog, String pattern, boolean verbose, PrintWriter out) {
        Predicate<String> matches = matcher(pattern == null ? "" : pattern);
        List<Builder> kept = catalog.builders().stream()
                .filter(b -> matches.test(b.name().toLowerCase(Locale.ROOT))).collect(Collectors.toList());
        if (kept.isEmpty()) {
            throw new CliException(ExitCode.USAGE, noMatch(catalog, pattern));
        }
        Map<String, Long> parameters = BuiltinParameters.of(catalog,
                kept.stream().map(Builder::name).collect(Collectors.toList()));
        Map<String, Map<Task, List<Builder>>> bySource = new TreeMap<>(Comparator.comparing(
                (String source) -> !source.equals(Builder.TORCHVISION)).thenComparing(Comparator.naturalOrder()));
        for (Builder builder : kept) {
            bySource.computeIfAbsent(builder.source(), s -> new EnumMap<>(Task.class))
                    .computeIfAbsent(builder.task(), t -> new ArrayList<>()).add(builder);
        }
        int nameWidth = kept.stream().mapToInt(b -> b.name().length()).max().orElse(0);
        int countWidth = parameters.values().stream().mapToInt(n -> Counts.grouped(n).length()).max().orElse(0);
        boolean first = true;
        for (Map.Entry<String, Map<Task, List<Builder>>> source : bySource.entrySet()) {
            for (Map.Entry<Task, List<Builder>> group : source.getValue().entrySet()) {
                if (!first) {
                    out.println();
                }
                first = false;
                out.println(source.getKey() + ": " + group.getKey().title() + " (" + group.getValue().size() + ")");
                for (Builder builder : group.getValue()) {
                    long count = parameters.get(builder.name().toLowerCase(Locale.ROOT));
                    out.println("  " + pad(builder.name(), nameWidth) + "  "
                            + padLeft(Counts.grouped(count), countWidth) + "  " + padLeft(Counts.hub(count), 7));
                    if (verbose) {
                        printArgs(builder, out);
                    }
                }
            }
        }
        out.println();
        int all = catalog.names().size();
        out.println((kept.size() == all ? all + " built-in models" : kept.size() + " of " + all
                + " built-in models match " + Quote.of(pattern)) + " (parameters with default arguments).");
        out.println("Arguments: --arg KEY=VALUE" + (verbose ? "." : " (see --list --verbose)."));
    }

    /** Whether a lower-case name matches {@code pattern}: a glob when it holds {@code * ? [}, else a substring. */
    static Predicate<String> matcher(String pattern) {
        String lower = pattern.toLowerCase(Locale.ROOT);
        if (lower.chars().noneMatch(c -> c == '*' || c == '?' || c == '[')) {
            return name -> name.contains(lower);
        }
        Pattern glob;
        try {
            glob = Pattern.compile(globRegex(lower));
        } catch (PatternSyntaxException e) {
            throw new CliException(ExitCode.USAGE, "--list: " + Quote.of(pattern) + " is not a glob (a range like "
                    + "[z-a] runs backwards?).", e);
        }
        return name -> glob.matcher(name).matches()
                || glob.matcher(name.substring(name.lastIndexOf('/') + 1)).matches();
    }

    /** A glob as a regular expression: {@code *} any text, {@code ?} one character, {@code [..]} one of them. */
    private static String globRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            int close = c == '[' ? glob.indexOf(']', i + 2) : -1;
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (close > 0) {
                String members = glob.substring(i + 1, close);
                boolean negated = members.startsWith("!") || members.startsWith("^");
                regex.append(negated ? "[^" : "[");
                for (char member : (negated ? members.substring(1) : members).toCharArray()) {
                    regex.append("\\[]^&".indexOf(member) >= 0 ? "\\" : "").append(member); // '-' stays a range
                }
                regex.append(']');
                i = close;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    /** A catalog key and its distance to a pattern, worked out once per key. */
    private record Near(String key, int distance) {
    }

    /** The one line for a pattern that matches nothing, with the nearest names. */
    private static String noMatch(Catalog catalog, String pattern) {
        String plain = pattern.replaceAll("[*?\\[\\]]", "");
        // the catalog's keys are lower case; suggestions come as the catalog spells the names
        List<String> keys = plain.isEmpty() ? new ArrayList<>() : catalog.suggestions(plain, SUGGESTIONS).stream()
                .map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(ArrayList::new));
        // a pattern is a part of a name: also the names holding something near it ('resnt' in resnet18)
        String part = plain.toLowerCase(Locale.ROOT);
        int tolerance = Math.max(1, part.length() / 4);
        catalog.names().stream()
                .filter(key -> !keys.contains(key) && !part.isEmpty() && part.length() <= 100)
                .map(key -> new Near(key, Spelling.partDistance(part, key)))
                .filter(near -> near.distance() <= tolerance)
                .sorted(Comparator.comparingInt(Near::distance).thenComparingInt((Near near) -> near.key().length())
                        .thenComparing(Near::key))
                .limit(Math.max(0, SUGGESTIONS - keys.size())).forEach(near -> keys.add(near.key()));
        List<String> nearest = keys.stream().map(key -> catalog.builder(key).orElseThrow().name())
                .collect(Collectors.toList());
        return "--list: no built-in model matches " + Quote.of(pattern)
                + (nearest.isEmpty() ? "" : "; nearest: " + String.join(", ", nearest))
                + " (--list alone shows all " + catalog.names().size() + ").";
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

    private static String padLeft(String text, int width) {
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }
}
