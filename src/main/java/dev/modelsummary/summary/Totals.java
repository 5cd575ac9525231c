package dev.modelsummary.summary;

/**
 * Counts over one role.
 *
 * @param tensors   number of tensors (tied entries once)
 * @param count     number of elements
 * @param trainable elements with {@code requires_grad} (always 0 for buffers)
 * @param bytes     storage bytes
 */
public record Totals(int tensors, long count, long trainable, long bytes) {
    public static final Totals ZERO = new Totals(0, 0, 0, 0);

    Totals plus(long elements, boolean isTrainable, long size) {
        return new Totals(tensors + 1, Math.addExact(count, elements),
                isTrainable ? Math.addExact(trainable, elements) : trainable, Math.addExact(bytes, size));
    }
}
