package dev.modelsummary.catalog.torchvision.video;

import static dev.modelsummary.catalog.nn.Layers.conv3d;
import static dev.modelsummary.catalog.nn.Layers.layerNorm;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * torchvision {@code models/video/mvit.py} (0.14.1): {@code mvit_v1_b} and {@code mvit_v2_s}.
 *
 * <p>Both builders pass {@code spatial_size=(224, 224)}, {@code temporal_size=16}, {@code residual_pool} and
 * {@code residual_with_cls_embed} to {@code _mvit} themselves (mvit_v2_s also {@code rel_pos_embed} and
 * {@code proj_after_attn}), so Python refuses a user's value for them ("got multiple values for keyword
 * argument"): they are not arguments here. The model is still built from those sizes, as {@code MViT} is.
 */
public final class MViT extends Module {
    /** An empty config list: {@code _prod([])} is 1, so no pooling. */
    private static final long[] NONE = {};
    private static final long[] K3 = {3, 3, 3};
    private static final long[] S122 = {1, 2, 2};
    private static final long[] S111 = {1, 1, 1};
    private static final long[] S144 = {1, 4, 4};
    private static final long[] S188 = {1, 8, 8};

    /** The builders' {@code spatial_size} and {@code temporal_size} (also the weights' min sizes). */
    private static final long SPATIAL_SIZE = 224;
    private static final long TEMPORAL_SIZE = 16;

    /** The public builders. */
    public static List<Builder> builders() {
        return List.of(
                Builder.of("mvit_v1_b", Task.VIDEO_CLASSIFICATION, args("MViT_V1_B_Weights", true), MViT::mvitV1B),
                Builder.of("mvit_v2_s", Task.VIDEO_CLASSIFICATION, args("MViT_V2_S_Weights", false), MViT::mvitV2S));
    }

    /** The keyword arguments; {@code rel_pos_embed} and {@code proj_after_attn} only where the builder leaves them. */
    private static List<Arg> args(String weightsClass, boolean takesV2Switches) {
        Weights weights = Weights.of(weightsClass, Args.KINETICS400, SPATIAL_SIZE, "KINETICS400_V1",
                "KINETICS400_V1");
        List<Arg> args = new ArrayList<>(List.of(Args.weights(weights), Args.progress()));
        if (takesV2Switches) {
            args.add(Arg.bool("rel_pos_embed", false,
                    "MViTv2 relative positional embeddings (rel_pos_h/w/t) instead of absolute ones"));
            args.add(Arg.bool("proj_after_attn", false,
                    "project to the output width in the attention rather than after the MLP"));
        }
        args.add(Args.numClasses(400));
        args.add(Arg.real("dropout", 0.5, "dropout rate before the head, in [0, 1] (no effect on the tensors)"));
        args.add(Arg.real("attention_dropout", 0.0,
                "dropout rate in the blocks, in [0, 1] (no effect on the tensors)"));
        args.add(Arg.real("stochastic_depth_prob", 0.2, "stochastic depth rate (no effect on the tensors)"));
        return args;
    }

    /**
     * {@code MSBlockConfig}: one block's heads, widths, and pooling kernels and strides for q and for k/v
     * (empty lists mean no pooling).
     */
    private record BlockConfig(long numHeads, long inputChannels, long outputChannels, long[] kernelQ,
                               long[] kernelKv, long[] strideQ, long[] strideKv) {
    }

    /** {@code mvit_v1_b}: 16 blocks; q is pooled in blocks 1, 3 and 14 only. */
    private static Module mvitV1B(Kwargs kwargs) {
        long[] numHeads = {1, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8};
        long[] inputChannels = {96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768, 768};
        long[] outputChannels = {192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768, 768, 768};
        long[][] kernelQ = {NONE, K3, NONE, K3, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, K3, NONE};
        long[][] kernelKv = filled(16, K3);
        long[][] strideQ = {NONE, S122, NONE, S122, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE,
            S122, NONE};
        long[][] strideKv = {S188, S144, S144, S122, S122, S122, S122, S122, S122, S122, S122, S122, S122, S122,
            S111, S111};
        List<BlockConfig> blockSetting = blockSetting(numHeads, inputChannels, outputChannels, kernelQ, kernelKv,
                strideQ, strideKv);
        return mvit(blockSetting, false, false, kwargs.bool("rel_pos_embed"), kwargs.bool("proj_after_attn"),
                kwargs);
    }

    /** {@code mvit_v2_s}: 16 blocks, every one pooling q and k/v with 3x3x3 kernels; MViTv2's switches on. */
    private static Module mvitV2S(Kwargs kwargs) {
        long[] numHeads = {1, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8};
        long[] inputChannels = {96, 96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768};
        long[] outputChannels = {96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768, 768};
        long[][] kernelQ = filled(16, K3);
        long[][] kernelKv = filled(16, K3);
        long[][] strideQ = {S111, S122, S111, S122, S111, S111, S111, S111, S111, S111, S111, S111, S111, S111,
            S122, S111};
        long[][] strideKv = {S188, S144, S144, S122, S122, S122, S122, S122, S122, S122, S122, S122, S122, S122,
            S111, S111};
        List<BlockConfig> blockSetting = blockSetting(numHeads, inputChannels, outputChannels, kernelQ, kernelKv,
                strideQ, strideKv);
        return mvit(blockSetting, true, false, true, true, kwargs);
    }

    private static long[][] filled(int n, long[] value) {
        long[][] out = new long[n][];
        Arrays.fill(out, value);
        return out;
    }

    /** The builders' loop: one {@code MSBlockConfig} per index of the config lists. */
    private static List<BlockConfig> blockSetting(long[] numHeads, long[] inputChannels, long[] outputChannels,
                                                  long[][] kernelQ, long[][] kernelKv, long[][] strideQ,
                                                  long[][] strideKv) {
        List<BlockConfig> blocks = new ArrayList<>();
        for (int i = 0; i < numHeads.length; i++) {
            blocks.add(new BlockConfig(numHeads[i], inputChannels[i], outputChannels[i], kernelQ[i], kernelKv[i],
                    strideQ[i], strideKv[i]));
        }
        return blocks;
    }

    /**
     * {@code _mvit}: weights fix num_classes (and spatial_size / temporal_size, to the values the builders
     * already pass); then the model. The Dropout layers refuse rates outside [0, 1] as they are created: the
     * blocks' (attention_dropout) before the head's (dropout).
     */
    private static Module mvit(List<BlockConfig> blockSetting, boolean residualPool, boolean residualWithClsEmbed,
                               boolean relPosEmbed, boolean projAfterAttn, Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        Layers.dropout(kwargs.real("attention_dropout"));
        Layers.dropout(kwargs.real("dropout"));
        return new MViT(new long[] {SPATIAL_SIZE, SPATIAL_SIZE}, TEMPORAL_SIZE, blockSetting, relPosEmbed,
                projAfterAttn, kwargs.integer("num_classes"));
    }

    /**
     * {@code MViT(spatial_size, temporal_size, block_setting, ..., num_classes)} with the default patch
     * embedding (kernel (3, 7, 7), stride (2, 4, 4)) and norm layer (LayerNorm). {@code residual_pool} and
     * {@code residual_with_cls_embed} only change the forward pass, so they are not parameters here.
     */
    private MViT(long[] spatialSize, long temporalSize, List<BlockConfig> blockSetting, boolean relPosEmbed,
                 boolean projAfterAttn, long numClasses) {
        long[] patchEmbedKernel = {3, 7, 7};
        long[] patchEmbedStride = {2, 4, 4};
        long embed = blockSetting.get(0).inputChannels();
        add("conv_proj", conv3d(3, embed, patchEmbedKernel[0], patchEmbedKernel[1], patchEmbedKernel[2], 1, true));

        // (T, H, W) of the patch grid: the input sizes floor-divided by the patch stride.
        long[] inputSize = {
            Math.floorDiv(temporalSize, patchEmbedStride[0]),
            Math.floorDiv(spatialSize[0], patchEmbedStride[1]),
            Math.floorDiv(spatialSize[1], patchEmbedStride[2])};
        add("pos_encoding", positionalEncoding(embed, inputSize[1], inputSize[2], inputSize[0], relPosEmbed));

        Sequential blocks = add("blocks", new Sequential());
        for (BlockConfig cnf : blockSetting) {
            blocks.append(new MultiscaleBlock(inputSize, cnf, relPosEmbed, projAfterAttn));
            // The next block sees the q-pooled grid; an empty stride_q leaves it alone.
            if (cnf.strideQ().length > 0) {
                for (int i = 0; i < inputSize.length; i++) {
                    inputSize[i] = Math.floorDiv(inputSize[i], cnf.strideQ()[i]);
                }
            }
        }
        long lastOutput = blockSetting.get(blockSetting.size() - 1).outputChannels();
        add("norm", layerNorm(lastOutput));
        add("head", new Sequential(stateless(), linear(lastOutput, numClasses)));
    }

    /**
     * {@code PositionalEncoding}: {@code class_token}, and unless relative positions are used,
     * {@code spatial_pos (H * W, embed)}, {@code temporal_pos (T, embed)} and {@code class_pos (embed,)}.
     */
    private static Module positionalEncoding(long embedSize, long spatialH, long spatialW, long temporalSize,
                                             boolean relPosEmbed) {
        return new Module() {
            {
                parameter("class_token", embedSize);
                if (!relPosEmbed) {
                    parameter("spatial_pos", Dims.mul(spatialH, spatialW), embedSize);
                    parameter("temporal_pos", temporalSize, embedSize);
                    parameter("class_pos", embedSize);
                }
            }
        };
    }

    /**
     * {@code MultiscaleBlock}: the skip connection's max pool when q is strided, norm1, norm2, attn, mlp,
     * stochastic_depth, and a Linear {@code project} when the width changes.
     */
    private static final class MultiscaleBlock extends Module {
        MultiscaleBlock(long[] inputSize, BlockConfig cnf, boolean relPosEmbed, boolean projAfterAttn) {
            if (prod(cnf.strideQ()) > 1) {
                add("pool_skip", pool(stateless(), null));
            }
            long attnDim = projAfterAttn ? cnf.outputChannels() : cnf.inputChannels();
            add("norm1", layerNorm(cnf.inputChannels()));
            add("norm2", layerNorm(attnDim));
            add("attn", new MultiscaleAttention(inputSize, cnf.inputChannels(), attnDim, cnf, relPosEmbed));
            add("mlp", Misc.mlp(attnDim, new long[] {Dims.mul(4, attnDim), cnf.outputChannels()}, null, true));
            add("stochastic_depth", stateless());
            if (cnf.inputChannels() != cnf.outputChannels()) {
                add("project", linear(cnf.inputChannels(), cnf.outputChannels()));
            }
        }
    }

    /**
     * {@code MultiscaleAttention}: the relative position tables (own parameters, so first in the state_dict),
     * {@code qkv}, {@code project} (a Linear, plus a Dropout when attention_dropout &gt; 0, which holds
     * nothing), then the q and k/v pooling when a kernel or stride is larger than 1.
     */
    private static final class MultiscaleAttention extends Module {
        MultiscaleAttention(long[] inputSize, long embedDim, long outputDim, BlockConfig cnf, boolean relPosEmbed) {
            long headDim = Math.floorDiv(outputDim, cnf.numHeads());
            add("qkv", linear(embedDim, Dims.mul(3, outputDim)));
            add("project", new Sequential(linear(outputDim, outputDim)));
            if (prod(cnf.kernelQ()) > 1 || prod(cnf.strideQ()) > 1) {
                add("pool_q", pool(poolConv(headDim, cnf.kernelQ()), layerNorm(headDim)));
            }
            if (prod(cnf.kernelKv()) > 1 || prod(cnf.strideKv()) > 1) {
                add("pool_k", pool(poolConv(headDim, cnf.kernelKv()), layerNorm(headDim)));
                add("pool_v", pool(poolConv(headDim, cnf.kernelKv()), layerNorm(headDim)));
            }
            if (relPosEmbed) {
                long size = Math.max(inputSize[1], inputSize[2]);
                long qSize = cnf.strideQ().length > 0 ? Math.floorDiv(size, cnf.strideQ()[1]) : size;
                long kvSize = cnf.strideKv().length > 0 ? Math.floorDiv(size, cnf.strideKv()[1]) : size;
                long spatialDim = Dims.span(Math.max(qSize, kvSize));
                long temporalDim = Dims.span(inputSize[0]);
                parameter("rel_pos_h", spatialDim, headDim);
                parameter("rel_pos_w", spatialDim, headDim);
                parameter("rel_pos_t", temporalDim, headDim);
            }
        }

        /** The depthwise pooling conv: {@code Conv3d(head_dim, head_dim, kernel, groups=head_dim, bias=False)}. */
        private static Module poolConv(long headDim, long[] kernel) {
            return conv3d(headDim, headDim, kernel[0], kernel[1], kernel[2], headDim, false);
        }
    }

    /** {@code Pool(pool, norm)}: the pooling layer, then {@code norm_act}, a Sequential of the norm or None. */
    private static Module pool(Module pool, Module norm) {
        Module module = new Module();
        module.add("pool", pool);
        if (norm != null) {
            module.add("norm_act", new Sequential(norm));
        }
        return module;
    }

    /** {@code _prod}: the product of a list, 1 for an empty one. */
    private static long prod(long[] values) {
        long product = 1;
        for (long v : values) {
            product = Dims.mul(product, v);
        }
        return product;
    }
}
