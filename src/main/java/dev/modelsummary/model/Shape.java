package dev.modelsummary.model;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A tensor shape. Immutable; dimensions are non-negative {@code long}s because real checkpoints exceed
 * {@code int} in element counts and files can declare anything.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new long[0]);

    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /** @throws IllegalArgumentException for a negative dimension */
    public static Shape of(long... dims) {
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in " + Arrays.toString(dims));
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    public long[] dims() {
        return dims.clone();
    }

    /**
     * Number of elements: the product of the dimensions (1 for a scalar, 0 when any dimension is 0).
     *
     * @throws ArithmeticException when the product does not fit a {@code long}
     */
    public long numel() {
        for (long d : dims) {
            if (d == 0) {
                return 0; // whatever the other dimensions: (2^62, 2^62, 0) holds nothing
            }
        }
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The shape with every dimension of size 1 removed, as {@code torch.Tensor.squeeze()} returns it. */
    public Shape squeezed() {
        int rank = squeezedRank();
        if (rank == dims.length) {
            return this; // a loop, not a stream: called per tensor, 45k times for DeepSeek-V3
        }
        long[] kept = new long[rank];
        int k = 0;
        for (long d : dims) {
            if (d != 1) {
                kept[k++] = d;
            }
        }
        return of(kept);
    }

    /** {@code squeezed().rank()} without making the shape. */
    public int squeezedRank() {
        int rank = 0;
        for (long d : dims) {
            if (d != 1) {
                rank++;
            }
        }
        return rank;
    }

    /** Python's {@code str(tuple(shape))}: {@code ()}, {@code (1024,)}, {@code (1, 1, 1024)}. */
    public String toPythonTuple() {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringJoiner joiner = new StringJoiner(", ", "(", ")");
        for (long d : dims) {
            joiner.add(Long.toString(d));
        }
        return joiner.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
