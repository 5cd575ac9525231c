package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;

/** Integer arithmetic that refuses to wrap: past {@code 2^63-1} is a {@link ComputeOverflowException}. */
public final class Exact {
    private Exact() {
    }

    public static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new ComputeOverflowException("count past 2^63-1 (" + a + " + " + b + ")");
        }
    }

    public static long mul(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new ComputeOverflowException("count past 2^63-1 (" + a + " * " + b + ")");
        }
    }

    /** The product of {@code values} (1 for none). */
    public static long product(long... values) {
        long p = 1;
        for (long v : values) {
            p = mul(p, v);
        }
        return p;
    }

    /** {@code shape.numel()}, refusing an overflow. */
    public static long numel(Shape shape) {
        for (long d : shape.dims()) {
            if (d == 0) {
                return 0;
            }
        }
        return product(shape.dims());
    }

    /** Floor division ({@code div_rtn} in ATen's pooling): rounds toward negative infinity. */
    public static long floorDiv(long a, long b) {
        return Math.floorDiv(a, b);
    }
}
