package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.flatten;
import static dev.modelsummary.catalog.nn.Layers.gelu;
import static dev.modelsummary.catalog.nn.Layers.layerNormForward;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.stateless;
import static dev.modelsummary.catalog.nn.Layers.stochasticDepth;
import static dev.modelsummary.catalog.nn.Layers.tanh;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * torchvision {@code models/maxvit.py} (0.14.1): {@code maxvit_t}.
 *
 * <p>{@code maxvit_t} fixes stem_channels, block_channels, block_layers, head_dim, stochastic_depth_prob and
 * partition_size itself (a user's value for any of them is a TypeError in torchvision), so the keyword
 * arguments are MaxVit's remaining ones. {@code input_size} is a tuple, which the catalog's arguments cannot
 * express, so it is not declared and stays (224, 224), the builder's default; it only sets the attention grid
 * sizes, which no tensor depends on, and (224, 224) passes MaxVit's divisibility check for partition size 7.
 */
public final class MaxVit extends Module {
    private static final long STEM_CHANNELS = 64;
    private static final long[] BLOCK_CHANNELS = {64, 128, 256, 512};
    private static final long[] BLOCK_LAYERS = {2, 2, 5, 2};
    private static final long HEAD_DIM = 32;
    private static final long PARTITION_SIZE = 7;
    private static final double STOCHASTIC_DEPTH_PROB = 0.2;
    /** {@code input_size}: the builder's (224, 224), also the weights' min_size. */
    private static final long INPUT_SIZE = 224;

    /** The public builder. */
    public static List<Builder> builders() {
        Weights weights = Weights.of("MaxVit_T_Weights", Args.IMAGENET, 224, "IMAGENET1K_V1", "IMAGENET1K_V1");
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Arg.real("squeeze_ratio", 0.25, "squeeze-excitation ratio of the MBConv layers"),
                Arg.real("expansion_ratio", 4, "expansion ratio of the MBConv bottlenecks"),
                Arg.integer("mlp_ratio", 4, "expansion ratio of the attention layers' MLPs"),
                Arg.real("mlp_dropout", 0.0, "MLP dropout rate (no effect on the tensors)"),
                Arg.real("attention_dropout", 0.0, "attention dropout rate (no effect on the tensors)"),
                Args.numClasses(1000));
        return List.of(Builder.of("maxvit_t", Task.IMAGE_CLASSIFICATION, args, MaxVit::maxvit));
    }

    /**
     * {@code _maxvit}: weights fix num_classes (and input_size, to their min_size (224, 224), which is the
     * default anyway); then the model.
     */
    private static Module maxvit(Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        try {
            return new MaxVit(kwargs.real("squeeze_ratio"), kwargs.real("expansion_ratio"),
                    kwargs.integer("mlp_ratio"), kwargs.real("mlp_dropout"), kwargs.real("attention_dropout"),
                    kwargs.integer("num_classes"));
        } catch (IllegalArgumentException e) {
            // An expansion_ratio that leaves an MBConv no channels makes its depthwise nn.Conv2d raise
            // ValueError("groups must be a positive integer"): a refused argument, in PyTorch's words.
            throw kwargs.refuse(e.getMessage());
        }
    }

    /**
     * {@code MaxVit(stem_channels=64, block_channels=[64, 128, 256, 512], block_layers=[2, 2, 5, 2],
     * head_dim=32, partition_size=7, ...)} with BatchNorm2d and GELU: {@code stem}, {@code blocks} (a
     * ModuleList of MaxVitBlock), {@code classifier}.
     */
    MaxVit(double squeezeRatio, double expansionRatio, long mlpRatio, double mlpDropout, double attentionDropout,
           long numClasses) {
        // Conv 3x3 stride 2 with BN and GELU (no bias), then a plain 3x3 conv with bias.
        add("stem", new Sequential(
                Misc.conv2dNormActivation(3, STEM_CHANNELS, 3, 2, 1, Layers::batchNorm2d, Layers::gelu, 1),
                Misc.conv2dNormActivation(STEM_CHANNELS, STEM_CHANNELS, 3, 1, 1, null, null, 1)));
        // account for stem stride
        long inputSize = convOutputSize(INPUT_SIZE);
        Sequential blocks = add("blocks", new Sequential());
        long inChannels = STEM_CHANNELS;
        // np.linspace(0, stochastic_depth_prob, sum(block_layers)): only whether each p is 0 matters here.
        long totalLayers = 0;
        for (long n : BLOCK_LAYERS) {
            totalLayers += n;
        }
        int pIdx = 0;
        for (int i = 0; i < BLOCK_CHANNELS.length; i++) {
            double[] pStochastic = new double[(int) BLOCK_LAYERS[i]];
            for (int j = 0; j < pStochastic.length; j++) {
                pStochastic[j] = STOCHASTIC_DEPTH_PROB * (pIdx + j) / (totalLayers - 1);
            }
            MaxVitBlock block = new MaxVitBlock(inChannels, BLOCK_CHANNELS[i], squeezeRatio, expansionRatio,
                    mlpRatio, mlpDropout, attentionDropout, inputSize, pStochastic);
            blocks.append(block);
            inputSize = block.gridSize;
            inChannels = BLOCK_CHANNELS[i];
            pIdx += pStochastic.length;
        }
        long last = BLOCK_CHANNELS[BLOCK_CHANNELS.length - 1];
        // AdaptiveAvgPool2d, Flatten, LayerNorm, Linear, Tanh, Linear without bias.
        add("classifier", new Sequential(adaptiveAvgPool2d(1, 1), flatten(1), layerNormForward(last),
                linear(last, last), tanh(), linear(last, numClasses, false)));
    }

    /** {@code forward}: stem, each block of the ModuleList, classifier. */
    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "stem", x);
        for (String name : child("blocks").childrenWithEmptyPlaces().keySet()) {
            x = call(t, "blocks", name, x);
        }
        return call(t, "classifier", x);
    }

    /** {@code _get_conv_output_shape(size, kernel_size=3, stride=2, padding=1)} on one side. */
    private static long convOutputSize(long size) {
        return Math.floorDiv(size - 3 + 2, 2) + 1;
    }

    /** {@code nn.Identity()}: no tensors, the input. */
    private static Module identity() {
        return stateless().forwardAs("Identity", (trace, x) -> x);
    }

    /** A reshape's refusal in torch's words. */
    private static ShapeException reshapeError(Shape x, long... shape) {
        StringBuilder b = new StringBuilder("shape '[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return new ShapeException(b.append("]' is invalid for input of size ").append(Exact.numel(x)).toString());
    }

    /**
     * {@code MaxVitBlock}: {@code layers}, a ModuleList of MaxVitLayer; only the first one changes the width
     * (and has stride 2). {@code grid_size} is its input grid after that stride.
     */
    private static final class MaxVitBlock extends Module {
        final long gridSize;

        MaxVitBlock(long inChannels, long outChannels, double squeezeRatio, double expansionRatio, long mlpRatio,
                    double mlpDropout, double attentionDropout, long inputGridSize, double[] pStochastic) {
            gridSize = convOutputSize(inputGridSize);
            Sequential layers = add("layers", new Sequential());
            for (int idx = 0; idx < pStochastic.length; idx++) {
                layers.append(new MaxVitLayer(idx == 0 ? inChannels : outChannels, outChannels, idx == 0 ? 2 : 1,
                        squeezeRatio, expansionRatio, mlpRatio, mlpDropout, attentionDropout, gridSize,
                        pStochastic[idx]));
            }
        }

        /** {@code for layer in self.layers: x = layer(x)}. */
        @Override
        public Shape forward(Trace t, Shape x) {
            for (String name : child("layers").childrenWithEmptyPlaces().keySet()) {
                x = call(t, "layers", name, x);
            }
            return x;
        }
    }

    /**
     * {@code MaxVitLayer}: {@code layers}, a Sequential of {@code MBconv}, {@code window_attention} and
     * {@code grid_attention} (the two partition types register the same tensors).
     */
    private static final class MaxVitLayer extends Module {
        MaxVitLayer(long inChannels, long outChannels, long stride, double squeezeRatio, double expansionRatio,
                    long mlpRatio, double mlpDropout, double attentionDropout, long gridSize, double p) {
            Sequential layers = new Sequential();
            layers.add("MBconv", new MBConv(inChannels, outChannels, expansionRatio, squeezeRatio, stride, p));
            layers.add("window_attention", new PartitionAttentionLayer(outChannels, mlpRatio, false, gridSize,
                    mlpDropout, attentionDropout));
            layers.add("grid_attention", new PartitionAttentionLayer(outChannels, mlpRatio, true, gridSize,
                    mlpDropout, attentionDropout));
            add("layers", layers);
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "layers", x);
        }
    }

    /**
     * {@code MBConv}: {@code proj} (Identity, or a Sequential of [AvgPool2d(3, stride, 1) when stride is 2,] a
     * 1x1 conv with bias when the stride or width changes), {@code stochastic_depth} (StochasticDepth, or
     * Identity when p is 0), and {@code layers}: {@code pre_norm}, {@code conv_a} (1x1), {@code conv_b}
     * (depthwise 3x3 with the stride), {@code squeeze_excitation} (SiLU), {@code conv_c} (1x1 with bias).
     */
    private static final class MBConv extends Module {
        MBConv(long inChannels, long outChannels, double expansionRatio, double squeezeRatio, long stride,
               double p) {
            if (stride != 1 || inChannels != outChannels) {
                Sequential proj = new Sequential();
                if (stride == 2) {
                    proj.append(stateless().forwardAs("AvgPool2d", (trace, x) -> Pool.output(x,
                            new long[] {3, 3}, new long[] {stride}, new long[] {1}, new long[] {1}, false)));
                }
                proj.append(conv2d(inChannels, outChannels, 1));
                add("proj", proj);
            } else {
                add("proj", identity());
            }
            // int() truncates toward zero, as the casts do.
            long midChannels = Dims.trunc(outChannels * expansionRatio);
            long sqzChannels = Dims.trunc(outChannels * squeezeRatio);
            add("stochastic_depth", p != 0 ? stochasticDepth() : identity());
            Sequential layers = new Sequential();
            layers.add("pre_norm", Layers.batchNorm2d(inChannels));
            layers.add("conv_a", Misc.conv2dNormActivation(inChannels, midChannels, 1, 1, 1, Layers::batchNorm2d,
                    Layers::gelu, 1));
            layers.add("conv_b", Misc.conv2dNormActivation(midChannels, midChannels, 3, stride, midChannels,
                    Layers::batchNorm2d, Layers::gelu, 1));
            layers.add("squeeze_excitation", Misc.squeezeExcitation(midChannels, sqzChannels, Layers::silu,
                    Layers::sigmoid));
            layers.add("conv_c", conv2d(midChannels, outChannels, 1));
            add("layers", layers);
        }

        /** {@code res = proj(x)}, {@code x = stochastic_depth(layers(x))}, {@code res + x}. */
        @Override
        public Shape forward(Trace t, Shape x) {
            Shape res = call(t, "proj", x);
            x = call(t, "stochastic_depth", call(t, "layers", x));
            return Reshape.broadcast(res, x);
        }
    }

    /**
     * {@code PartitionAttentionLayer}: {@code partition_op} (WindowPartition), {@code departition_op}
     * (WindowDepartition), {@code partition_swap}/{@code departition_swap} (SwapAxes(-2, -3) for the grid type,
     * else Identity), {@code attn_layer} (LayerNorm, attention, Dropout), {@code mlp_layer} (LayerNorm, Linear up
     * by mlp_ratio, GELU, Linear down, Dropout) and {@code stochastic_dropout}. Window: p = partition size;
     * grid: p = grid size // partition size.
     */
    private static final class PartitionAttentionLayer extends Module {
        private final long p;
        private final long gridSize;

        PartitionAttentionLayer(long inChannels, long mlpRatio, boolean grid, long gridSize, double mlpDropout,
                                double attentionDropout) {
            long nPartitions = gridSize / PARTITION_SIZE;
            this.p = grid ? nPartitions : PARTITION_SIZE;
            this.gridSize = gridSize;
            add("partition_op", stateless().forwardAs("WindowPartition", (trace, x) -> {
                long b = x.dim(0);
                long c = x.dim(1);
                long h = x.dim(2);
                long w = x.dim(3);
                if (p == 0 || h % p != 0 || w % p != 0) {
                    throw reshapeError(x, b, c, p == 0 ? 0 : h / p, p, p == 0 ? 0 : w / p, p);
                }
                return Shape.of(b, Exact.mul(h / p, w / p), Exact.mul(p, p), c);
            }));
            add("departition_op", stateless().forwardAs("WindowDepartition", (trace, x) -> {
                long gh = gridSize / p;
                Shape out = Shape.of(x.dim(0), gh, gh, p, p, x.dim(3));
                if (Exact.numel(out) != Exact.numel(x)) {
                    throw reshapeError(x, out.dims());
                }
                return Shape.of(x.dim(0), x.dim(3), Exact.mul(gh, p), Exact.mul(gh, p));
            }));
            add("partition_swap", grid ? swapAxes() : identity());
            add("departition_swap", grid ? swapAxes() : identity());
            add("attn_layer", new Sequential(layerNormForward(inChannels),
                    new RelativePositionalMultiHeadAttention(inChannels, HEAD_DIM, PARTITION_SIZE * PARTITION_SIZE),
                    dropout(attentionDropout)));
            add("mlp_layer", new Sequential(layerNormForward(inChannels),
                    linear(inChannels, Dims.mul(inChannels, mlpRatio)), gelu(),
                    linear(Dims.mul(inChannels, mlpRatio), inChannels), dropout(mlpDropout)));
            add("stochastic_dropout", stochasticDepth());
        }

        /** {@code SwapAxes(-2, -3)}. */
        private static Module swapAxes() {
            return stateless().forwardAs("SwapAxes", (trace, x) -> {
                long[] d = x.dims();
                int r = d.length;
                long tmp = d[r - 2];
                d[r - 2] = d[r - 3];
                d[r - 3] = tmp;
                return Shape.of(d);
            });
        }

        /**
         * partition, swap, {@code x + stochastic_dropout(attn_layer(x))}, {@code x +
         * stochastic_dropout(mlp_layer(x))}, swap back, departition to the grid size fixed at construction.
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            x = call(t, "partition_op", x);
            x = call(t, "partition_swap", x);
            x = Reshape.broadcast(x, call(t, "stochastic_dropout", call(t, "attn_layer", x)));
            x = Reshape.broadcast(x, call(t, "stochastic_dropout", call(t, "mlp_layer", x)));
            x = call(t, "departition_swap", x);
            return call(t, "departition_op", x);
        }
    }

    /**
     * {@code RelativePositionalMultiHeadAttention(feat_dim, head_dim, max_seq_len)}: {@code to_qkv},
     * {@code merge}, the parameter {@code relative_position_bias_table} ((2 size - 1)^2, heads) and the int64
     * buffer {@code relative_position_index} (size^2, size^2), where size = int(sqrt(max_seq_len)).
     */
    private static final class RelativePositionalMultiHeadAttention extends Module {
        private final long nHeads;
        private final long headDim;

        RelativePositionalMultiHeadAttention(long featDim, long headDim, long maxSeqLen) {
            // Its ValueError for feat_dim not divisible by head_dim cannot happen: maxvit_t fixes both.
            long nHeads = featDim / headDim;
            this.nHeads = nHeads;
            this.headDim = headDim;
            long size = (long) Math.sqrt(maxSeqLen);
            add("to_qkv", linear(featDim, Dims.mul(nHeads, headDim, 3)));
            add("merge", linear(Dims.mul(headDim, nHeads), featDim));
            parameter("relative_position_bias_table", Dims.mul(Dims.span(size), Dims.span(size)), nHeads);
            buffer("relative_position_index", DType.INT64, Dims.mul(size, size), Dims.mul(size, size));
        }

        /**
         * {@code to_qkv} (a module call), chunk into q, k, v of (B, G, H, P, DH), the two einsums (bmm's:
         * {@code q k^T} and {@code attn v}), {@code merge} (a module call).
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            if (x.rank() != 4) {
                throw new ShapeException("not enough values to unpack (expected 4, got " + x.rank() + ")");
            }
            Shape qkv = call(t, "to_qkv", x);
            Shape q = Shape.of(x.dim(0), x.dim(1), nHeads, x.dim(2), headDim);
            Shape kT = Shape.of(x.dim(0), x.dim(1), nHeads, headDim, x.dim(2));
            Shape dot = MatMul.matmul(q, kT);
            t.flops(MatMul.matmulFlops(q, kT));
            t.flops(MatMul.matmulFlops(dot, q));
            return call(t, "merge", Shape.of(qkv.dim(0), qkv.dim(1), qkv.dim(2), Dims.mul(nHeads, headDim)));
        }
    }
}
