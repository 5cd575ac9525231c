package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;

/**
 * A layer's forward pass on shapes: its output for {@code in}, with the FLOPs its ops count reported to
 * {@code trace} ({@link Trace#flops}). Composite modules call their children through the trace instead.
 */
@FunctionalInterface
public interface Forward {
    Shape apply(Trace trace, Shape in);
}
