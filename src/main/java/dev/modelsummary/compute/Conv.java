package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * {@code torch.nn.functional.conv1d/2d/3d}: the output size ATen computes, its refusals in its words, and the
 * FLOPs {@code flop_counter.conv_flop_count} counts: {@code 2 * batch * prod(out spatial) * out_channels *
 * (in_channels / groups) * prod(kernel)}. The bias adds nothing.
 */
public final class Conv {
    private Conv() {
    }

    /** {@code padding='same'} (stride 1 only): total padding {@code d*(k-1)}, the odd remainder on the right. */
    public static final long[] SAME = new long[0];

    /**
     * The output of a convolution with weight {@code (out, in/groups, *kernel)} on {@code input}
     * ({@code (N, C, *spatial)} or unbatched {@code (C, *spatial)}). {@code padding} is per spatial dim (one
     * value for all), or {@link #SAME}.
     */
    public static Shape output(Shape input, long outChannels, long inPerGroup, long groups, long[] kernel,
                               long[] stride, long[] padding, long[] dilation) {
        int k = kernel.length;
        long[] weight = new long[k + 2];
        weight[0] = outChannels;
        weight[1] = inPerGroup;
        System.arraycopy(kernel, 0, weight, 2, k);
        int rank = input.rank();
        if (rank != k + 1 && rank != k + 2) {
            throw new ShapeException("Expected " + (k + 1) + "D (unbatched) or " + (k + 2) + "D (batched) input to conv"
                    + k + "d, but got input of size: " + input);
        }
        boolean batched = rank == k + 2;
        long[] in = batched ? input.dims() : prepend(1, input.dims());
        if (in[1] != Exact.mul(inPerGroup, groups)) {
            throw new ShapeException("Given groups=" + groups + ", weight of size " + Arrays.toString(weight)
                    + ", expected input" + Arrays.toString(in) + " to have " + Exact.mul(inPerGroup, groups)
                    + " channels, but got " + in[1] + " channels instead");
        }
        boolean same = padding == SAME;
        long[] s = expand(stride, k);
        long[] d = expand(dilation, k);
        if (same && Arrays.stream(s).anyMatch(v -> v != 1)) {
            throw new ShapeException("padding='same' is not supported for strided convolutions");
        }
        long[] out = new long[k + 2];
        out[0] = in[0];
        out[1] = outChannels;
        long[] padded = new long[k];
        long[] effective = new long[k];
        boolean tooSmall = false;
        for (int i = 0; i < k; i++) {
            long total = same ? Exact.mul(d[i], kernel[i] - 1) : Exact.mul(2, expand(padding, k)[i]);
            padded[i] = Exact.add(in[i + 2], total);
            effective[i] = Exact.add(Exact.mul(d[i], kernel[i] - 1), 1);
            tooSmall |= padded[i] < effective[i];
            out[i + 2] = Exact.floorDiv(padded[i] - effective[i], s[i]) + 1;
        }
        if (tooSmall) {
            throw new ShapeException("Calculated padded input size per channel: (" + join(padded, " x ")
                    + "). Kernel size: (" + join(effective, " x ") + "). Kernel size can't be greater than actual"
                    + " input size");
        }
        return Shape.of(batched ? out : Arrays.copyOfRange(out, 1, out.length));
    }

    /** {@code conv_flop_count(x, w, out)}: 2 per multiply-add; the bias adds nothing. */
    public static long flops(Shape output, long inPerGroup, long[] kernel) {
        long[] out = output.dims();
        int spatialFrom = out.length - kernel.length;
        long batch = spatialFrom == 2 ? out[0] : 1;
        long outChannels = out[spatialFrom - 1];
        long spatial = Exact.product(Arrays.copyOfRange(out, spatialFrom, out.length));
        return Exact.product(2, batch, spatial, outChannels, inPerGroup, Exact.product(kernel));
    }

    /** One value per spatial dim: {@code v} as given, or its single value repeated. */
    static long[] expand(long[] v, int k) {
        if (v.length == k) {
            return v;
        }
        if (v.length == 1) {
            long[] out = new long[k];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw new IllegalArgumentException("expected 1 or " + k + " values, got " + Arrays.toString(v));
    }

    static long[] prepend(long first, long[] rest) {
        long[] out = new long[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    static String join(long[] values, String separator) {
        StringJoiner j = new StringJoiner(separator);
        for (long v : values) {
            j.add(Long.toString(v));
        }
        return j.toString();
    }
}
