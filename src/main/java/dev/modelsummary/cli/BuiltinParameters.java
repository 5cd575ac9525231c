package dev.modelsummary.cli;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.summary.Summary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each built-in's parameter count with its default arguments, for {@code --list}. Building all 202 built-ins
 * takes about 2 s, most of it loading their classes, so the counts come from a table in the jar
 * ({@value #RESOURCE}, one {@code name<TAB>count} line each; {@code BuiltinParametersTest} checks it against
 * fresh builds and rewrites it on request). A name the table lacks is built, the builders in parallel.
 */
final class BuiltinParameters {
    static final String RESOURCE = "builtin-parameters.tsv";

    private BuiltinParameters() {
    }

    /** The parameters (tied tensors once, buffers not counted) of each of {@code names}, by lower-case name. */
    static Map<String, Long> of(Catalog catalog, Collection<String> names) {
        Map<String, Long> table = table();
        Map<String, Long> counts = new ConcurrentHashMap<>();
        names.parallelStream().forEach(name -> {
            String key = name.toLowerCase(Locale.ROOT);
            Long known = table.get(key);
            counts.put(key, known != null ? known : count(catalog, name));
        });
        return counts;
    }

    /** A fresh count: the built-in built with its defaults, its parameters as the report totals them. */
    static long count(Catalog catalog, String name) {
        return Summary.of(catalog.build(name).orElseThrow()).parameters().count();
    }

    /** The table in the jar, by lower-case name. */
    static Map<String, Long> table() {
        Map<String, Long> table = new HashMap<>();
        try (InputStream in = BuiltinParameters.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return table;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    table.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }
}
