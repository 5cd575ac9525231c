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
                    kwargs.integer("mlp_ratio"), kwargs.integer("num_classes"));
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
    MaxVit(double squeezeRatio, double expansionRatio, long mlpRatio, long numClasses) {
        // Conv 3x3 stride 2 with BN and GELU (no bias), then a plain 3x3 conv with bias.
        add("stem", new Sequential(
                Misc.convNormActivation(3, STEM_CHANNELS, new long[] {3, 3}, 1, Misc.BATCH_NORM, true, false),
                Misc.convNormActivation(STEM_CHANNELS, STEM_CHANNELS, new long[] {3, 3}, 1, null, false, true)));
        Sequential blocks = add("blocks", new Sequential());
        long inChannels = STEM_CHANNELS;
        for (int i = 0; i < BLOCK_CHANNELS.length; i++) {
            blocks.append(maxVitBlock(inChannels, BLOCK_CHANNELS[i], squeezeRatio, expansionRatio, mlpRatio,
                    BLOCK_LAYERS[i]));
            inChannels = BLOCK_CHANNELS[i];
        }
        long last = BLOCK_CHANNELS[BLOCK_CHANNELS.length - 1];
        // AdaptiveAvgPool2d, Flatten, LayerNorm, Linear, Tanh, Linear without bias.
        add("classifier", new Sequential(stateless(), stateless(), layerNorm(last), linear(last, last), stateless(),
                linear(last, numClasses, false)));
    }

    /**
     * {@code MaxVitBlock}: {@code layers}, a ModuleList of MaxVitLayer; only the first one changes the width
     * (and has stride 2).
     */
    private static Module maxVitBlock(long inChannels, long outChannels, double squeezeRatio, double expansionRatio,
                                      long mlpRatio, long numLayers) {
        Module block = new Module();
        Sequential layers = block.add("layers", new Sequential());
        for (int idx = 0; idx < numLayers; idx++) {
            layers.append(maxVitLayer(idx == 0 ? inChannels : outChannels, outChannels, idx == 0 ? 2 : 1,
                    squeezeRatio, expansionRatio, mlpRatio));
        }
        return block;
    }

    /**
     * {@code MaxVitLayer}: {@code layers}, a Sequential of {@code MBconv}, {@code window_attention} and
     * {@code grid_attention} (the two partition types register the same tensors).
     */
    private static Module maxVitLayer(long inChannels, long outChannels, long stride, double squeezeRatio,
                                      double expansionRatio, long mlpRatio) {
        Sequential layers = new Sequential();
        layers.add("MBconv", new MBConv(inChannels, outChannels, expansionRatio, squeezeRatio, stride));
        layers.add("window_attention", new PartitionAttentionLayer(outChannels, mlpRatio));
        layers.add("grid_attention", new PartitionAttentionLayer(outChannels, mlpRatio));
        Module layer = new Module();
        layer.add("layers", layers);
        return layer;
    }

    /**
     * {@code MBConv}: {@code proj} (Identity, or a Sequential of [AvgPool2d when stride is 2,] a 1x1 conv with
     * bias when the stride or width changes), {@code stochastic_depth} (StochasticDepth or Identity), and
     * {@code layers}: {@code pre_norm}, {@code conv_a} (1x1), {@code conv_b} (depthwise 3x3),
     * {@code squeeze_excitation}, {@code conv_c} (1x1 with bias).
     */
    private static final class MBConv extends Module {
        MBConv(long inChannels, long outChannels, double expansionRatio, double squeezeRatio, long stride) {
            if (stride != 1 || inChannels != outChannels) {
                Sequential proj = new Sequential();
                if (stride == 2) {
                    proj.append(stateless());
                }
                proj.append(conv2d(inChannels, outChannels, 1));
                add("proj", proj);
            } else {
                add("proj", stateless());
            }
            // int() truncates toward zero, as the casts do.
            long midChannels = Dims.trunc(outChannels * expansionRatio);
            long sqzChannels = Dims.trunc(outChannels * squeezeRatio);
            add("stochastic_depth", stateless());
            Sequential layers = new Sequential();
            layers.add("pre_norm", Misc.BATCH_NORM.apply(inChannels));
            layers.add("conv_a", Misc.conv2dNormActivation(inChannels, midChannels, 1, 1, Misc.BATCH_NORM, true));
            layers.add("conv_b", Misc.conv2dNormActivation(midChannels, midChannels, 3, midChannels,
                    Misc.BATCH_NORM, true));
            layers.add("squeeze_excitation", Misc.squeezeExcitation(midChannels, sqzChannels));
            layers.add("conv_c", conv2d(midChannels, outChannels, 1));
            add("layers", layers);
        }
    }

    /**
     * {@code PartitionAttentionLayer}: the parameter-free partition/departition ops and swaps, {@code attn_layer}
     * (LayerNorm, attention, Dropout), {@code mlp_layer} (LayerNorm, Linear up by mlp_ratio, GELU, Linear down,
     * Dropout) and {@code stochastic_dropout}. Window and grid layers differ only in how they partition.
     */
    private static final class PartitionAttentionLayer extends Module {
        PartitionAttentionLayer(long inChannels, long mlpRatio) {
            add("partition_op", stateless());
            add("departition_op", stateless());
            add("partition_swap", stateless());
            add("departition_swap", stateless());
            add("attn_layer", new Sequential(layerNorm(inChannels),
                    new RelativePositionalMultiHeadAttention(inChannels, HEAD_DIM, PARTITION_SIZE * PARTITION_SIZE),
                    stateless()));
            add("mlp_layer", new Sequential(layerNorm(inChannels), linear(inChannels, Dims.mul(inChannels, mlpRatio)),
                    stateless(), linear(Dims.mul(inChannels, mlpRatio), inChannels), stateless()));
            add("stochastic_dropout", stateless());
        }
    }

    /**
     * {@code RelativePositionalMultiHeadAttention(feat_dim, head_dim, max_seq_len)}: {@code to_qkv},
     * {@code merge}, the parameter {@code relative_position_bias_table} ((2 size - 1)^2, heads) and the int64
     * buffer {@code relative_position_index} (size^2, size^2), where size = int(sqrt(max_seq_len)).
     */
    private static final class RelativePositionalMultiHeadAttention extends Module {
        RelativePositionalMultiHeadAttention(long featDim, long headDim, long maxSeqLen) {
            // Its ValueError for feat_dim not divisible by head_dim cannot happen: maxvit_t fixes both.
            long nHeads = featDim / headDim;
            long size = (long) Math.sqrt(maxSeqLen);
            add("to_qkv", linear(featDim, Dims.mul(nHeads, headDim, 3)));
            add("merge", linear(Dims.mul(headDim, nHeads), featDim));
            parameter("relative_position_bias_table", Dims.mul(Dims.span(size), Dims.span(size)), nHeads);
            buffer("relative_position_index", DType.INT64, Dims.mul(size, size), Dims.mul(size, size));
        }
    }
}
