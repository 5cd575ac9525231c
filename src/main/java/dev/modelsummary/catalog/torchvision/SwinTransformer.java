package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.flatten;
import static dev.modelsummary.catalog.nn.Layers.gelu;
import static dev.modelsummary.catalog.nn.Layers.layerNormForward;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.permute;
import static dev.modelsummary.catalog.nn.Layers.relu;
import static dev.modelsummary.catalog.nn.Layers.stochasticDepth;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Linear;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * torchvision {@code models/swin_transformer.py} (0.14.1): the Swin Transformer builders, V1 ({@code swin_t/s/b})
 * and V2 ({@code swin_v2_t/s/b}).
 *
 * <p>The builders pass {@code stochastic_depth_prob} to {@code _swin_transformer} themselves, so a user's
 * {@code stochastic_depth_prob} is a TypeError in torchvision (a duplicate keyword); it is not declared.
 */
public final class SwinTransformer extends Module {
    private static final long PATCH_SIZE = 4;

    /** The public builders: embedding width, depths, heads, window and version of each. */
    public static List<Builder> builders() {
        long[] tinyDepths = {2, 2, 6, 2};
        long[] depths = {2, 2, 18, 2};
        long[] heads = {3, 6, 12, 24};
        long[] baseHeads = {4, 8, 16, 32};
        return List.of(
                builder("swin_t", new Variant(96, tinyDepths, heads, 7, false), "Swin_T_Weights", 224),
                builder("swin_s", new Variant(96, depths, heads, 7, false), "Swin_S_Weights", 224),
                builder("swin_b", new Variant(128, depths, baseHeads, 7, false), "Swin_B_Weights", 224),
                builder("swin_v2_t", new Variant(96, tinyDepths, heads, 8, true), "Swin_V2_T_Weights", 256),
                builder("swin_v2_s", new Variant(96, depths, heads, 8, true), "Swin_V2_S_Weights", 256),
                builder("swin_v2_b", new Variant(128, depths, baseHeads, 8, true), "Swin_V2_B_Weights", 256));
    }

    /**
     * What a builder fixes: {@code embed_dim}, {@code depths}, {@code num_heads}, a square {@code window_size},
     * and whether it is V2 ({@code block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2}). The patch
     * size is 4 for all.
     */
    private record Variant(long embedDim, long[] depths, long[] numHeads, long windowSize, boolean v2) {
    }

    private static Builder builder(String name, Variant variant, String weightsClass, long minSize) {
        // V1 weights crop 224, V2 256: their min_size
        Weights weights = Weights.of(weightsClass, Args.IMAGENET, minSize, "IMAGENET1K_V1", "IMAGENET1K_V1")
                .withCropSize(minSize);
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Arg.real("mlp_ratio", 4.0, "ratio of the MLP hidden width to the embedding width"),
                Arg.real("dropout", 0.0, "dropout rate (no effect on the tensors)"),
                Arg.real("attention_dropout", 0.0, "attention dropout rate (no effect on the tensors)"),
                Args.numClasses(1000));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args, kwargs -> swinTransformer(variant, kwargs));
    }

    /** {@code _swin_transformer}: weights fix num_classes; then the model. */
    private static Module swinTransformer(Variant variant, Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new SwinTransformer(variant, kwargs.real("mlp_ratio"), kwargs.real("dropout"),
                kwargs.integer("num_classes"));
    }

    /**
     * {@code SwinTransformer(patch_size=[4, 4], embed_dim, depths, num_heads, window_size, mlp_ratio,
     * num_classes, block, downsample_layer)}: {@code features} (patch embedding, then each stage followed by a
     * patch merging layer except the last), {@code norm}, {@code permute}, {@code avgpool}, {@code flatten},
     * {@code head}.
     */
    SwinTransformer(Variant variant, double mlpRatio, double dropout, long numClasses) {
        long embedDim = variant.embedDim();
        long[] depths = variant.depths();
        Sequential layers = new Sequential();
        // Patch embedding: Conv2d(3, embed_dim, kernel=stride=patch_size), Permute, LayerNorm.
        layers.append(new Sequential(conv2d(3, embedDim, PATCH_SIZE).stride(PATCH_SIZE, PATCH_SIZE),
                permute(0, 2, 3, 1), layerNormForward(embedDim)));
        for (int iStage = 0; iStage < depths.length; iStage++) {
            long dim = embedDim << iStage;
            Sequential stage = new Sequential();
            for (int iLayer = 0; iLayer < depths[iStage]; iLayer++) {
                // Odd blocks shift their windows by half a window; the shift leaves no trace in the tensors.
                stage.append(new SwinTransformerBlock(dim, variant.numHeads()[iStage], variant.windowSize(),
                        mlpRatio, dropout, variant.v2()));
            }
            layers.append(stage);
            if (iStage < depths.length - 1) {
                layers.append(new PatchMerging(dim, variant.v2()));
            }
        }
        add("features", layers);
        long numFeatures = embedDim << (depths.length - 1);
        add("norm", layerNormForward(numFeatures));
        add("permute", permute(0, 3, 1, 2));
        add("avgpool", adaptiveAvgPool2d(1, 1));
        add("flatten", flatten(1));
        add("head", linear(numFeatures, numClasses));
    }

    /** {@code forward}: features, norm, permute, avgpool, flatten, head. */
    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "features", x);
        x = call(t, "norm", x);
        x = call(t, "permute", x);
        x = call(t, "avgpool", x);
        x = call(t, "flatten", x);
        return call(t, "head", x);
    }

    /** {@code F.pad(x, pads)} of a (..., H, W, C) tensor by {@code bottom} rows and {@code right} columns. */
    private static Shape padHw(Shape x, long bottom, long right) {
        long[] dims = x.dims();
        int r = dims.length;
        if (r < 3) {
            throw new ShapeException("Padding length should be less than or equal to two times the input "
                    + "dimension but got padding length 6 and input of dimension " + r);
        }
        dims[r - 3] = Exact.add(dims[r - 3], bottom);
        dims[r - 2] = Exact.add(dims[r - 2], right);
        return Shape.of(dims);
    }

    /**
     * {@code PatchMerging(dim)}: {@code reduction} Linear(4 dim, 2 dim, no bias), then {@code norm} over 4 dim;
     * {@code PatchMergingV2} normalizes after the reduction, over 2 dim.
     */
    private static final class PatchMerging extends Module {
        private final boolean v2;

        PatchMerging(long dim, boolean v2) {
            className(v2 ? "PatchMergingV2" : "PatchMerging");
            this.v2 = v2;
            add("reduction", linear(Dims.mul(4, dim), Dims.mul(2, dim), false));
            add("norm", layerNormForward(v2 ? Dims.mul(2, dim) : Dims.mul(4, dim)));
        }

        /**
         * {@code _patch_merging_pad} (pad H and W to even, the four strided slices concatenated on the channels),
         * then norm and reduction (V2: reduction, then norm).
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            long h = x.dim(x.rank() - 3);
            long w = x.dim(x.rank() - 2);
            Shape padded = padHw(x, h % 2, w % 2);
            long[] dims = padded.dims();
            int r = dims.length;
            dims[r - 3] = (dims[r - 3] + 1) / 2;
            dims[r - 2] = (dims[r - 2] + 1) / 2;
            Shape slice = Shape.of(dims);
            x = Reshape.cat(List.of(slice, slice, slice, slice), -1);
            if (v2) {
                return call(t, "norm", call(t, "reduction", x));
            }
            return call(t, "reduction", call(t, "norm", x));
        }
    }

    /** torchvision's {@code MLP} (a Sequential): Linear, GELU, Dropout, Linear, Dropout. */
    private static final class MLP extends Sequential {
        MLP(long dim, long hidden, double dropout) {
            super(linear(dim, hidden), gelu(), dropout(dropout), linear(hidden, dim), dropout(dropout));
        }
    }

    /**
     * {@code SwinTransformerBlock} and {@code SwinTransformerBlockV2} (the same modules, applied in another
     * order): {@code norm1}, {@code attn}, {@code stochastic_depth}, {@code norm2}, and {@code mlp}, an
     * {@code MLP(dim, [int(dim * mlp_ratio), dim])} with GELU.
     */
    private static final class SwinTransformerBlock extends Module {
        private final boolean v2;

        SwinTransformerBlock(long dim, long numHeads, long windowSize, double mlpRatio, double dropout, boolean v2) {
            className(v2 ? "SwinTransformerBlockV2" : "SwinTransformerBlock");
            this.v2 = v2;
            add("norm1", layerNormForward(dim));
            add("attn", v2 ? new ShiftedWindowAttentionV2(dim, windowSize, numHeads)
                    : new ShiftedWindowAttention(dim, windowSize, numHeads));
            add("stochastic_depth", stochasticDepth());
            add("norm2", layerNormForward(dim));
            // int() truncates toward zero, as the cast does.
            long hidden = Dims.trunc(dim * mlpRatio);
            add("mlp", new MLP(dim, hidden, dropout));
        }

        /**
         * V1: {@code x + stochastic_depth(attn(norm1(x)))}, then {@code x + stochastic_depth(mlp(norm2(x)))};
         * V2 normalizes after attn and mlp instead.
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = v2 ? call(t, "norm1", call(t, "attn", x)) : call(t, "attn", call(t, "norm1", x));
            x = Reshape.broadcast(x, call(t, "stochastic_depth", y));
            y = v2 ? call(t, "norm2", call(t, "mlp", x)) : call(t, "mlp", call(t, "norm2", x));
            return Reshape.broadcast(x, call(t, "stochastic_depth", y));
        }
    }

    /**
     * {@code ShiftedWindowAttention(dim, window_size, shift_size, num_heads)}: {@code qkv} and {@code proj}
     * (both with bias), then {@code define_relative_position_bias_table} (the parameter
     * {@code relative_position_bias_table} of ((2 Wh - 1)(2 Ww - 1), heads)) and
     * {@code define_relative_position_index} (the int64 buffer {@code relative_position_index} of
     * (Wh Ww Wh Ww,)).
     */
    private static class ShiftedWindowAttention extends Module {
        final long dim;
        final long windowSize;
        final long numHeads;

        ShiftedWindowAttention(long dim, long windowSize, long numHeads) {
            this.dim = dim;
            this.windowSize = windowSize;
            this.numHeads = numHeads;
            add("qkv", linear(dim, Dims.mul(dim, 3)));
            add("proj", linear(dim, dim));
            defineRelativePositionBiasTable(windowSize, numHeads);
            long tokens = Dims.mul(windowSize, windowSize);
            buffer("relative_position_index", DType.INT64, Dims.mul(tokens, tokens));
        }

        /** {@code get_relative_position_bias()}: V1 indexes its table (no module call, no FLOPs). */
        void relativePositionBias(Trace t) {
        }

        /**
         * {@code forward}: {@code shifted_window_attention}: pad (B, H, W, C) to multiples of the window, roll,
         * partition into (B nW, Ws Ws, C) windows, qkv {@code F.linear} (qkv is not called as a module),
         * {@code q @ k^T} per head, bias and mask adds, softmax, {@code attn @ v}, proj {@code F.linear}, reverse
         * the windows and unpad: the shape is kept.
         */
        @Override
        public Shape forward(Trace t, Shape input) {
            relativePositionBias(t);
            if (input.rank() != 4) {
                throw new ShapeException("not enough values to unpack (expected 4, got " + input.rank() + ")");
            }
            long b = input.dim(0);
            long h = input.dim(1);
            long w = input.dim(2);
            long c = input.dim(3);
            long padR = (windowSize - w % windowSize) % windowSize;
            long padB = (windowSize - h % windowSize) % windowSize;
            Shape x = padHw(input, padB, padR);
            long numWindows = Exact.mul(x.dim(1) / windowSize, x.dim(2) / windowSize);
            long tokens = Exact.mul(windowSize, windowSize);
            Shape windows = Shape.of(Exact.mul(b, numWindows), tokens, c);
            t.flops(Linear.flops(windows, Exact.mul(3, c)));
            Shape q = Shape.of(windows.dim(0), numHeads, tokens, c / numHeads);
            Shape kT = Shape.of(windows.dim(0), numHeads, c / numHeads, tokens);
            Shape attn = MatMul.matmul(q, kT);
            t.flops(MatMul.matmulFlops(q, kT));
            Shape out = MatMul.matmul(attn, q);
            t.flops(MatMul.matmulFlops(attn, q));
            Shape merged = Shape.of(out.dim(0), tokens, c);
            t.flops(Linear.flops(merged, c));
            return input;
        }

        void defineRelativePositionBiasTable(long windowSize, long numHeads) {
            parameter("relative_position_bias_table", Dims.mul(Dims.span(windowSize), Dims.span(windowSize)), numHeads);
        }
    }

    /**
     * {@code ShiftedWindowAttentionV2}: its {@code define_relative_position_bias_table} registers the float32
     * buffer {@code relative_coords_table} (1, 2 Wh - 1, 2 Ww - 1, 2) instead of a parameter (the base
     * constructor calls it, so the buffer comes before {@code relative_position_index}); then the parameter
     * {@code logit_scale} (heads, 1, 1) and {@code cpb_mlp}: Linear(2, 512), ReLU, Linear(512, heads, no bias).
     */
    private static final class ShiftedWindowAttentionV2 extends ShiftedWindowAttention {
        ShiftedWindowAttentionV2(long dim, long windowSize, long numHeads) {
            super(dim, windowSize, numHeads);
            parameter("logit_scale", numHeads, 1, 1);
            add("cpb_mlp", new Sequential(linear(2, 512), relu(), linear(512, numHeads, false)));
        }

        /** {@code cpb_mlp(relative_coords_table)}: a module call; then view, index and 16 sigmoid. */
        @Override
        void relativePositionBias(Trace t) {
            call(t, "cpb_mlp", Shape.of(1, Dims.span(windowSize), Dims.span(windowSize), 2));
        }

        @Override
        void defineRelativePositionBiasTable(long windowSize, long numHeads) {
            buffer("relative_coords_table", DType.FLOAT32, 1, Dims.span(windowSize), Dims.span(windowSize), 2);
        }
    }
}
