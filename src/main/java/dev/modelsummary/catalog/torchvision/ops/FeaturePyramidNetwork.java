package dev.modelsummary.catalog.torchvision.ops;

import static dev.modelsummary.catalog.nn.Layers.conv2d;

import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code ops/feature_pyramid_network.py} (0.14.1): {@code FeaturePyramidNetwork} and its extra
 * blocks {@code LastLevelMaxPool} and {@code LastLevelP6P7}, with their forwards on shapes.
 */
public final class FeaturePyramidNetwork extends Module {

    /**
     * {@code FeaturePyramidNetwork(in_channels_list, out_channels, extra_blocks, norm_layer)}: per input level a
     * 1x1 {@code inner_blocks} entry and a 3x3 {@code layer_blocks} entry (padding 1), both Conv2dNormActivation
     * without activation (with a bias exactly when {@code norm} is null), then {@code extra_blocks} if any.
     */
    public FeaturePyramidNetwork(long[] inChannelsList, long outChannels, Module extraBlocks,
                                 LongFunction<Module> norm) {
        Sequential innerBlocks = add("inner_blocks", new Sequential());
        Sequential layerBlocks = add("layer_blocks", new Sequential());
        for (long inChannels : inChannelsList) {
            if (inChannels == 0) {
                throw new IllegalArgumentException("in_channels=0 is currently not supported");
            }
            innerBlocks.append(Misc.conv2dNormActivation(inChannels, outChannels, 1, 1, 1, norm, null, 1));
            layerBlocks.append(Misc.conv2dNormActivation(outChannels, outChannels, 3, 1, 1, norm, null, 1));
        }
        // self.extra_blocks = None is a plain attribute, not a child: nothing is registered then.
        if (extraBlocks != null) {
            add("extra_blocks", extraBlocks);
        }
    }

    /**
     * {@code forward(x)} on the backbone's feature maps (the dict's values, in order): the top-down pathway
     * (inner block of the last level, then for each lower level its inner block plus the nearest-upsampled
     * level above, each through its layer block), then {@code extra_blocks(results, x, names)}. The levels'
     * shapes, lowest first, extra levels last.
     */
    @Override
    public List<Shape> forwardOutputs(Trace t, List<Shape> x) {
        int last = x.size() - 1;
        Shape lastInner = call(t, "inner_blocks", Integer.toString(last), x.get(last));
        List<Shape> results = new ArrayList<>();
        results.add(call(t, "layer_blocks", Integer.toString(last), lastInner));
        for (int idx = last - 1; idx >= 0; idx--) {
            Shape innerLateral = call(t, "inner_blocks", Integer.toString(idx), x.get(idx));
            // F.interpolate(last_inner, size=feat_shape, mode="nearest"): last_inner's N, C at the lateral's H, W
            Shape topDown = Shape.of(lastInner.dim(0), lastInner.dim(1), innerLateral.dim(2), innerLateral.dim(3));
            lastInner = Reshape.broadcast(innerLateral, topDown);
            results.add(0, call(t, "layer_blocks", Integer.toString(idx), lastInner));
        }
        Module extra = childrenWithEmptyPlaces().get("extra_blocks");
        if (extra != null) {
            List<Shape> both = new ArrayList<>(results);
            both.addAll(x);
            results = callOutputs(t, "extra_blocks", both);
        }
        return results;
    }

    /** {@code LastLevelMaxPool()}: no tensors; adds {@code F.max_pool2d(x[-1], 1, 2, 0)} as level "pool". */
    public static Module lastLevelMaxPool() {
        return new LastLevelMaxPool();
    }

    /** {@code LastLevelMaxPool}; its input is the FPN's results, then the backbone's maps (as many). */
    public static final class LastLevelMaxPool extends Module {
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> pc) {
            List<Shape> p = new ArrayList<>(pc.subList(0, pc.size() / 2));
            p.add(Pool.output(p.get(p.size() - 1), new long[] {1, 1}, new long[] {2}, new long[] {0},
                    new long[] {1}, false));
            return p;
        }
    }

    /**
     * {@code LastLevelP6P7(in_channels, out_channels)}: RetinaNet's and FCOS's P6 (3x3 stride 2 padding 1, from
     * P5 when {@code in_channels == out_channels}, else from C5) and P7 (the same on {@code relu(P6)}), both
     * with bias.
     */
    public static Module lastLevelP6P7(long inChannels, long outChannels) {
        return new LastLevelP6P7(inChannels, outChannels);
    }

    /** {@code LastLevelP6P7}; its input is the FPN's results, then the backbone's maps (as many). */
    public static final class LastLevelP6P7 extends Module {
        private final boolean useP5;

        LastLevelP6P7(long inChannels, long outChannels) {
            add("p6", conv2d(inChannels, outChannels, 3).stride(2).padding(1));
            add("p7", conv2d(outChannels, outChannels, 3).stride(2).padding(1));
            this.useP5 = inChannels == outChannels;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> pc) {
            List<Shape> p = new ArrayList<>(pc.subList(0, pc.size() / 2));
            Shape x = useP5 ? p.get(p.size() - 1) : pc.get(pc.size() - 1);
            Shape p6 = call(t, "p6", x);
            Shape p7 = call(t, "p7", p6); // F.relu(p6): functional, no call
            p.add(p6);
            p.add(p7);
            return p;
        }
    }
}
