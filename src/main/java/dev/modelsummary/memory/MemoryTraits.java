package dev.modelsummary.memory;

import dev.modelsummary.model.MoeRouting;

import java.util.List;
import java.util.Objects;

/**
 * What a model's library says about its memory beyond its tensors.
 *
 * @param noSplitModules the class names accelerate never splits across devices (transformers'
 *                       {@code _no_split_modules}); {@code get_max_layer_size} stops descending at them
 * @param kvCache        what one token adds to the cache of a generating model, or null when it keeps none
 * @param moe            how tokens are routed to experts, or null for a dense model
 */
public record MemoryTraits(List<String> noSplitModules, KvCache kvCache, MoeRouting moe) {

    /** A model no library says anything about: every module may be split, no cache, dense. */
    public static final MemoryTraits NONE = new MemoryTraits(List.of(), null, null);

    public MemoryTraits {
        noSplitModules = List.copyOf(Objects.requireNonNull(noSplitModules, "noSplitModules"));
    }
}
