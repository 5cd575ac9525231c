package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.layerNorm;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.model.DType;
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
        Weights weights = Weights.of(weightsClass, Args.IMAGENET, minSize, "IMAGENET1K_V1", "IMAGENET1K_V1");
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
        return new SwinTransformer(variant, kwargs.real("mlp_ratio"), kwargs.integer("num_classes"));
    }

    /**
     * {@code SwinTransformer(patch_size=[4, 4], embed_dim, depths, num_heads, window_size, mlp_ratio,
     * num_classes, block, downsample_layer)}: {@code features} (patch embedding, then each stage followed by a
     * patch merging layer except the last), {@code norm}, {@code permute}, {@code avgpool}, {@code flatten},
     * {@code head}.
     */
    SwinTransformer(Variant variant, double mlpRatio, long numClasses) {
        long embedDim = variant.embedDim();
        long[] depths = variant.depths();
        Sequential layers = new Sequential();
        // Patch embedding: Conv2d(3, embed_dim, kernel=stride=patch_size), Permute, LayerNorm.
        layers.append(new Sequential(conv2d(3, embedDim, PATCH_SIZE), stateless(), layerNorm(embedDim)));
        for (int iStage = 0; iStage < depths.length; iStage++) {
            long dim = embedDim << iStage;
            Sequential stage = new Sequential();
            for (int iLayer = 0; iLayer < depths[iStage]; iLayer++) {
                // Odd blocks shift their windows by half a window; the shift leaves no trace in the tensors.
                stage.append(new SwinTransformerBlock(dim, variant.numHeads()[iStage], variant.windowSize(),
                        mlpRatio, variant.v2()));
            }
            layers.append(stage);
            if (iStage < depths.length - 1) {
                layers.append(patchMerging(dim, variant.v2()));
            }
        }
        add("features", layers);
        long numFeatures = embedDim << (depths.length - 1);
        add("norm", layerNorm(numFeatures));
        add("permute", stateless());
        add("avgpool", stateless());
        add("flatten", stateless());
        add("head", linear(numFeatures, numClasses));
    }

    /**
     * {@code PatchMerging(dim)}: {@code reduction} Linear(4 dim, 2 dim, no bias), then {@code norm} over 4 dim;
     * {@code PatchMergingV2} normalizes after the reduction, over 2 dim.
     */
    private static Module patchMerging(long dim, boolean v2) {
        Module merging = new Module();
        merging.add("reduction", linear(Dims.mul(4, dim), Dims.mul(2, dim), false));
        merging.add("norm", layerNorm(v2 ? Dims.mul(2, dim) : Dims.mul(4, dim)));
        return merging;
    }

    /**
     * {@code SwinTransformerBlock} and {@code SwinTransformerBlockV2} (the same modules, applied in another
     * order): {@code norm1}, {@code attn}, {@code stochastic_depth}, {@code norm2}, and {@code mlp}, an
     * {@code MLP(dim, [int(dim * mlp_ratio), dim])} with GELU.
     */
    private static final class SwinTransformerBlock extends Module {
        SwinTransformerBlock(long dim, long numHeads, long windowSize, double mlpRatio, boolean v2) {
            add("norm1", layerNorm(dim));
            add("attn", v2 ? new ShiftedWindowAttentionV2(dim, windowSize, numHeads)
                    : new ShiftedWindowAttention(dim, windowSize, numHeads));
            add("stochastic_depth", stateless());
            add("norm2", layerNorm(dim));
            // int() truncates toward zero, as the cast does.
            long hidden = Dims.trunc(dim * mlpRatio);
            add("mlp", Misc.mlp(dim, new long[] {hidden, dim}, null, true));
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
        ShiftedWindowAttention(long dim, long windowSize, long numHeads) {
            add("qkv", linear(dim, Dims.mul(dim, 3)));
            add("proj", linear(dim, dim));
            defineRelativePositionBiasTable(windowSize, numHeads);
            long tokens = Dims.mul(windowSize, windowSize);
            buffer("relative_position_index", DType.INT64, Dims.mul(tokens, tokens));
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
            add("cpb_mlp", new Sequential(linear(2, 512), stateless(), linear(512, numHeads, false)));
        }

        @Override
        void defineRelativePositionBiasTable(long windowSize, long numHeads) {
            buffer("relative_coords_table", DType.FLOAT32, 1, Dims.span(windowSize), Dims.span(windowSize), 2);
        }
    }
}
