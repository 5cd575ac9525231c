package dev.modelsummary.model;

import java.util.List;
import java.util.Objects;

/**
 * The anatomy of a checkpoint that holds more than the model: which entry held the model's weights, and what
 * every top-level entry holds. This answers why a file is three times the size of its model (optimizer state,
 * EMA copies).
 *
 * @param key     the path of the entry read as the model ({@code state_dict}, {@code model.ema}), or null when
 *                the whole file is the model's state dict
 * @param entries every top-level entry in the file's order, the model's own included
 */
public record CheckpointContents(String key, List<Entry> entries) {

    public CheckpointContents {
        entries = List.copyOf(entries);
    }

    /**
     * One top-level entry.
     *
     * @param name     its key, as Python's {@code str()} prints it (bounded by the reader)
     * @param kind     what it is: {@code model}, {@code state dict}, {@code optimizer}, {@code tensor},
     *                 {@code int}, {@code str}, {@code dict}, {@code list}, or a pickled class's name
     * @param tensors  tensors inside it, at any depth
     * @param elements their elements
     * @param bytes    their bytes in the stored dtypes
     */
    public record Entry(String name, String kind, long tensors, long elements, long bytes) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
        }
    }
}
