package dev.modelsummary.format;

import java.util.Arrays;

/**
 * A value for every {@link Limit}: the bounds a reader puts on what a file declares. A file over a bound is refused
 * with a {@link FormatException} that names the bound ({@link Limit#raise()}); nothing is allocated from an
 * unchecked declared size.
 *
 * <p>A user who meets one with a real file can raise it for one run ({@code --limit tensors=50000000}):
 * {@link #using} makes a set of limits current for the reading done on this thread, and readers ask
 * {@link #current()} for the value of the limit they check ({@code Limits.current().getInt(Limit.TENSORS)}).
 */
public final class Limits {
    /** Each limit at its declared default. */
    public static final Limits DEFAULT = new Limits(Arrays.stream(Limit.values()).mapToLong(Limit::defaultValue)
            .toArray());

    private static final ThreadLocal<Limits> CURRENT = ThreadLocal.withInitial(() -> DEFAULT);

    /** By {@link Limit#ordinal()}; never changed once made. */
    private final long[] values;

    private Limits(long[] values) {
        this.values = values;
    }

    /** The limits in force for the reading done on this thread. */
    public static Limits current() {
        return CURRENT.get();
    }

    /** The value of {@code limit}. */
    public long get(Limit limit) {
        return values[limit.ordinal()];
    }

    /**
     * The value of a limit declared {@link Limit.Width#INT}, for readers that index or size by it.
     *
     * @throws IllegalStateException for a limit declared {@link Limit.Width#LONG}: its value may not fit
     */
    public int getInt(Limit limit) {
        if (limit.width() != Limit.Width.INT) {
            throw new IllegalStateException("limit " + limit.optionName() + " is not declared to fit an int");
        }
        return (int) get(limit);
    }

    /**
     * These limits with {@code limit} set to {@code value}.
     *
     * @throws IllegalArgumentException for a value below 1 or above {@link Limit#max()}
     */
    public Limits with(Limit limit, long value) {
        limit.check(value);
        long[] changed = values.clone();
        changed[limit.ordinal()] = value;
        return new Limits(changed);
    }

    /** Work that reads under a set of limits. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code work} with these limits current on this thread, then restores the previous ones. */
    public <T, E extends Exception> T using(Work<T, E> work) throws E {
        Limits previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.run();
        } finally {
            CURRENT.set(previous);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Limits limits && Arrays.equals(values, limits.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
