package dev.modelsummary.catalog.nn;

import dev.modelsummary.model.DType;

/**
 * The {@code torch.nn} layers the catalog uses, each registering exactly the parameters and buffers of its
 * PyTorch counterpart, in the same order. Arguments that do not change shapes (stride, padding, eps,
 * dropout rates) are left out: they leave no trace in a state_dict.
 */
public final class Layers {
    private Layers() {
    }

    /** {@code nn.Linear(in, out, bias)}: {@code weight (out, in)}, {@code bias (out,)}. */
    public static Module linear(long in, long out, boolean bias) {
        return new Module() {
            {
                parameter("weight", out, in);
                if (bias) {
                    parameter("bias", out);
                }
            }
        };
    }

    public static Module linear(long in, long out) {
        return linear(in, out, true);
    }

    /**
     * {@code nn.Conv2d(in, out, kernel, groups=groups, bias=bias)}: {@code weight (out, in / groups, kh, kw)}.
     */
    public static Module conv2d(long in, long out, long kernelH, long kernelW, long groups, boolean bias) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("in_channels " + in + " and out_channels " + out
                    + " must be divisible by groups " + groups);
        }
        return new Module() {
            {
                parameter("weight", out, in / groups, kernelH, kernelW);
                if (bias) {
                    parameter("bias", out);
                }
            }
        };
    }

    public static Module conv2d(long in, long out, long kernel) {
        return conv2d(in, out, kernel, kernel, 1, true);
    }

    /** {@code nn.LayerNorm(dim)} with elementwise affine: {@code weight}, {@code bias}. */
    public static Module layerNorm(long dim) {
        return new Module() {
            {
                parameter("weight", dim);
                parameter("bias", dim);
            }
        };
    }

    /**
     * {@code nn.BatchNorm2d(n)} (affine, tracking running stats): parameters {@code weight}, {@code bias};
     * buffers {@code running_mean}, {@code running_var} and the 0-d int64 {@code num_batches_tracked}.
     */
    public static Module batchNorm(long n) {
        return new Module() {
            {
                parameter("weight", n);
                parameter("bias", n);
                buffer("running_mean", DType.FLOAT32, n);
                buffer("running_var", DType.FLOAT32, n);
                buffer("num_batches_tracked", DType.INT64);
            }
        };
    }

    /**
     * {@code nn.MultiheadAttention(embed_dim, num_heads)} with equal q/k/v sizes and bias:
     * {@code in_proj_weight (3E, E)}, {@code in_proj_bias (3E,)}, then {@code out_proj} (a Linear E to E).
     */
    public static Module multiheadAttention(long embedDim) {
        return new Module() {
            {
                parameter("in_proj_weight", 3 * embedDim, embedDim);
                parameter("in_proj_bias", 3 * embedDim);
                add("out_proj", linear(embedDim, embedDim));
            }
        };
    }

    /**
     * A layer without parameters or buffers (ReLU, GELU, Tanh, Dropout, pooling, Identity). It still takes a
     * position in a {@link Sequential}.
     */
    public static Module stateless() {
        return new Module();
    }
}
