package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;
import java.util.List;

/** Ops that move elements without arithmetic (no FLOPs): flatten, cat, broadcasting elementwise ops. */
public final class Reshape {
    private Reshape() {
    }

    /** {@code torch.flatten(x, start, end)}; negative dims count from the end, as in Python. */
    public static Shape flatten(Shape input, int start, int end) {
        int rank = Math.max(1, input.rank());
        int s = start < 0 ? start + rank : start;
        int e = end < 0 ? end + rank : end;
        if (s < 0 || e >= rank || s > e) {
            throw new ShapeException("flatten() has invalid args: start_dim cannot come after end_dim");
        }
        if (input.rank() == 0) {
            return Shape.of(1);
        }
        long[] in = input.dims();
        long[] out = new long[in.length - (e - s)];
        System.arraycopy(in, 0, out, 0, s);
        long merged = 1;
        for (int i = s; i <= e; i++) {
            merged = Exact.mul(merged, in[i]);
        }
        out[s] = merged;
        System.arraycopy(in, e + 1, out, s + 1, in.length - e - 1);
        return Shape.of(out);
    }

    /** {@code torch.cat(tensors, dim)}: equal sizes except along {@code dim}, which adds up. */
    public static Shape cat(List<Shape> tensors, int dim) {
        Shape first = tensors.get(0);
        int d = dim < 0 ? dim + first.rank() : dim;
        long[] out = first.dims();
        for (int t = 1; t < tensors.size(); t++) {
            Shape next = tensors.get(t);
            if (next.rank() != first.rank()) {
                throw new ShapeException("Tensors must have same number of dimensions: got " + first.rank()
                        + " and " + next.rank());
            }
            for (int i = 0; i < out.length; i++) {
                if (i == d) {
                    out[i] = Exact.add(out[i], next.dim(i));
                } else if (next.dim(i) != first.dim(i)) {
                    throw new ShapeException("Sizes of tensors must match except in dimension " + d
                            + ". Expected size " + first.dim(i) + " but got size " + next.dim(i) + " for tensor number "
                            + t + " in the list.");
                }
            }
        }
        return Shape.of(out);
    }

    /** The broadcast shape of an elementwise op ({@code a + b}), refused as torch refuses it. */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = a.rank() - rank + i;
            int ib = b.rank() - rank + i;
            long da = ia < 0 ? 1 : a.dim(ia);
            long db = ib < 0 ? 1 : b.dim(ib);
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException("The size of tensor a (" + da + ") must match the size of tensor b (" + db
                        + ") at non-singleton dimension " + i);
            }
            out[i] = da == 1 ? db : da;
        }
        return Shape.of(out);
    }

    /**
     * The {@code -1} of {@code x.view(-1, cols)} for a tensor of {@code numel} elements: its rows, or torch's
     * refusal.
     *
     * @throws ShapeException when {@code cols} is 0 or does not divide {@code numel}
     */
    public static long viewRows(long numel, long cols) {
        if (cols == 0) {
            throw new ShapeException("cannot reshape tensor of " + numel + " elements into shape [-1, 0] because "
                    + "the unspecified dimension size -1 can be any value and is ambiguous");
        }
        if (numel % cols != 0) {
            throw new ShapeException("shape '[-1, " + cols + "]' is invalid for input of size " + numel);
        }
        return numel / cols;
    }
}
