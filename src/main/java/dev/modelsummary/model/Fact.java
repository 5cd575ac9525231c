package dev.modelsummary.model;

import java.util.Objects;

/**
 * One line a file says about itself, shown in the report header: {@code architecture: llama},
 * {@code context length: 4096}. Both parts may come from the file: readers bound them when they read them, and
 * reports escape them.
 *
 * @param label what the value is, in words ({@code file type})
 * @param value the value as text
 */
public record Fact(String label, String value) {
    public Fact {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(value, "value");
    }
}
