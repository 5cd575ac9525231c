package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;

/**
 * timm 0.9.7 {@code models/_efficientnet_blocks.py}: the blocks of EfficientNet, MobileNetV2/V3 and kin, as
 * modules registering what the Python classes register, in their order. Activations, drop path and the
 * {@code nn.Identity} places hold no tensors.
 */
final class EfficientNetBlocks {
    private EfficientNetBlocks() {
    }

    /** A squeeze-excite factory bound as the builder binds it ({@code partial(se_layer, rd_ratio=...)}). */
    @FunctionalInterface
    interface SeLayer {
        Module create(long inChs);
    }

    /** How a squeeze-excite layer rounds its reduced channels ({@code rd_round_fn}). */
    @FunctionalInterface
    interface RoundFn {
        long apply(double channels);
    }

    /** Python's built-in {@code round(float)}: to nearest, ties to even. */
    static final RoundFn PYTHON_ROUND = Dims::round;

    /** {@code num_groups(group_size, channels)}. */
    static long numGroups(long groupSize, long channels) {
        if (groupSize == 0) {
            return 1;
        }
        if (channels % groupSize != 0) {
            throw new IllegalArgumentException("channels must be divisible by group_size");
        }
        return channels / groupSize;
    }

    /**
     * {@code SqueezeExcite(in_chs, rd_ratio, rd_round_fn=...)}: {@code conv_reduce} (1x1, bias) to
     * {@code rd_round_fn(in_chs * rd_ratio)} channels, then {@code conv_expand} back.
     */
    static Module squeezeExcite(long inChs, double rdRatio, RoundFn rdRoundFn) {
        return new SqueezeExcite(inChs, rdRatio, rdRoundFn);
    }

    /**
     * {@code SqueezeExcite(in_chs, rd_ratio, rd_round_fn, act_layer=nn.ReLU, gate_layer=nn.Sigmoid)}: the mean
     * over H and W, {@code conv_reduce}, {@code act1}, {@code conv_expand}, then {@code x * gate(x_se)}.
     */
    static final class SqueezeExcite extends Module {
        /** {@code force_act_layer}: when set, {@code act1} is it whatever the block's activation. */
        private final boolean forcedAct;

        SqueezeExcite(long inChs, double rdRatio, RoundFn rdRoundFn) {
            this(inChs, rdRatio, rdRoundFn, "Sigmoid", null);
        }

        /**
         * {@code SqueezeExcite(in_chs, rd_ratio, rd_round_fn, gate_layer=gateClass, force_act_layer=forceAct)}
         * ({@code forceAct} null: none); the torch classes of the gate and the forced activation.
         */
        SqueezeExcite(long inChs, double rdRatio, RoundFn rdRoundFn, String gateClass, String forceAct) {
            long rdChannels = rdRoundFn.apply(inChs * rdRatio);
            forcedAct = forceAct != null;
            add("conv_reduce", Layers.conv2d(inChs, rdChannels, 1, 1, true));
            add("act1", Layers.activation(forcedAct ? forceAct : "ReLU"));
            add("conv_expand", Layers.conv2d(rdChannels, inChs, 1, 1, true));
            add("gate", Layers.activation(gateClass));
        }

        /**
         * The block's {@code se_layer(chs, act_layer=act_layer)}: {@code act1} becomes the block's activation,
         * unless {@code force_act_layer} overrides it.
         */
        Module withAct(String actClass) {
            if (!forcedAct) {
                replace("act1", Layers.activation(actClass));
            }
            return this;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            long[] d = x.dims().clone();
            d[2] = 1;
            d[3] = 1;
            Shape xSe = Shape.of(d); // x.mean((2, 3), keepdim=True)
            xSe = call(t, "conv_reduce", xSe);
            xSe = call(t, "act1", xSe);
            xSe = call(t, "conv_expand", xSe);
            return Reshape.broadcast(x, call(t, "gate", xSe));
        }
    }

    /** The block's {@code se_layer(chs, act_layer=act_layer)}, or an {@code nn.Identity}. */
    private static Module se(SeLayer seLayer, long chs, String actClass) {
        if (seLayer == null) {
            return Layers.activation("Identity");
        }
        Module se = seLayer.create(chs);
        return se instanceof SqueezeExcite s && actClass != null ? s.withAct(actClass) : se;
    }

    /** A timm block of {@code _efficientnet_blocks.py}: its layers in order, then the residual when {@code has_skip}. */
    static final class Block extends Module {
        private final boolean hasSkip;

        Block(String torchClass, boolean hasSkip) {
            className(torchClass);
            this.hasSkip = hasSkip;
        }

        /**
         * Each block's forward calls its layers in the order they are registered (every one but {@code drop_path}),
         * then {@code drop_path(x) + shortcut} when it has a skip.
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            Shape shortcut = x;
            for (String name : childrenWithEmptyPlaces().keySet()) {
                if (!name.equals("drop_path")) {
                    x = call(t, name, x);
                }
            }
            if (hasSkip) {
                x = Reshape.broadcast(call(t, "drop_path", x), shortcut);
            }
            return x;
        }
    }

    /** {@code ConvBnAct(in_chs, out_chs, kernel_size, group_size=0)}. */
    static Module convBnAct(long inChs, long outChs, long kernelSize, long stride, long groupSize, String act,
                            boolean noskip) {
        long groups = numGroups(groupSize, inChs);
        Block block = new Block("ConvBnAct", skip(inChs, outChs, stride, noskip));
        block.add("conv", TimmLayers.createConv2d(inChs, outChs, kernelSize, stride, 1, groups, false));
        block.add("bn1", TimmLayers.batchNormAct2d(outChs, act));
        block.add("drop_path", Layers.activation("Identity"));
        return block;
    }

    /** {@code has_skip = (in_chs == out_chs and stride == 1) and not noskip}. */
    private static boolean skip(long inChs, long outChs, long stride, boolean noskip) {
        return inChs == outChs && stride == 1 && !noskip;
    }

    /** {@code DepthwiseSeparableConv(in_chs, out_chs, dw_kernel_size, group_size=1, pw_kernel_size, se_layer)}. */
    static Module depthwiseSeparableConv(long inChs, long outChs, long dwKernelSize, long stride, long groupSize,
                                         long pwKernelSize, SeLayer seLayer, String act, boolean noskip,
                                         boolean pwAct) {
        long groups = numGroups(groupSize, inChs);
        Block block = new Block("DepthwiseSeparableConv", skip(inChs, outChs, stride, noskip));
        block.add("conv_dw", TimmLayers.createConv2d(inChs, inChs, dwKernelSize, stride, 1, groups, false));
        block.add("bn1", TimmLayers.batchNormAct2d(inChs, act));
        block.add("se", se(seLayer, inChs, act));
        block.add("conv_pw", TimmLayers.createConv2d(inChs, outChs, pwKernelSize, 1, 1, 1, false));
        block.add("bn2", TimmLayers.batchNormAct2d(outChs, pwAct ? act : "Identity"));
        block.add("drop_path", Layers.activation("Identity"));
        return block;
    }

    /**
     * {@code InvertedResidual(in_chs, out_chs, dw_kernel_size, group_size=1, exp_ratio, exp_kernel_size,
     * pw_kernel_size, se_layer)}: the expansion to {@code make_divisible(in_chs * exp_ratio)} channels.
     */
    static Module invertedResidual(long inChs, long outChs, long dwKernelSize, long stride, long groupSize,
                                   double expRatio, long expKernelSize, long pwKernelSize, SeLayer seLayer,
                                   String act, boolean noskip) {
        long midChs = TimmLayers.makeDivisible(inChs * expRatio);
        long groups = numGroups(groupSize, midChs);
        Block block = new Block("InvertedResidual", skip(inChs, outChs, stride, noskip));
        block.add("conv_pw", TimmLayers.createConv2d(inChs, midChs, expKernelSize, 1, 1, 1, false));
        block.add("bn1", TimmLayers.batchNormAct2d(midChs, act));
        block.add("conv_dw", TimmLayers.createConv2d(midChs, midChs, dwKernelSize, stride, 1, groups, false));
        block.add("bn2", TimmLayers.batchNormAct2d(midChs, act));
        block.add("se", se(seLayer, midChs, act));
        block.add("conv_pwl", TimmLayers.createConv2d(midChs, outChs, pwKernelSize, 1, 1, 1, false));
        block.add("bn3", TimmLayers.batchNormAct2d(outChs, "Identity"));
        block.add("drop_path", Layers.activation("Identity"));
        return block;
    }

    /**
     * {@code EdgeResidual(in_chs, out_chs, exp_kernel_size, group_size=0, force_in_chs, exp_ratio,
     * pw_kernel_size, se_layer)} (FusedMBConv).
     */
    static Module edgeResidual(long inChs, long outChs, long expKernelSize, long stride, long groupSize,
                               long forceInChs, double expRatio, long pwKernelSize, SeLayer seLayer, String act,
                               boolean noskip) {
        long midChs = TimmLayers.makeDivisible((forceInChs > 0 ? forceInChs : inChs) * expRatio);
        long groups = numGroups(groupSize, inChs);
        Block block = new Block("EdgeResidual", skip(inChs, outChs, stride, noskip));
        block.add("conv_exp", TimmLayers.createConv2d(inChs, midChs, expKernelSize, stride, 1, groups, false));
        block.add("bn1", TimmLayers.batchNormAct2d(midChs, act));
        block.add("se", se(seLayer, midChs, act));
        block.add("conv_pwl", TimmLayers.createConv2d(midChs, outChs, pwKernelSize, 1, 1, 1, false));
        block.add("bn2", TimmLayers.batchNormAct2d(outChs, "Identity"));
        block.add("drop_path", Layers.activation("Identity"));
        return block;
    }
}
