package dev.modelsummary.catalog.nn;

import java.util.function.Supplier;

/**
 * A bound on how many modules and tensors one build may register, for builds whose sizes come from outside
 * (a {@code config.json} saying {@code num_hidden_layers: 1000000000}): past it the build stops with
 * {@link TooLargeException} instead of running out of memory. The largest real models register a few
 * thousand; builds outside {@link #within} are not bounded (the torchvision builders' sizes are fixed).
 */
public final class BuildBudget {
    private static final ThreadLocal<long[]> REMAINING = new ThreadLocal<>();

    private BuildBudget() {
    }

    /** A build that registered more than its budget allows. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(long max) {
            super("the model would register more than " + max + " modules and tensors");
        }
    }

    /** Runs {@code build} allowing at most {@code max} registrations (child modules, parameters, buffers). */
    public static <T> T within(long max, Supplier<T> build) {
        long[] previous = REMAINING.get();
        REMAINING.set(new long[] {max, max});
        try {
            return build.get();
        } finally {
            REMAINING.set(previous);
        }
    }

    static void spend() {
        long[] remaining = REMAINING.get();
        if (remaining != null && --remaining[0] < 0) {
            throw new TooLargeException(remaining[1]);
        }
    }
}
