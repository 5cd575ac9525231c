package dev.modelsummary.catalog.torchvision.video;

import static dev.modelsummary.catalog.nn.Layers.conv3d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.gelu;
import static dev.modelsummary.catalog.nn.Layers.layerNormForward;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.maxPool3d;
import static dev.modelsummary.catalog.nn.Layers.stochasticDepth;

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
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
        double attentionDropout = kwargs.real("attention_dropout");
        double dropout = kwargs.real("dropout");
        Layers.dropout(attentionDropout);
        Layers.dropout(dropout);
        return new MViT(new long[] {SPATIAL_SIZE, SPATIAL_SIZE}, TEMPORAL_SIZE, blockSetting,
                new Switches(residualPool, residualWithClsEmbed, relPosEmbed, projAfterAttn), dropout,
                attentionDropout, kwargs.integer("num_classes"));
    }

    /** {@code MViT}'s four switches, passed to every block. */
    private record Switches(boolean residualPool, boolean residualWithClsEmbed, boolean relPosEmbed,
                            boolean projAfterAttn) {
    }

    /**
     * {@code MViT(spatial_size, temporal_size, block_setting, ..., num_classes)} with the default patch
     * embedding (kernel (3, 7, 7), stride (2, 4, 4), padding (1, 3, 3)) and norm layer (LayerNorm).
     */
    private MViT(long[] spatialSize, long temporalSize, List<BlockConfig> blockSetting, Switches switches,
                 double dropout, double attentionDropout, long numClasses) {
        long[] patchEmbedKernel = {3, 7, 7};
        long[] patchEmbedStride = {2, 4, 4};
        long[] patchEmbedPadding = {1, 3, 3};
        long embed = blockSetting.get(0).inputChannels();
        add("conv_proj", conv3d(3, embed, patchEmbedKernel[0], patchEmbedKernel[1], patchEmbedKernel[2], 1, true)
                .stride(patchEmbedStride).padding(patchEmbedPadding));

        // (T, H, W) of the patch grid: the input sizes floor-divided by the patch stride.
        long[] inputSize = {
            Math.floorDiv(temporalSize, patchEmbedStride[0]),
            Math.floorDiv(spatialSize[0], patchEmbedStride[1]),
            Math.floorDiv(spatialSize[1], patchEmbedStride[2])};
        add("pos_encoding", new PositionalEncoding(embed, inputSize[1], inputSize[2], inputSize[0],
                switches.relPosEmbed()));

        Sequential blocks = add("blocks", new Sequential());
        for (BlockConfig cnf : blockSetting) {
            blocks.append(new MultiscaleBlock(inputSize, cnf, switches, attentionDropout));
            // The next block sees the q-pooled grid; an empty stride_q leaves it alone.
            if (cnf.strideQ().length > 0) {
                for (int i = 0; i < inputSize.length; i++) {
                    inputSize[i] = Math.floorDiv(inputSize[i], cnf.strideQ()[i]);
                }
            }
        }
        long lastOutput = blockSetting.get(blockSetting.size() - 1).outputChannels();
        add("norm", layerNormForward(lastOutput));
        add("head", new Sequential(dropout(dropout), linear(lastOutput, numClasses)));
    }

    /**
     * {@code forward}: {@code _unsqueeze(x, 5, 2)} (an image becomes a one-frame clip), conv_proj, flatten(2) and
     * transpose to {@code (B, THW, C)}, pos_encoding, the blocks (a ModuleList, iterated) each taking and giving
     * {@code (x, thw)} from the grid fixed at construction, norm, the class token {@code x[:, 0]}, head.
     */
    @Override
    public Shape forward(Trace t, Shape x) {
        x = unsqueeze(x, 5, 2);
        x = call(t, "conv_proj", x);
        x = transpose(Reshape.flatten(x, 2, -1), 1, 2);
        x = call(t, "pos_encoding", x);
        PositionalEncoding pos = (PositionalEncoding) child("pos_encoding");
        long[] thw = {pos.temporalSize, pos.spatialH, pos.spatialW};
        for (Map.Entry<String, Module> block : child("blocks").childrenWithEmptyPlaces().entrySet()) {
            MultiscaleBlock b = (MultiscaleBlock) block.getValue();
            b.thw = thw;
            x = call(t, "blocks", block.getKey(), x);
            thw = b.thwOut;
        }
        x = call(t, "norm", x);
        x = Shape.of(x.dim(0), x.dim(2));
        return call(t, "head", x);
    }

    /**
     * {@code PositionalEncoding}: {@code class_token}, and unless relative positions are used,
     * {@code spatial_pos (H * W, embed)}, {@code temporal_pos (T, embed)} and {@code class_pos (embed,)}.
     */
    private static final class PositionalEncoding extends Module {
        final long spatialH;
        final long spatialW;
        final long temporalSize;
        private final long embedSize;
        private final boolean absolute;

        PositionalEncoding(long embedSize, long spatialH, long spatialW, long temporalSize, boolean relPosEmbed) {
            this.spatialH = spatialH;
            this.spatialW = spatialW;
            this.temporalSize = temporalSize;
            this.embedSize = embedSize;
            this.absolute = !relPosEmbed;
            parameter("class_token", embedSize);
            if (!relPosEmbed) {
                parameter("spatial_pos", Dims.mul(spatialH, spatialW), embedSize);
                parameter("temporal_pos", temporalSize, embedSize);
                parameter("class_pos", embedSize);
            }
        }

        /**
         * The class token expanded to {@code (B, 1, C)} and concatenated in front; then, with absolute positions,
         * the in-place add of the {@code (1, 1 + T*H*W, C)} embedding (the grid fixed at construction).
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            if (x.rank() < 1) {
                throw new ShapeException("dimension specified as 0 but tensor has no dimensions");
            }
            x = Reshape.cat(List.of(Shape.of(x.dim(0), 1, embedSize), x), 1);
            if (absolute) {
                Shape pos = Shape.of(1, Exact.add(1, Exact.product(temporalSize, spatialH, spatialW)), embedSize);
                inPlace(x, pos);
            }
            return x;
        }
    }

    /**
     * {@code MultiscaleBlock}: the skip connection's max pool when q is strided, norm1, norm2, attn, mlp,
     * stochastic_depth, and a Linear {@code project} when the width changes.
     */
    private static final class MultiscaleBlock extends Module {
        private final boolean projAfterAttn;
        /** The {@code thw} argument of the running call, and the {@code thw_new} it returns (ints, not hooked). */
        long[] thw;
        long[] thwOut;

        MultiscaleBlock(long[] inputSize, BlockConfig cnf, Switches switches, double attentionDropout) {
            this.projAfterAttn = switches.projAfterAttn();
            if (prod(cnf.strideQ()) > 1) {
                long[] kernelSkip = new long[cnf.strideQ().length];
                long[] paddingSkip = new long[kernelSkip.length];
                for (int i = 0; i < kernelSkip.length; i++) {
                    long s = cnf.strideQ()[i];
                    kernelSkip[i] = s > 1 ? s + 1 : s;
                    paddingSkip[i] = kernelSkip[i] / 2;
                }
                add("pool_skip", new Pool(maxPool3d(kernelSkip, cnf.strideQ(), paddingSkip), null));
            }
            long attnDim = projAfterAttn ? cnf.outputChannels() : cnf.inputChannels();
            add("norm1", layerNormForward(cnf.inputChannels()));
            add("norm2", layerNormForward(attnDim));
            add("attn", new MultiscaleAttention(inputSize, cnf.inputChannels(), attnDim, cnf, switches,
                    attentionDropout));
            add("mlp", new MLP(attnDim, Dims.mul(4, attnDim), cnf.outputChannels(), attentionDropout));
            add("stochastic_depth", stochasticDepth());
            if (cnf.inputChannels() != cnf.outputChannels()) {
                add("project", linear(cnf.inputChannels(), cnf.outputChannels()));
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape xNorm1 = call(t, "norm1", x);
            MultiscaleAttention attn = (MultiscaleAttention) child("attn");
            attn.thw = thw;
            Shape xAttn = call(t, "attn", xNorm1);
            long[] thwNew = attn.thwOut;
            boolean project = childrenWithEmptyPlaces().containsKey("project");
            if (project && projAfterAttn) {
                x = call(t, "project", xNorm1);
            }
            Shape xSkip = x;
            if (childrenWithEmptyPlaces().containsKey("pool_skip")) {
                Pool pool = (Pool) child("pool_skip");
                pool.thw = thw;
                xSkip = call(t, "pool_skip", x);
            }
            x = Reshape.broadcast(xSkip, call(t, "stochastic_depth", xAttn));

            Shape xNorm2 = call(t, "norm2", x);
            Shape xProj = project && !projAfterAttn ? call(t, "project", xNorm2) : x;
            Shape mlp = call(t, "mlp", xNorm2);
            thwOut = thwNew;
            return Reshape.broadcast(xProj, call(t, "stochastic_depth", mlp));
        }
    }

    /** torchvision's {@code MLP(in, [hidden, out], activation_layer=nn.GELU, dropout=dropout)}. */
    private static final class MLP extends Sequential {
        MLP(long in, long hidden, long out, double dropout) {
            super(linear(in, hidden), gelu(), dropout(dropout), linear(hidden, out), dropout(dropout));
        }
    }

    /**
     * {@code MultiscaleAttention}: the relative position tables (own parameters, so first in the state_dict),
     * {@code qkv}, {@code project} (a Linear, plus a Dropout when attention_dropout &gt; 0), then the q and k/v
     * pooling when a kernel or stride is larger than 1.
     */
    private static final class MultiscaleAttention extends Module {
        private final long numHeads;
        private final long headDim;
        private final long outputDim;
        private final boolean residualPool;
        private final boolean residualWithClsEmbed;
        private final boolean relPos;
        long[] thw;
        long[] thwOut;

        MultiscaleAttention(long[] inputSize, long embedDim, long outputDim, BlockConfig cnf, Switches switches,
                            double attentionDropout) {
            this.numHeads = cnf.numHeads();
            this.headDim = Math.floorDiv(outputDim, cnf.numHeads());
            this.outputDim = outputDim;
            this.residualPool = switches.residualPool();
            this.residualWithClsEmbed = switches.residualWithClsEmbed();
            this.relPos = switches.relPosEmbed();
            add("qkv", linear(embedDim, Dims.mul(3, outputDim)));
            Sequential project = add("project", new Sequential(linear(outputDim, outputDim)));
            if (attentionDropout > 0.0) {
                project.append(dropout(attentionDropout));
            }
            if (prod(cnf.kernelQ()) > 1 || prod(cnf.strideQ()) > 1) {
                add("pool_q", new Pool(poolConv(headDim, cnf.kernelQ(), cnf.strideQ()), layerNormForward(headDim)));
            }
            if (prod(cnf.kernelKv()) > 1 || prod(cnf.strideKv()) > 1) {
                add("pool_k", new Pool(poolConv(headDim, cnf.kernelKv(), cnf.strideKv()),
                        layerNormForward(headDim)));
                add("pool_v", new Pool(poolConv(headDim, cnf.kernelKv(), cnf.strideKv()),
                        layerNormForward(headDim)));
            }
            if (relPos) {
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

        /**
         * The depthwise pooling conv: {@code Conv3d(head_dim, head_dim, kernel, stride, padding=kernel // 2,
         * groups=head_dim, bias=False)}.
         */
        private static Module poolConv(long headDim, long[] kernel, long[] stride) {
            long[] padding = new long[kernel.length];
            for (int i = 0; i < kernel.length; i++) {
                padding[i] = kernel[i] / 2;
            }
            return conv3d(headDim, headDim, kernel[0], kernel[1], kernel[2], headDim, false)
                    .stride(stride.length == 0 ? new long[] {1} : stride).padding(padding);
        }

        /**
         * {@code qkv(x)} reshaped to {@code (B, N, 3, heads, head_dim)}, transposed and unbound into q, k, v of
         * {@code (B, heads, N, head_dim)}; pool_k, pool_v, pool_q (in that order); {@code (scaler * q) @ k^T}; the
         * relative positions (two einsums and a matmul, each a bmm); softmax; {@code attn @ v}; the residual
         * pooling add; transpose and reshape to {@code (B, N_q, out)}; project.
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            if (x.rank() != 3) {
                throw new ShapeException(x.rank() < 3 ? "not enough values to unpack (expected 3, got "
                        + x.rank() + ")" : "too many values to unpack (expected 3)");
            }
            long b = x.dim(0);
            long n = x.dim(1);
            Shape qkv = call(t, "qkv", x);
            if (Exact.product(numHeads, headDim) != outputDim) {
                throw new ShapeException("shape '[" + b + ", " + n + ", 3, " + numHeads + ", " + headDim
                        + "]' is invalid for input of size " + Exact.numel(qkv));
            }
            Shape q = Shape.of(b, numHeads, n, headDim);
            Shape k = q;
            Shape v = q;
            long[] qThw = thw;
            long[] kThw = thw;
            if (childrenWithEmptyPlaces().containsKey("pool_k")) {
                Pool pool = (Pool) child("pool_k");
                pool.thw = thw;
                k = call(t, "pool_k", k);
                kThw = pool.thwOut;
            }
            if (childrenWithEmptyPlaces().containsKey("pool_v")) {
                ((Pool) child("pool_v")).thw = thw;
                v = call(t, "pool_v", v);
            }
            if (childrenWithEmptyPlaces().containsKey("pool_q")) {
                Pool pool = (Pool) child("pool_q");
                pool.thw = thw;
                q = call(t, "pool_q", q);
                qThw = pool.thwOut;
            }
            Shape kT = transpose(k, 2, 3);
            Shape attn = MatMul.matmul(q, kT);
            t.flops(MatMul.matmulFlops(q, kT));
            if (relPos) {
                // einsum bythwc,hkc->bythwk for h and w: bmm's of (q_h, B*H*q_t*q_w, c) @ (q_h, c, k_h) and the
                // w analogue; matmul (q_t, B*H*q_h*q_w, c) @ (q_t, c, k_t).
                long rows = Exact.product(b, numHeads, qThw[0], qThw[1], qThw[2]);
                if (Exact.add(1, Exact.product(qThw[0], qThw[1], qThw[2])) != q.dim(2)) {
                    throw new ShapeException("shape '[" + b + ", " + numHeads + ", " + qThw[0] + ", " + qThw[1]
                            + ", " + qThw[2] + ", " + headDim + "]' is invalid for input of size "
                            + Exact.product(b, numHeads, q.dim(2) - 1, headDim));
                }
                t.flops(Exact.product(2, rows, headDim, kThw[1]));
                t.flops(Exact.product(2, rows, headDim, kThw[2]));
                t.flops(Exact.product(2, rows, headDim, kThw[0]));
            }
            Shape out = MatMul.matmul(attn, v);
            t.flops(MatMul.matmulFlops(attn, v));
            if (residualPool) {
                // x.add_(q) or x[:, :, 1:, :] += q[:, :, 1:, :]: in place, so the broadcast must keep x's shape.
                Shape qPart = residualWithClsEmbed ? q : Shape.of(q.dim(0), q.dim(1), q.dim(2) - 1, q.dim(3));
                Shape xPart = residualWithClsEmbed ? out
                        : Shape.of(out.dim(0), out.dim(1), out.dim(2) - 1, out.dim(3));
                inPlace(xPart, qPart);
            }
            thwOut = qThw;
            out = Shape.of(b, out.dim(2), outputDim);
            return call(t, "project", out);
        }
    }

    /**
     * {@code Pool(pool, norm)}: the pooling layer, then {@code norm_act}, a Sequential of the norm or None. Its
     * forward takes {@code (x, thw)} and gives {@code (x, (T, H, W))}: the class token split off, the rest
     * reshaped to {@code (B * N, C, T, H, W)}, pooled, reshaped back, the token put back in front, then norm_act.
     */
    private static final class Pool extends Module {
        long[] thw;
        long[] thwOut;

        Pool(Module pool, Module norm) {
            add("pool", pool);
            if (norm != null) {
                add("norm_act", new Sequential(norm));
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            int tensorDim = x.rank();
            x = unsqueeze(x, 4, 1);
            long b = x.dim(0);
            long n = x.dim(1);
            long tokens = x.dim(2);
            long c = x.dim(3);
            long rest = Math.max(0, tokens - 1);
            long size = Exact.product(b, n, rest, c);
            long[] target = {Exact.mul(b, n), c, thw[0], thw[1], thw[2]};
            if (Exact.product(target) != size) {
                throw new ShapeException("shape '" + Arrays.toString(target).replace(" ", "").replace(",", ", ")
                        + "' is invalid for input of size " + size);
            }
            Shape pooled = call(t, "pool", Shape.of(target));
            thwOut = new long[] {pooled.dim(2), pooled.dim(3), pooled.dim(4)};
            Shape y = Shape.of(b, n, Exact.add(1, Exact.product(thwOut)), pooled.dim(1));
            if (childrenWithEmptyPlaces().containsKey("norm_act")) {
                y = call(t, "norm_act", y);
            }
            return tensorDim == 3 ? Shape.of(y.dim(0), y.dim(2), y.dim(3)) : y;
        }
    }

    /** {@code _unsqueeze(x, target_dim, expand_dim)}: one dim short gets a 1 at {@code expand_dim}. */
    private static Shape unsqueeze(Shape x, int targetDim, int expandDim) {
        if (x.rank() == targetDim - 1) {
            long[] d = new long[targetDim];
            for (int i = 0, j = 0; i < targetDim; i++) {
                d[i] = i == expandDim ? 1 : x.dim(j++);
            }
            return Shape.of(d);
        }
        if (x.rank() != targetDim) {
            throw new ShapeException("Unsupported input dimension torch.Size("
                    + Arrays.toString(x.dims()) + ")");
        }
        return x;
    }

    private static Shape transpose(Shape x, int a, int b) {
        long[] d = x.dims().clone();
        long tmp = d[a];
        d[a] = d[b];
        d[b] = tmp;
        return Shape.of(d);
    }

    /** {@code x.add_(y)}: y broadcasts to x's shape, which the in-place op cannot change. */
    private static void inPlace(Shape x, Shape y) {
        Shape out = Reshape.broadcast(x, y);
        if (!out.equals(x)) {
            throw new ShapeException("output with shape " + Arrays.toString(x.dims()) + " doesn't match the"
                    + " broadcast shape " + Arrays.toString(out.dims()));
        }
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
