package dev.modelsummary.catalog;

import dev.modelsummary.catalog.torchvision.VisionTransformer;
import dev.modelsummary.model.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The built-in architectures by name, as torchvision's {@code list_models()} / {@code get_model_builder()}
 * know them: names are lower case and unique; lookup ignores case.
 */
public final class Catalog {
    private final Map<String, Builder> builders = new TreeMap<>();

    /** Every built-in architecture. */
    public static Catalog standard() {
        Catalog catalog = new Catalog();
        VisionTransformer.register(catalog);
        return catalog;
    }

    public void register(String name, Builder builder) {
        String key = name.toLowerCase(Locale.ROOT);
        if (builders.putIfAbsent(key, builder) != null) {
            throw new IllegalStateException("An entry is already registered under the name '" + key + "'.");
        }
    }

    /** Sorted names. */
    public List<String> names() {
        return List.copyOf(builders.keySet());
    }

    public boolean contains(String name) {
        return builders.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The model a builder gives with these options, in state_dict order, or empty for an unknown name. */
    public Optional<Model> build(String name, ArchOptions options) {
        String key = name.toLowerCase(Locale.ROOT);
        Builder builder = builders.get(key);
        if (builder == null) {
            return Optional.empty();
        }
        return Optional.of(new Model(key, "builtin", key, builder.build(options).tensors(), List.of()));
    }

    /** Up to {@code max} known names closest to {@code name} by edit distance, nearest first; only plausible ones. */
    public List<String> suggestions(String name, int max) {
        String key = name.toLowerCase(Locale.ROOT);
        List<String> candidates = new ArrayList<>();
        for (String known : builders.keySet()) {
            int distance = editDistance(key, known);
            if (distance <= Math.max(2, key.length() / 3) || known.startsWith(key) || known.contains(key)) {
                candidates.add(known);
            }
        }
        candidates.sort(Comparator.comparingInt((String k) -> editDistance(key, k)).thenComparing(k -> k));
        return candidates.subList(0, Math.min(max, candidates.size()));
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
