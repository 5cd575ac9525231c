package dev.modelsummary.catalog.torchvision.opticalflow;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/optical_flow/raft.py} (0.14.1): {@code raft_large} and {@code raft_small}.
 *
 * <p>The builders take {@code weights} and {@code progress} only. Their configuration ({@code
 * feature_encoder_layers}, {@code corr_block_radius}, ...) is passed to {@code _raft} by the builder itself, so
 * a user giving one of those gets Python's "got multiple values for keyword argument" TypeError; the rest of
 * {@code **kwargs} reaches {@code RAFT.__init__}, which takes modules only. The weights carry no categories and
 * change nothing in the architecture.
 */
public final class RAFT extends Module {
    /** {@code nn.InstanceNorm2d(c)}: affine=False and no running stats by default, so no tensors at all. */
    private static final LongFunction<Module> INSTANCE_NORM = c -> Layers.activation("InstanceNorm2d");

    /** The public builders with {@code raft_large}'s and {@code raft_small}'s {@code _raft} arguments. */
    public static List<Builder> builders() {
        Config large = new Config(new long[] {64, 64, 96, 128, 256}, false, INSTANCE_NORM,
                new long[] {64, 64, 96, 128, 256}, false, Layers::batchNorm2d,
                4, 4, new long[] {256, 192}, new long[] {128, 64}, 128,
                128, new long[][] {{1, 5}, {5, 1}}, 256, true);
        Config small = new Config(new long[] {32, 32, 64, 96, 128}, true, INSTANCE_NORM,
                new long[] {32, 32, 64, 96, 160}, true, null,
                4, 3, new long[] {96}, new long[] {64, 32}, 82,
                96, new long[][] {{3, 3}}, 128, false);
        return List.of(
                builder("raft_large", large, "Raft_Large_Weights", "C_T_SKHT_V2",
                        "C_T_V1", "C_T_V2", "C_T_SKHT_V1", "C_T_SKHT_V2", "C_T_SKHT_K_V1", "C_T_SKHT_K_V2"),
                builder("raft_small", small, "Raft_Small_Weights", "C_T_V2", "C_T_V1", "C_T_V2"));
    }

    private static Builder builder(String name, Config config, String weightsClass, String defaultName,
                                   String... members) {
        // Optical flow weights have no categories; their min_size is (128, 128).
        Weights weights = Weights.of(weightsClass, 0, 128, defaultName, members);
        List<Arg> args = List.of(
                Arg.weights("weights", weights, "pretrained weights (" + weightsClass
                        + "; no effect on the tensors)"),
                Args.progress());
        return Builder.of(name, Task.OPTICAL_FLOW, args, kwargs -> new RAFT(config));
    }

    /**
     * The arguments a builder passes to {@code _raft}. Norm layers are null for {@code norm_layer=None};
     * blocks are {@code BottleneckBlock} when {@code bottleneck}, else {@code ResidualBlock}; the recurrent
     * kernels are (kh, kw) pairs, one per ConvGRU.
     */
    private record Config(long[] featureEncoderLayers, boolean featureEncoderBottleneck,
                          LongFunction<Module> featureEncoderNorm,
                          long[] contextEncoderLayers, boolean contextEncoderBottleneck,
                          LongFunction<Module> contextEncoderNorm,
                          long corrBlockNumLevels, long corrBlockRadius,
                          long[] motionEncoderCorrLayers, long[] motionEncoderFlowLayers, long motionEncoderOutChannels,
                          long recurrentBlockHiddenStateSize, long[][] recurrentBlockKernelSize,
                          long flowHeadHiddenSize, boolean useMaskPredictor) {
    }

    /**
     * {@code _raft} then {@code RAFT(feature_encoder, context_encoder, corr_block, update_block,
     * mask_predictor)}. The correlation block registers nothing (its pyramid is a plain list); only its
     * {@code out_channels} matters, for the motion encoder.
     */
    private RAFT(Config c) {
        add("feature_encoder", new FeatureEncoder(c.featureEncoderBottleneck(), c.featureEncoderLayers(),
                c.featureEncoderNorm()));
        add("context_encoder", new FeatureEncoder(c.contextEncoderBottleneck(), c.contextEncoderLayers(),
                c.contextEncoderNorm()));
        add("corr_block", stateless());
        long corrOutChannels = corrBlockOutChannels(c.corrBlockNumLevels(), c.corrBlockRadius());
        this.corrOutChannels = corrOutChannels;
        this.corrNumLevels = c.corrBlockNumLevels();
        this.hiddenStateSize = c.recurrentBlockHiddenStateSize();

        Module updateBlock = add("update_block", new UpdateBlock());
        MotionEncoder motionEncoder = updateBlock.add("motion_encoder", new MotionEncoder(corrOutChannels,
                c.motionEncoderCorrLayers(), c.motionEncoderFlowLayers(), c.motionEncoderOutChannels()));
        // The context encoder's output is split into the hidden state and the context proper.
        long[] contextLayers = c.contextEncoderLayers();
        long outChannelsContext = contextLayers[contextLayers.length - 1] - c.recurrentBlockHiddenStateSize();
        updateBlock.add("recurrent_block", recurrentBlock(motionEncoder.outChannels + outChannelsContext,
                c.recurrentBlockHiddenStateSize(), c.recurrentBlockKernelSize()));
        updateBlock.add("flow_head", flowHead(c.recurrentBlockHiddenStateSize(), c.flowHeadHiddenSize()));

        if (c.useMaskPredictor()) {
            add("mask_predictor", maskPredictor(c.recurrentBlockHiddenStateSize(), 256));
        }
    }

    private final long corrOutChannels;
    private final long corrNumLevels;
    private final long hiddenStateSize;

    /**
     * {@code forward(image1, image2, num_flow_updates=12)} on {@code [image1]} (image2 of the same shape) or
     * {@code [image1, image2]}: the feature encoder on both images concatenated, the correlation volume (a
     * batched matmul counted here, {@code corr_block} is never called as a module), the context encoder on
     * image1, then 12 updates, each {@code update_block(hidden, context, corr_features, flow)} and, for
     * raft_large, {@code mask_predictor(hidden)}; the 12 upsampled flows {@code (N, 2, H, W)}.
     */
    @Override
    public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
        Shape image1 = xs.get(0);
        Shape image2 = xs.size() > 1 ? xs.get(1) : image1;
        if (image1.rank() != 4) {
            throw new ShapeException("not enough values to unpack (expected 4, got " + image1.rank() + ")");
        }
        long n = image1.dim(0);
        long h = image1.dim(2);
        long w = image1.dim(3);
        if (image2.rank() < 2 || image2.dim(image2.rank() - 2) != h || image2.dim(image2.rank() - 1) != w) {
            throw new ShapeException("input images should have the same shape, instead got (" + h + ", " + w
                    + ") != torch.Size([" + image2.dim(image2.rank() - 2) + ", " + image2.dim(image2.rank() - 1) + "])");
        }
        // torchvision's own test reads `not (h % 8 == 0) and (w % 8 == 0)`
        if (h % 8 != 0 && w % 8 == 0) {
            throw new ShapeException("input image H and W should be divisible by 8, insted got " + h + " (h) and "
                    + w + " (w)");
        }
        Shape fmaps = call(t, "feature_encoder", Reshape.cat(List.of(image1, image2), 0));
        long half = Math.floorDiv(fmaps.dim(0) + 1, 2); // torch.chunk(fmaps, 2, dim=0)
        Shape fmap1 = Shape.of(half, fmaps.dim(1), fmaps.dim(2), fmaps.dim(3));
        long fh = fmap1.dim(2);
        long fw = fmap1.dim(3);
        if (fh != h / 8 || fw != w / 8) {
            throw new ShapeException("The feature encoder should downsample H and W by 8");
        }
        // corr_block.build_pyramid: matmul(fmap1^T (N, hw, C), fmap2 (N, C, hw)), then avg pools (no FLOPs)
        long hw = Exact.mul(fh, fw);
        t.flops(Exact.product(2, half, hw, fmap1.dim(1), hw));
        Shape context = call(t, "context_encoder", image1);
        if (context.dim(2) != h / 8 || context.dim(3) != w / 8) {
            throw new ShapeException("The context encoder should downsample H and W by 8");
        }
        long contextChannels = context.dim(1) - hiddenStateSize;
        if (contextChannels <= 0) {
            throw new ShapeException("The context encoder outputs " + context.dim(1) + " channels, but it should "
                    + "have at strictly more than hidden_state=" + hiddenStateSize + " channels");
        }
        Shape hidden = Shape.of(n, hiddenStateSize, fh, fw);
        Shape ctx = Shape.of(n, contextChannels, fh, fw);
        Shape corrFeatures = Shape.of(half, corrOutChannels, fh, fw);
        Shape flow = Shape.of(n, 2, fh, fw);
        List<Shape> predictions = new ArrayList<>();
        for (int i = 0; i < NUM_FLOW_UPDATES; i++) {
            List<Shape> updated = callOutputs(t, "update_block", List.of(hidden, ctx, corrFeatures, flow));
            hidden = updated.get(0);
            if (childrenWithEmptyPlaces().containsKey("mask_predictor")) {
                call(t, "mask_predictor", hidden);
            }
            // upsample_flow: convex upsampling (unfold, softmax, sum) or bilinear interpolate, no FLOPs
            predictions.add(Shape.of(n, 2, Exact.mul(fh, 8), Exact.mul(fw, 8)));
        }
        return predictions;
    }

    /** {@code num_flow_updates}'s default. */
    private static final int NUM_FLOW_UPDATES = 12;

    /**
     * {@code UpdateBlock}: {@code motion_encoder(flow, corr_features)}, {@code cat([context, motion])},
     * {@code recurrent_block(hidden, x)}, {@code flow_head(hidden)}; returns {@code (hidden, delta_flow)}.
     */
    private static final class UpdateBlock extends Module {
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape motion = call(t, "motion_encoder", List.of(xs.get(3), xs.get(2)));
            Shape x = Reshape.cat(List.of(xs.get(1), motion), 1);
            Shape hidden = call(t, "recurrent_block", List.of(xs.get(0), x));
            return List.of(hidden, call(t, "flow_head", hidden));
        }
    }

    /** {@code CorrBlock.out_channels}: {@code num_levels * (2 * radius + 1) ** 2}. */
    private static long corrBlockOutChannels(long numLevels, long radius) {
        return numLevels * (2 * radius + 1) * (2 * radius + 1);
    }

    /** {@code Conv2dNormActivation(in, out, kernel_size=k, norm_layer=norm, bias=True)}, with ReLU or not. */
    private static Sequential convNormRelu(long in, long out, long kernel, LongFunction<Module> norm,
                                           boolean activation) {
        return convNormRelu(in, out, kernel, 1, norm, activation);
    }

    private static Sequential convNormRelu(long in, long out, long kernel, long stride, LongFunction<Module> norm,
                                           boolean activation) {
        return Misc.conv2dNormActivation(in, out, kernel, stride, norm, activation ? Layers::relu : null, true);
    }

    /**
     * {@code FeatureEncoder(block, layers, norm_layer)}: a 7x7 conv-norm-relu stem, three layers of two blocks
     * (first strides 1, 2, 2), and a 1x1 conv.
     */
    private static final class FeatureEncoder extends Module {
        FeatureEncoder(boolean bottleneck, long[] layers, LongFunction<Module> norm) {
            add("convnormrelu", convNormRelu(3, layers[0], 7, 2, norm, true));
            long[] strides = {1, 2, 2};
            for (int i = 0; i < 3; i++) {
                add("layer" + (i + 1), twoBlocks(bottleneck, layers[i], layers[i + 1], norm, strides[i]));
            }
            add("conv", conv2d(layers[3], layers[4], 1));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            x = call(t, "convnormrelu", x);
            x = call(t, "layer1", x);
            x = call(t, "layer2", x);
            x = call(t, "layer3", x);
            return call(t, "conv", x);
        }

        /** {@code _make_2_blocks}: the first block takes the stride, the second keeps the width. */
        private static Sequential twoBlocks(boolean bottleneck, long in, long out, LongFunction<Module> norm,
                                            long firstStride) {
            return new Sequential(block(bottleneck, in, out, norm, firstStride), block(bottleneck, out, out, norm, 1));
        }

        private static Module block(boolean bottleneck, long in, long out, LongFunction<Module> norm, long stride) {
            return bottleneck ? bottleneckBlock(in, out, norm, stride) : residualBlock(in, out, norm, stride);
        }
    }

    /**
     * {@code ResidualBlock}: two 3x3 conv-norm-relu (with bias, see torchvision's note), then the downsample:
     * {@code nn.Identity} at stride 1, else a 1x1 conv-norm without activation; then relu.
     */
    private static Module residualBlock(long in, long out, LongFunction<Module> norm, long stride) {
        return new ResidualBlock(in, out, norm, stride);
    }

    /** {@code ResidualBlock}: {@code relu(downsample(x) + convnormrelu2(convnormrelu1(x)))}. */
    private static final class ResidualBlock extends Module {
        ResidualBlock(long in, long out, LongFunction<Module> norm, long stride) {
            add("convnormrelu1", convNormRelu(in, out, 3, stride, norm, true));
            add("convnormrelu2", convNormRelu(out, out, 3, norm, true));
            add("downsample", stride == 1 ? Layers.activation("Identity") : convNormRelu(in, out, 1, stride, norm,
                    false));
            add("relu", Layers.relu());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = call(t, "convnormrelu1", x);
            y = call(t, "convnormrelu2", y);
            Shape down = call(t, "downsample", x);
            return call(t, "relu", Reshape.broadcast(down, y));
        }
    }

    /**
     * {@code BottleneckBlock}: 1x1, 3x3 and 1x1 conv-norm-relu through {@code out // 4} channels, relu, then the
     * downsample as in {@link #residualBlock} (registered after relu here).
     */
    private static Module bottleneckBlock(long in, long out, LongFunction<Module> norm, long stride) {
        return new BottleneckBlock(in, out, norm, stride);
    }

    /** {@code BottleneckBlock}: {@code relu(downsample(x) + convnormrelu3(convnormrelu2(convnormrelu1(x))))}. */
    private static final class BottleneckBlock extends Module {
        BottleneckBlock(long in, long out, LongFunction<Module> norm, long stride) {
            long mid = Math.floorDiv(out, 4);
            add("convnormrelu1", convNormRelu(in, mid, 1, norm, true));
            add("convnormrelu2", convNormRelu(mid, mid, 3, stride, norm, true));
            add("convnormrelu3", convNormRelu(mid, out, 1, norm, true));
            add("relu", Layers.relu());
            add("downsample", stride == 1 ? Layers.activation("Identity") : convNormRelu(in, out, 1, stride, norm,
                    false));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = call(t, "convnormrelu1", x);
            y = call(t, "convnormrelu2", y);
            y = call(t, "convnormrelu3", y);
            Shape down = call(t, "downsample", x);
            return call(t, "relu", Reshape.broadcast(down, y));
        }
    }

    /**
     * {@code MotionEncoder}: conv-relu layers (no norm, so with bias) on the correlation features (one or two;
     * {@code nn.Identity} in place of the second) and on the flow (two), then one conv to
     * {@code out_channels - 2}, the flow's two channels being concatenated afterwards.
     */
    private static final class MotionEncoder extends Module {
        final long outChannels;

        MotionEncoder(long inChannelsCorr, long[] corrLayers, long[] flowLayers, long outChannels) {
            add("convcorr1", convNormRelu(inChannelsCorr, corrLayers[0], 1, null, true));
            add("convcorr2", corrLayers.length == 2 ? convNormRelu(corrLayers[0], corrLayers[1], 3, null, true)
                    : Layers.activation("Identity"));
            add("convflow1", convNormRelu(2, flowLayers[0], 7, null, true));
            add("convflow2", convNormRelu(flowLayers[0], flowLayers[1], 3, null, true));
            add("conv", convNormRelu(corrLayers[corrLayers.length - 1] + flowLayers[flowLayers.length - 1],
                    outChannels - 2, 3, null, true));
            this.outChannels = outChannels;
        }

        /** {@code forward(flow, corr_features)}: {@code cat([conv(cat([corr, flow])), flow_orig])}. */
        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape corr = call(t, "convcorr1", xs.get(1));
            corr = call(t, "convcorr2", corr);
            Shape flow = call(t, "convflow1", xs.get(0));
            flow = call(t, "convflow2", flow);
            Shape corrFlow = call(t, "conv", Reshape.cat(List.of(corr, flow), 1));
            return Reshape.cat(List.of(corrFlow, xs.get(0)), 1);
        }
    }

    /**
     * {@code RecurrentBlock}: {@code convgru1}, and {@code convgru2} when two kernel sizes are given (with one,
     * {@code convgru2} is a plain function, not a module).
     */
    private static Module recurrentBlock(long inputSize, long hiddenSize, long[][] kernelSizes) {
        RecurrentBlock block = new RecurrentBlock();
        for (int i = 0; i < kernelSizes.length; i++) {
            block.add("convgru" + (i + 1), convGru(inputSize, hiddenSize, kernelSizes[i]));
        }
        return block;
    }

    /** {@code RecurrentBlock}: {@code convgru2(convgru1(h, x), x)} (the second a pass-through when absent). */
    private static final class RecurrentBlock extends Module {
        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape h = call(t, "convgru1", xs);
            if (childrenWithEmptyPlaces().containsKey("convgru2")) {
                h = call(t, "convgru2", List.of(h, xs.get(1)));
            }
            return h;
        }
    }

    /** {@code ConvGRU}: z, r from {@code cat([h, x])}, q from {@code cat([r * h, x])}; {@code (1 - z) * h + z * q}. */
    private static final class ConvGRU extends Module {
        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape h = xs.get(0);
            Shape hx = Reshape.cat(List.of(h, xs.get(1)), 1);
            Shape z = call(t, "convz", hx);
            Shape r = call(t, "convr", hx);
            Shape q = call(t, "convq", Reshape.cat(List.of(Reshape.broadcast(r, h), xs.get(1)), 1));
            return Reshape.broadcast(Reshape.broadcast(z, h), q);
        }
    }

    /** {@code ConvGRU}: {@code convz}, {@code convr}, {@code convq}, each hidden+input to hidden channels. */
    private static Module convGru(long inputSize, long hiddenSize, long[] kernel) {
        Module gru = new ConvGRU();
        for (String gate : new String[] {"convz", "convr", "convq"}) {
            gru.add(gate, conv2d(hiddenSize + inputSize, hiddenSize, kernel[0], kernel[1], 1, true)
                    .padding(kernel[0] / 2, kernel[1] / 2));
        }
        return gru;
    }

    /** {@code FlowHead}: a 3x3 conv to the hidden size, a 3x3 conv to the 2 flow channels, relu. */
    private static Module flowHead(long inChannels, long hiddenSize) {
        return new FlowHead(inChannels, hiddenSize);
    }

    /** {@code FlowHead}: {@code conv2(relu(conv1(x)))}. */
    private static final class FlowHead extends Module {
        FlowHead(long inChannels, long hiddenSize) {
            add("conv1", conv2d(inChannels, hiddenSize, 3).padding(1));
            add("conv2", conv2d(hiddenSize, 2, 3).padding(1));
            add("relu", Layers.relu());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "conv2", call(t, "relu", call(t, "conv1", x)));
        }
    }

    /**
     * {@code MaskPredictor}: a 3x3 conv-relu, then a 1x1 conv to {@code 8 * 8 * 9} channels (the flow is
     * upsampled by 8, each pixel from its 9 neighbours).
     */
    private static Module maskPredictor(long inChannels, long hiddenSize) {
        return new MaskPredictor(inChannels, hiddenSize);
    }

    /** {@code MaskPredictor}: {@code multiplier * conv(convrelu(x))}. */
    private static final class MaskPredictor extends Module {
        MaskPredictor(long inChannels, long hiddenSize) {
            add("convrelu", convNormRelu(inChannels, hiddenSize, 3, null, true));
            add("conv", conv2d(hiddenSize, 8 * 8 * 9, 1));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "conv", call(t, "convrelu", x));
        }
    }
}
