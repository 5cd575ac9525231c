package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;
import java.util.Arrays;

/**
 * Max, average and adaptive pooling over the last {@code k} dims: ATen's output sizes ({@code Pool.h}) and
 * refusals. Pooling counts no FLOPs.
 */
public final class Pool {
    private Pool() {
    }

    /**
     * ATen's {@code pooling_output_shape}: {@code floor((in + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1}, and
     * under {@code ceil_mode} one less when the last window would start past the input and its left padding.
     * Refuses, in ATen's words, a zero stride, a negative padding and one past half the effective kernel.
     */
    public static long outputSize(long in, long kernel, long pad, long stride, long dilation, boolean ceilMode) {
        if (stride == 0) {
            throw new ShapeException("stride should not be zero");
        }
        if (pad < 0) {
            throw new ShapeException("pad must be non-negative, but got pad: " + pad);
        }
        if (pad > (Exact.mul(kernel - 1, dilation) + 1) / 2) {
            throw new ShapeException("pad should be at most half of effective kernel size, but got pad=" + pad
                    + ", kernel_size=" + kernel + " and dilation=" + dilation);
        }
        long numerator = Exact.add(in, 2 * pad) - Exact.mul(dilation, kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long out = Exact.floorDiv(numerator, stride) + 1;
        if (ceilMode && (out - 1) * stride >= in + pad) {
            out--;
        }
        return out;
    }

    /**
     * {@code max_pool{k}d} / {@code avg_pool{k}d} (avg: dilation 1) on {@code (N, C, *spatial)} or
     * {@code (C, *spatial)}. {@code stride} empty means the kernel, as torch's default {@code stride=None}.
     */
    public static Shape output(Shape input, long[] kernel, long[] stride, long[] padding, long[] dilation,
                               boolean ceilMode) {
        int k = kernel.length;
        long[] in = input.dims();
        if (in.length != k + 1 && in.length != k + 2) {
            throw new ShapeException("non-empty " + (k + 1) + "D or " + (k + 2) + "D (batch mode) tensor expected"
                    + " for input");
        }
        long[] s = stride.length == 0 ? kernel : Conv.expand(stride, k);
        long[] p = Conv.expand(padding, k);
        long[] d = Conv.expand(dilation, k);
        long[] out = in.clone();
        int from = in.length - k;
        for (int i = 0; i < k; i++) {
            out[from + i] = outputSize(in[from + i], kernel[i], p[i], s[i], d[i], ceilMode);
        }
        for (int i = 0; i < k; i++) {
            if (kernel[i] <= 0 || s[i] <= 0 || d[i] <= 0) {
                throw new ShapeException("kernel size, stride and dilation should be greater than zero, but got"
                        + " kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(s)
                        + ", dilation=" + Arrays.toString(d));
            }
        }
        boolean tooSmall = false;
        for (int i = 0; i < k; i++) {
            tooSmall |= out[from + i] < 1;
        }
        if (tooSmall) {
            long planes = in[from - 1];
            throw new ShapeException("Given input size: (" + planes + "x"
                    + Conv.join(Arrays.copyOfRange(in, from, in.length), "x") + "). Calculated output size: ("
                    + planes + "x" + Conv.join(Arrays.copyOfRange(out, from, out.length), "x")
                    + "). Output size is too small");
        }
        return Shape.of(out);
    }

    /**
     * {@code adaptive_{avg,max}_pool{k}d(input, output_size)}: the last {@code k} dims become
     * {@code outputSize}; a negative entry ({@code None} in Python) keeps the input's size.
     */
    public static Shape adaptive(Shape input, long... outputSize) {
        int k = outputSize.length;
        long[] in = input.dims();
        if (in.length != k + 1 && in.length != k + 2) {
            throw new ShapeException("adaptive_pool" + k + "d(): Expected " + (k + 1) + "D or " + (k + 2)
                    + "D tensor, but got " + input);
        }
        long[] out = in.clone();
        int from = in.length - k;
        for (int i = 0; i < k; i++) {
            if (in[from + i] == 0) {
                throw new ShapeException("adaptive_pool" + k + "d(): Expected input to have non-zero size for"
                        + " non-batch dimensions, but input has sizes " + input + " with dimension " + (from + i)
                        + " being empty");
            }
            if (outputSize[i] >= 0) {
                out[from + i] = outputSize[i];
            }
        }
        return Shape.of(out);
    }
}
