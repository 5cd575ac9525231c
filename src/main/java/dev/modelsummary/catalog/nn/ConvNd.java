package dev.modelsummary.catalog.nn;

import dev.modelsummary.compute.Conv;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;

/**
 * {@code nn.Conv1d/2d/3d} and {@code nn.ConvTranspose2d} ({@code _ConvNd}): {@code weight} and the optional
 * {@code bias}, as PyTorch registers them. Stride, padding and dilation change no tensor, so builders that only
 * describe parameters may leave them at PyTorch's defaults (1, 0, 1); the forward pass needs the real ones:
 * {@code conv2d(...).stride(2).padding(3)}. A torch subclass that only fixes the arguments (torchvision's
 * {@code Conv3DSimple}) is this layer under its own name: {@code conv3d(...).className("Conv3DSimple")}.
 */
public final class ConvNd extends Module {
    private final long in;
    private final long out;
    private final long groups;
    private final boolean transposed;
    private final long[] kernel;
    private long[] stride = {1};
    private long[] padding = {0};
    private long[] dilation = {1};

    ConvNd(long in, long out, long groups, boolean bias, boolean transposed, long... kernel) {
        if (groups <= 0) {
            throw new IllegalArgumentException("groups must be a positive integer");
        }
        if (in % groups != 0) {
            throw new IllegalArgumentException("in_channels must be divisible by groups");
        }
        if (out % groups != 0) {
            throw new IllegalArgumentException("out_channels must be divisible by groups");
        }
        this.in = in;
        this.out = out;
        this.groups = groups;
        this.transposed = transposed;
        this.kernel = kernel.clone();
        long[] shape = new long[kernel.length + 2];
        shape[0] = transposed ? in : out;
        shape[1] = transposed ? out / groups : in / groups;
        System.arraycopy(kernel, 0, shape, 2, kernel.length);
        parameter("weight", shape);
        if (bias) {
            parameter("bias", out);
        }
        className((transposed ? "ConvTranspose" : "Conv") + kernel.length + "d");
    }

    /** {@code stride=}: one value for every spatial dim, or one per dim. */
    public ConvNd stride(long... values) {
        stride = values.clone();
        return this;
    }

    /** {@code padding=}: one value for every spatial dim, or one per dim; {@link Conv#SAME} for 'same'. */
    public ConvNd padding(long... values) {
        padding = values == Conv.SAME ? Conv.SAME : values.clone();
        return this;
    }

    /** {@code dilation=}: one value for every spatial dim, or one per dim. */
    public ConvNd dilation(long... values) {
        dilation = values.clone();
        return this;
    }

    @Override
    public Shape forward(Trace trace, Shape x) {
        if (transposed) {
            throw new UnsupportedOperationException(className() + " has no forward pass yet");
        }
        Shape y = Conv.output(x, out, in / groups, groups, kernel, stride, padding, dilation);
        trace.flops(Conv.flops(y, in / groups, kernel));
        return y;
    }
}
