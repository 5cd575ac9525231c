package dev.modelsummary.catalog.nn;

import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.PythonNumbers;

/**
 * The {@code torch.nn} layers the catalog uses, each registering exactly the parameters and buffers of its
 * PyTorch counterpart, in the same order. Arguments that do not change parameters (stride, padding, eps,
 * dropout rates) are left out: they leave no trace in a state_dict. Layers with a forward pass on shapes
 * ({@link Module#forward}) carry the ones their output size depends on ({@link ConvNd#stride}, ...).
 */
public final class Layers {
    private Layers() {
    }

    /**
     * {@code nn.BatchNorm3d(n)}: {@link #batchNorm}'s tensors; its forward keeps the shape of a 5-D input with
     * {@code n} channels.
     */
    public static Module batchNorm3d(long n) {
        return batchNorm(n).forwardAs("BatchNorm3d", (trace, x) -> {
            if (x.rank() != 5) {
                throw new ShapeException("expected 5D input (got " + x.rank() + "D input)");
            }
            if (x.dim(1) != n) {
                throw new ShapeException("running_mean should contain " + x.dim(1) + " elements not " + n);
            }
            return x;
        });
    }

    /** {@code nn.AdaptiveAvgPool3d((t, h, w))}: no tensors; the last three dims become {@code (t, h, w)}. */
    public static Module adaptiveAvgPool3d(long t, long h, long w) {
        return stateless().forwardAs("AdaptiveAvgPool3d", (trace, x) -> Pool.adaptive(x, t, h, w));
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
        }.forwardAs("Linear", (trace, x) -> {
            Shape y = dev.modelsummary.compute.Linear.output(x, in, out);
            trace.flops(dev.modelsummary.compute.Linear.flops(x, out));
            return y;
        });
    }

    public static Module linear(long in, long out) {
        return linear(in, out, true);
    }

    /** {@code nn.Embedding(num, dim)} (any {@code padding_idx}): {@code weight (num, dim)}. */
    public static Module embedding(long num, long dim) {
        return new Module() {
            {
                parameter("weight", num, dim);
            }
        };
    }

    /**
     * {@code nn.Conv2d(in, out, kernel, groups=groups, bias=bias)}: {@code weight (out, in / groups, kh, kw)}.
     */
    public static ConvNd conv2d(long in, long out, long kernelH, long kernelW, long groups, boolean bias) {
        return conv(in, out, groups, bias, false, kernelH, kernelW);
    }

    /** {@code nn.Conv2d(in, out, kernel)}: square kernel, no groups, with bias. */
    public static ConvNd conv2d(long in, long out, long kernel) {
        return conv2d(in, out, kernel, kernel, 1, true);
    }

    /** {@code nn.Conv2d(in, out, kernel, groups=groups, bias=bias)} with a square kernel. */
    public static ConvNd conv2d(long in, long out, long kernel, long groups, boolean bias) {
        return conv2d(in, out, kernel, kernel, groups, bias);
    }

    /** {@code nn.Conv1d(in, out, kernel, groups=groups, bias=bias)}: {@code weight (out, in / groups, k)}. */
    public static ConvNd conv1d(long in, long out, long kernel, long groups, boolean bias) {
        return conv(in, out, groups, bias, false, kernel);
    }

    /**
     * {@code nn.Conv3d(in, out, (kt, kh, kw), groups=groups, bias=bias)}:
     * {@code weight (out, in / groups, kt, kh, kw)}.
     */
    public static ConvNd conv3d(long in, long out, long kernelT, long kernelH, long kernelW, long groups,
                                boolean bias) {
        return conv(in, out, groups, bias, false, kernelT, kernelH, kernelW);
    }

    /**
     * {@code nn.ConvTranspose2d(in, out, kernel, groups=groups, bias=bias)}: the weight is stored
     * {@code (in, out / groups, kh, kw)}, input channels first.
     */
    public static ConvNd convTranspose2d(long in, long out, long kernelH, long kernelW, long groups,
                                         boolean bias) {
        return conv(in, out, groups, bias, true, kernelH, kernelW);
    }

    /** {@code _ConvNd}: checks the groups as PyTorch does, then {@code weight} and the optional {@code bias}. */
    private static ConvNd conv(long in, long out, long groups, boolean bias, boolean transposed, long... kernel) {
        return new ConvNd(in, out, groups, bias, transposed, kernel);
    }

    /**
     * {@code nn.LayerNorm(normalized_shape)} with elementwise affine: {@code weight} and {@code bias}, each of the
     * normalized shape.
     */
    public static Module layerNorm(long... normalizedShape) {
        return new Module() {
            {
                parameter("weight", normalizedShape);
                parameter("bias", normalizedShape);
            }
        };
    }

    /** {@code nn.GroupNorm(groups, channels)} with affine: {@code weight (channels,)}, {@code bias (channels,)}. */
    public static Module groupNorm(long groups, long channels) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("num_channels must be divisible by num_groups");
        }
        return new Module() {
            {
                parameter("weight", channels);
                parameter("bias", channels);
            }
        };
    }

    /**
     * {@code nn.BatchNorm1d/2d/3d(n)} (affine, tracking running stats; the three register the same tensors): parameters {@code weight}, {@code bias};
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
     * {@code nn.BatchNorm2d(n)}: {@link #batchNorm}'s tensors; its forward keeps the shape of a 4-D input with
     * {@code n} channels.
     */
    public static Module batchNorm2d(long n) {
        return batchNorm(n).forwardAs("BatchNorm2d", (trace, x) -> {
            if (x.rank() != 4) {
                throw new ShapeException("expected 4D input (got " + x.rank() + "D input)");
            }
            if (x.dim(1) != n) {
                throw new ShapeException("running_mean should contain " + x.dim(1) + " elements not " + n);
            }
            return x;
        });
    }

    /** {@code nn.ReLU()}: no tensors, the input's shape. */
    public static Module relu() {
        return stateless().forwardAs("ReLU", (trace, x) -> x);
    }

    /** {@code nn.ReLU6()}: no tensors, the input's shape. */
    public static Module relu6() {
        return stateless().forwardAs("ReLU6", (trace, x) -> x);
    }

    /** {@code nn.Hardswish()}: no tensors, the input's shape. */
    public static Module hardswish() {
        return stateless().forwardAs("Hardswish", (trace, x) -> x);
    }

    /** {@code nn.Hardsigmoid()}: no tensors, the input's shape. */
    public static Module hardsigmoid() {
        return stateless().forwardAs("Hardsigmoid", (trace, x) -> x);
    }

    /** {@code nn.SiLU()}: no tensors, the input's shape. */
    public static Module silu() {
        return stateless().forwardAs("SiLU", (trace, x) -> x);
    }

    /** {@code nn.Sigmoid()}: no tensors, the input's shape. */
    public static Module sigmoid() {
        return stateless().forwardAs("Sigmoid", (trace, x) -> x);
    }

    /** torchvision's {@code StochasticDepth(p, mode)}: no tensors; in eval mode the input unchanged. */
    public static Module stochasticDepth() {
        return stateless().forwardAs("StochasticDepth", (trace, x) -> x);
    }

    /** {@code nn.MaxPool2d(kernel, stride, padding)} (dilation 1, floor mode). */
    public static Module maxPool2d(long kernel, long stride, long padding) {
        return stateless().forwardAs("MaxPool2d", (trace, x) -> Pool.output(x, new long[] {kernel, kernel},
                new long[] {stride}, new long[] {padding}, new long[] {1}, false));
    }

    /** {@code nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceilMode)} (dilation 1). */
    public static Module maxPool2d(long kernel, long stride, long padding, boolean ceilMode) {
        return stateless().forwardAs("MaxPool2d", (trace, x) -> Pool.output(x, new long[] {kernel, kernel},
                new long[] {stride}, new long[] {padding}, new long[] {1}, ceilMode));
    }

    /** {@code nn.AvgPool2d(kernel, stride)} (no padding, floor mode). */
    public static Module avgPool2d(long kernel, long stride) {
        return stateless().forwardAs("AvgPool2d", (trace, x) -> Pool.output(x, new long[] {kernel, kernel},
                new long[] {stride}, new long[] {0}, new long[] {1}, false));
    }

    /** {@code nn.AdaptiveAvgPool2d((h, w))}. */
    public static Module adaptiveAvgPool2d(long h, long w) {
        return stateless().forwardAs("AdaptiveAvgPool2d", (trace, x) -> Pool.adaptive(x, h, w));
    }

    /**
     * torchvision's {@code FrozenBatchNorm2d(n)}: batch norm with fixed statistics and affine, all four of them
     * buffers ({@code weight}, {@code bias}, {@code running_mean}, {@code running_var}), no
     * {@code num_batches_tracked}. Detection and segmentation backbones use it when built for pretrained
     * weights.
     */
    public static Module frozenBatchNorm2d(long n) {
        return new Module() {
            {
                buffer("weight", DType.FLOAT32, n);
                buffer("bias", DType.FLOAT32, n);
                buffer("running_mean", DType.FLOAT32, n);
                buffer("running_var", DType.FLOAT32, n);
            }
        }.forwardAs("FrozenBatchNorm2d", (trace, x) ->
                // x * scale.reshape(1, -1, 1, 1) + bias: elementwise, 0 FLOPs, refused as broadcasting refuses
                dev.modelsummary.compute.Reshape.broadcast(x, Shape.of(1, n, 1, 1)));
    }

    /**
     * {@code nn.MultiheadAttention(embed_dim, num_heads)} with equal q/k/v sizes and bias:
     * {@code in_proj_weight (3E, E)}, {@code in_proj_bias (3E,)}, then {@code out_proj} (a Linear E to E).
     */
    public static Module multiheadAttention(long embedDim) {
        return new Module() {
            {
                parameter("in_proj_weight", Dims.mul(3, embedDim), embedDim);
                parameter("in_proj_bias", Dims.mul(3, embedDim));
                add("out_proj", linear(embedDim, embedDim));
            }
        };
    }

    /**
     * {@code nn.Dropout(p)}: no tensors, but its constructor refuses a probability outside [0, 1], so a builder
     * argument that sets a rate can be refused: {@code dropout probability has to be between 0 and 1, but got
     * 1.5}.
     */
    public static Module dropout(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got "
                    + PythonNumbers.repr(p));
        }
        return stateless().forwardAs("Dropout", (trace, x) -> x);
    }

    /**
     * A layer without parameters or buffers (ReLU, GELU, Tanh, Dropout, pooling, Identity). It still takes a
     * position in a {@link Sequential}.
     */
    public static Module stateless() {
        return new Module();
    }

    /**
     * {@code nn.LayerNorm(normalized_shape)} with its forward: {@link #layerNorm}'s tensors; the input's trailing
     * dims must equal {@code normalized_shape}, and the shape is kept.
     */
    public static Module layerNormForward(long... normalizedShape) {
        return layerNorm(normalizedShape).forwardAs("LayerNorm", (trace, x) -> {
            int n = normalizedShape.length;
            boolean ok = x.rank() >= n;
            for (int i = 0; ok && i < n; i++) {
                ok = x.dim(x.rank() - n + i) == normalizedShape[i];
            }
            if (!ok) {
                String want = java.util.Arrays.toString(normalizedShape);
                throw new ShapeException("Given normalized_shape=" + want + ", expected input with shape [*, "
                        + want.substring(1) + ", but got input of size" + java.util.Arrays.toString(x.dims()));
            }
            return x;
        });
    }

    /** {@code nn.GELU()}: no tensors, shape kept. */
    public static Module gelu() {
        return stateless().forwardAs("GELU", (trace, x) -> x);
    }

    /** {@code nn.Tanh()}: no tensors, shape kept. */
    public static Module tanh() {
        return stateless().forwardAs("Tanh", (trace, x) -> x);
    }

    /**
     * {@code nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)} called as {@code attn(x, x, x,
     * need_weights=False)}: {@link #multiheadAttention(long)}'s tensors. Its forward is
     * {@code F.multi_head_attention_forward}, which uses {@code out_proj}'s weight functionally (out_proj is never
     * called): the packed in-projection (one linear to 3E), {@code QK^T} and {@code AV} per head (bmm's), and the
     * out-projection linear, all counted in this call. Input {@code (N, L, E)} or unbatched {@code (L, E)}.
     */
    public static Module multiheadAttention(long embedDim, long numHeads) {
        if (numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dim must be divisible by num_heads");
        }
        return multiheadAttention(embedDim).forwardAs("MultiheadAttention", (trace, x) -> {
            if (x.rank() != 2 && x.rank() != 3) {
                throw new ShapeException("query should be unbatched 2D or batched 3D tensor but received "
                        + x.rank() + "-D query tensor");
            }
            long e = x.dim(x.rank() - 1);
            if (e != embedDim) {
                throw new ShapeException("was expecting embedding dimension of " + embedDim + ", but got " + e);
            }
            long batch = x.rank() == 3 ? x.dim(0) : 1;
            long len = x.dim(x.rank() - 2);
            Shape rows = Shape.of(len, batch, embedDim);
            trace.flops(dev.modelsummary.compute.Linear.flops(rows, dev.modelsummary.catalog.nn.Dims.mul(3,
                    embedDim)));
            long heads = dev.modelsummary.catalog.nn.Dims.mul(batch, numHeads);
            long headDim = embedDim / numHeads;
            Shape q = Shape.of(heads, len, headDim);
            Shape kT = Shape.of(heads, headDim, len);
            Shape scores = dev.modelsummary.compute.MatMul.bmm(q, kT);
            trace.flops(dev.modelsummary.compute.MatMul.bmmFlops(q, kT));
            Shape v = Shape.of(heads, len, headDim);
            dev.modelsummary.compute.MatMul.bmm(scores, v);
            trace.flops(dev.modelsummary.compute.MatMul.bmmFlops(scores, v));
            trace.flops(dev.modelsummary.compute.Linear.flops(rows, embedDim));
            return x;
        });
    }

    /**
     * {@code torchvision.ops.misc.Permute(dims)} ({@code torch.permute}): no tensors; the dims reordered.
     */
    public static Module permute(int... dims) {
        return stateless().forwardAs("Permute", (trace, x) -> permuted(x, dims));
    }

    private static Shape permuted(Shape x, int... dims) {
        if (x.rank() != dims.length) {
            throw new ShapeException("permute(sparse_coo): number of dimensions in the tensor input does not match "
                    + "the length of the desired ordering of dimensions i.e. input.dim() = " + x.rank()
                    + " is not equal to len(dims) = " + dims.length);
        }
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = x.dim(dims[i]);
        }
        return Shape.of(out);
    }

    /**
     * torchvision ConvNeXt's {@code LayerNorm2d(c)}: {@link #layerNorm}'s tensors; forward permutes to channels
     * last, layer-normalizes over the channels and permutes back, so the shape is kept.
     */
    public static Module layerNorm2d(long channels) {
        Module norm = layerNormForward(channels);
        return layerNorm(channels).forwardAs("LayerNorm2d", (trace, x) ->
                permuted(norm.forward(trace, permuted(x, 0, 2, 3, 1)), 0, 3, 1, 2));
    }

    /** {@code nn.Flatten(start_dim)} (end_dim -1): no tensors. */
    public static Module flatten(int startDim) {
        return stateless().forwardAs("Flatten", (trace, x) -> dev.modelsummary.compute.Reshape.flatten(x,
                startDim, -1));
    }

    /**
     * {@code nn.Embedding(num, dim)} with its forward: {@link #embedding}'s tensor; indices of any shape
     * {@code (...)} give {@code (..., dim)}, and a lookup counts no FLOPs.
     */
    public static Module embeddingForward(long num, long dim) {
        return embedding(num, dim).forwardAs("Embedding", (trace, x) -> {
            long[] out = java.util.Arrays.copyOf(x.dims(), x.rank() + 1);
            out[x.rank()] = dim;
            return Shape.of(out);
        });
    }

    /** An activation module with no tensors whose forward keeps the shape, hooked as {@code torchClass}. */
    public static Module activation(String torchClass) {
        return stateless().forwardAs(torchClass, (trace, x) -> x);
    }

    /**
     * {@code nn.GroupNorm(groups, channels)} with its forward: {@link #groupNorm}'s tensors; the input
     * {@code (N, C, *)} keeps its shape; a channel count other than {@code channels} is refused as torch's
     * affine broadcast refuses it. 0 FLOPs.
     */
    public static Module groupNormForward(long groups, long channels) {
        return groupNorm(groups, channels).forwardAs("GroupNorm", (trace, x) -> {
            if (x.rank() < 2 || x.dim(1) % groups != 0) {
                throw new ShapeException("Expected number of channels in input to be divisible by num_groups, but "
                        + "got input of shape " + java.util.Arrays.toString(x.dims()) + " and num_groups=" + groups);
            }
            if (x.dim(1) != channels) {
                throw new ShapeException("The size of tensor a (" + x.dim(1) + ") must match the size of tensor b ("
                        + channels + ") at non-singleton dimension 1");
            }
            return x;
        });
    }

    /**
     * {@code nn.MaxPool3d(kernel, stride, padding)}: no tensors; ATen's pooling output size per dim (one value or
     * one per dim of {@code (T, H, W)}).
     */
    public static Module maxPool3d(long[] kernel, long[] stride, long[] padding) {
        return stateless().forwardAs("MaxPool3d", (trace, x) -> Pool.output(x, kernel, stride, padding,
                new long[] {1, 1, 1}, false));
    }

    /** {@code nn.AvgPool3d(kernel, stride, padding)}: no tensors; as {@link #maxPool3d}. */
    public static Module avgPool3d(long[] kernel, long[] stride, long[] padding) {
        return stateless().forwardAs("AvgPool3d", (trace, x) -> Pool.output(x, kernel, stride, padding,
                new long[] {1, 1, 1}, false));
    }

    /** {@code torch.ao.quantization.QuantStub()} before conversion: no tensors, the identity. */
    public static Module quantStub() {
        return stateless().forwardAs("QuantStub", (trace, x) -> x);
    }

    /** {@code torch.ao.quantization.DeQuantStub()} before conversion: no tensors, the identity. */
    public static Module deQuantStub() {
        return stateless().forwardAs("DeQuantStub", (trace, x) -> x);
    }

    /**
     * {@code nn.quantized.FloatFunctional()}: no tensors; its child {@code activation_post_process}, an
     * {@code nn.Identity}, is what hooks see: {@code add}, {@code add_relu}, {@code mul}, {@code cat} are methods,
     * not forward, and each ends with one call of {@code activation_post_process} on its result. Call it as
     * {@code call(t, "skip_add", "activation_post_process", result)}.
     */
    public static Module floatFunctional() {
        Module functional = new Module().forwardAs("FloatFunctional", (trace, x) -> {
            throw new UnsupportedOperationException("FloatFunctional.forward: use its add/mul/cat methods");
        });
        functional.add("activation_post_process", stateless().forwardAs("Identity", (trace, x) -> x));
        return functional;
    }
}
