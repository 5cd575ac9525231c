package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;

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
        long rdChannels = rdRoundFn.apply(inChs * rdRatio);
        Module se = new Module();
        se.add("conv_reduce", Layers.conv2d(inChs, rdChannels, 1, 1, true));
        se.add("act1", Layers.stateless());
        se.add("conv_expand", Layers.conv2d(rdChannels, inChs, 1, 1, true));
        se.add("gate", Layers.stateless());
        return se;
    }

    /** {@code ConvBnAct(in_chs, out_chs, kernel_size, group_size=0)}. */
    static Module convBnAct(long inChs, long outChs, long kernelSize, long groupSize) {
        long groups = numGroups(groupSize, inChs);
        Module block = new Module();
        block.add("conv", TimmLayers.createConv2d(inChs, outChs, kernelSize, groups, false));
        block.add("bn1", TimmLayers.batchNormAct2d(outChs));
        block.add("drop_path", Layers.stateless());
        return block;
    }

    /** {@code DepthwiseSeparableConv(in_chs, out_chs, dw_kernel_size, group_size=1, pw_kernel_size, se_layer)}. */
    static Module depthwiseSeparableConv(long inChs, long outChs, long dwKernelSize, long groupSize,
                                         long pwKernelSize, SeLayer seLayer) {
        long groups = numGroups(groupSize, inChs);
        Module block = new Module();
        block.add("conv_dw", TimmLayers.createConv2d(inChs, inChs, dwKernelSize, groups, false));
        block.add("bn1", TimmLayers.batchNormAct2d(inChs));
        block.add("se", seLayer != null ? seLayer.create(inChs) : Layers.stateless());
        block.add("conv_pw", TimmLayers.createConv2d(inChs, outChs, pwKernelSize));
        block.add("bn2", TimmLayers.batchNormAct2d(outChs));
        block.add("drop_path", Layers.stateless());
        return block;
    }

    /**
     * {@code InvertedResidual(in_chs, out_chs, dw_kernel_size, group_size=1, exp_ratio, exp_kernel_size,
     * pw_kernel_size, se_layer)}: the expansion to {@code make_divisible(in_chs * exp_ratio)} channels.
     */
    static Module invertedResidual(long inChs, long outChs, long dwKernelSize, long groupSize, double expRatio,
                                   long expKernelSize, long pwKernelSize, SeLayer seLayer) {
        long midChs = TimmLayers.makeDivisible(inChs * expRatio);
        long groups = numGroups(groupSize, midChs);
        Module block = new Module();
        block.add("conv_pw", TimmLayers.createConv2d(inChs, midChs, expKernelSize));
        block.add("bn1", TimmLayers.batchNormAct2d(midChs));
        block.add("conv_dw", TimmLayers.createConv2d(midChs, midChs, dwKernelSize, groups, false));
        block.add("bn2", TimmLayers.batchNormAct2d(midChs));
        block.add("se", seLayer != null ? seLayer.create(midChs) : Layers.stateless());
        block.add("conv_pwl", TimmLayers.createConv2d(midChs, outChs, pwKernelSize));
        block.add("bn3", TimmLayers.batchNormAct2d(outChs));
        block.add("drop_path", Layers.stateless());
        return block;
    }

    /**
     * {@code EdgeResidual(in_chs, out_chs, exp_kernel_size, group_size=0, force_in_chs, exp_ratio,
     * pw_kernel_size, se_layer)} (FusedMBConv).
     */
    static Module edgeResidual(long inChs, long outChs, long expKernelSize, long groupSize, long forceInChs,
                               double expRatio, long pwKernelSize, SeLayer seLayer) {
        long midChs = TimmLayers.makeDivisible((forceInChs > 0 ? forceInChs : inChs) * expRatio);
        long groups = numGroups(groupSize, inChs);
        Module block = new Module();
        block.add("conv_exp", TimmLayers.createConv2d(inChs, midChs, expKernelSize, groups, false));
        block.add("bn1", TimmLayers.batchNormAct2d(midChs));
        block.add("se", seLayer != null ? seLayer.create(midChs) : Layers.stateless());
        block.add("conv_pwl", TimmLayers.createConv2d(midChs, outChs, pwKernelSize));
        block.add("bn2", TimmLayers.batchNormAct2d(outChs));
        block.add("drop_path", Layers.stateless());
        return block;
    }
}
