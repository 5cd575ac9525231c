package dev.modelsummary.catalog.torchvision.ops;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.stateless;
import static dev.modelsummary.catalog.torchvision.ops.Misc.conv2dNormActivation;

import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.function.LongFunction;

/**
 * torchvision {@code ops/feature_pyramid_network.py} (0.14.1): {@code FeaturePyramidNetwork} and its extra
 * blocks {@code LastLevelMaxPool} and {@code LastLevelP6P7}.
 */
public final class FeaturePyramidNetwork extends Module {

    /**
     * {@code FeaturePyramidNetwork(in_channels_list, out_channels, extra_blocks, norm_layer)}: per input level a
     * 1x1 {@code inner_blocks} entry and a 3x3 {@code layer_blocks} entry, both Conv2dNormActivation without
     * activation (with a bias exactly when {@code norm} is null), then {@code extra_blocks} if any.
     */
    public FeaturePyramidNetwork(long[] inChannelsList, long outChannels, Module extraBlocks,
                                 LongFunction<Module> norm) {
        Sequential innerBlocks = add("inner_blocks", new Sequential());
        Sequential layerBlocks = add("layer_blocks", new Sequential());
        for (long inChannels : inChannelsList) {
            if (inChannels == 0) {
                throw new IllegalArgumentException("in_channels=0 is currently not supported");
            }
            innerBlocks.append(conv2dNormActivation(inChannels, outChannels, 1, 1, norm, false));
            layerBlocks.append(conv2dNormActivation(outChannels, outChannels, 3, 1, norm, false));
        }
        // self.extra_blocks = None is a plain attribute, not a child: nothing is registered then.
        if (extraBlocks != null) {
            add("extra_blocks", extraBlocks);
        }
    }

    /** {@code LastLevelMaxPool()}: a max pool on the last level; no tensors. */
    public static Module lastLevelMaxPool() {
        return stateless();
    }

    /**
     * {@code LastLevelP6P7(in_channels, out_channels)}: RetinaNet's and FCOS's P6 (3x3 stride 2 from P5 or C5)
     * and P7 (3x3 stride 2 from P6), both with bias.
     */
    public static Module lastLevelP6P7(long inChannels, long outChannels) {
        Module block = new Module();
        block.add("p6", conv2d(inChannels, outChannels, 3));
        block.add("p7", conv2d(outChannels, outChannels, 3));
        return block;
    }
}
