package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;

/**
 * {@code F.linear(x, weight (out, in), bias)}: {@code (..., in) -> (..., out)}. torch runs it as one
 * {@code addmm}/{@code mm} over the flattened leading dims, so FLOPs are {@code 2 * prod(leading) * in * out}.
 */
public final class Linear {
    private Linear() {
    }

    public static Shape output(Shape input, long in, long out) {
        long[] dims = input.dims();
        if (dims.length == 0 || dims[dims.length - 1] != in) {
            long rows = dims.length == 0 ? 1 : Exact.numel(input) / Math.max(1, dims[dims.length - 1]);
            long cols = dims.length == 0 ? 1 : dims[dims.length - 1];
            throw new ShapeException("mat1 and mat2 shapes cannot be multiplied (" + rows + "x" + cols + " and "
                    + in + "x" + out + ")");
        }
        dims[dims.length - 1] = out;
        return Shape.of(dims);
    }

    /** {@code mm_flop}/{@code addmm_flop}: 2 * rows * in * out, rows being the input's leading elements. */
    public static long flops(Shape input, long out) {
        return Exact.product(2, Exact.numel(input), out);
    }
}
