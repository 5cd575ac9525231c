package dev.modelsummary.catalog.torchvision.opticalflow;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.ops.Misc;
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
    private static final LongFunction<Module> INSTANCE_NORM = c -> stateless();

    /** The public builders with {@code raft_large}'s and {@code raft_small}'s {@code _raft} arguments. */
    public static List<Builder> builders() {
        Config large = new Config(new long[] {64, 64, 96, 128, 256}, false, INSTANCE_NORM,
                new long[] {64, 64, 96, 128, 256}, false, Misc.BATCH_NORM,
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

        Module updateBlock = add("update_block", new Module());
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

    /** {@code CorrBlock.out_channels}: {@code num_levels * (2 * radius + 1) ** 2}. */
    private static long corrBlockOutChannels(long numLevels, long radius) {
        return numLevels * (2 * radius + 1) * (2 * radius + 1);
    }

    /** {@code Conv2dNormActivation(in, out, kernel_size=k, norm_layer=norm, bias=True)}, with ReLU or not. */
    private static Sequential convNormRelu(long in, long out, long kernel, LongFunction<Module> norm,
                                           boolean activation) {
        return Misc.convNormActivation(in, out, new long[] {kernel, kernel}, 1, norm, activation, true);
    }

    /**
     * {@code FeatureEncoder(block, layers, norm_layer)}: a 7x7 conv-norm-relu stem, three layers of two blocks
     * (first strides 1, 2, 2), and a 1x1 conv.
     */
    private static final class FeatureEncoder extends Module {
        FeatureEncoder(boolean bottleneck, long[] layers, LongFunction<Module> norm) {
            add("convnormrelu", convNormRelu(3, layers[0], 7, norm, true));
            long[] strides = {1, 2, 2};
            for (int i = 0; i < 3; i++) {
                add("layer" + (i + 1), twoBlocks(bottleneck, layers[i], layers[i + 1], norm, strides[i]));
            }
            add("conv", conv2d(layers[3], layers[4], 1));
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
        Module block = new Module();
        block.add("convnormrelu1", convNormRelu(in, out, 3, norm, true));
        block.add("convnormrelu2", convNormRelu(out, out, 3, norm, true));
        block.add("downsample", stride == 1 ? stateless() : convNormRelu(in, out, 1, norm, false));
        block.add("relu", stateless());
        return block;
    }

    /**
     * {@code BottleneckBlock}: 1x1, 3x3 and 1x1 conv-norm-relu through {@code out // 4} channels, relu, then the
     * downsample as in {@link #residualBlock} (registered after relu here).
     */
    private static Module bottleneckBlock(long in, long out, LongFunction<Module> norm, long stride) {
        long mid = Math.floorDiv(out, 4);
        Module block = new Module();
        block.add("convnormrelu1", convNormRelu(in, mid, 1, norm, true));
        block.add("convnormrelu2", convNormRelu(mid, mid, 3, norm, true));
        block.add("convnormrelu3", convNormRelu(mid, out, 1, norm, true));
        block.add("relu", stateless());
        block.add("downsample", stride == 1 ? stateless() : convNormRelu(in, out, 1, norm, false));
        return block;
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
                    : stateless());
            add("convflow1", convNormRelu(2, flowLayers[0], 7, null, true));
            add("convflow2", convNormRelu(flowLayers[0], flowLayers[1], 3, null, true));
            add("conv", convNormRelu(corrLayers[corrLayers.length - 1] + flowLayers[flowLayers.length - 1],
                    outChannels - 2, 3, null, true));
            this.outChannels = outChannels;
        }
    }

    /**
     * {@code RecurrentBlock}: {@code convgru1}, and {@code convgru2} when two kernel sizes are given (with one,
     * {@code convgru2} is a plain function, not a module).
     */
    private static Module recurrentBlock(long inputSize, long hiddenSize, long[][] kernelSizes) {
        Module block = new Module();
        for (int i = 0; i < kernelSizes.length; i++) {
            block.add("convgru" + (i + 1), convGru(inputSize, hiddenSize, kernelSizes[i]));
        }
        return block;
    }

    /** {@code ConvGRU}: {@code convz}, {@code convr}, {@code convq}, each hidden+input to hidden channels. */
    private static Module convGru(long inputSize, long hiddenSize, long[] kernel) {
        Module gru = new Module();
        for (String gate : new String[] {"convz", "convr", "convq"}) {
            gru.add(gate, conv2d(hiddenSize + inputSize, hiddenSize, kernel[0], kernel[1], 1, true));
        }
        return gru;
    }

    /** {@code FlowHead}: a 3x3 conv to the hidden size, a 3x3 conv to the 2 flow channels, relu. */
    private static Module flowHead(long inChannels, long hiddenSize) {
        Module head = new Module();
        head.add("conv1", conv2d(inChannels, hiddenSize, 3));
        head.add("conv2", conv2d(hiddenSize, 2, 3));
        head.add("relu", stateless());
        return head;
    }

    /**
     * {@code MaskPredictor}: a 3x3 conv-relu, then a 1x1 conv to {@code 8 * 8 * 9} channels (the flow is
     * upsampled by 8, each pixel from its 9 neighbours).
     */
    private static Module maskPredictor(long inChannels, long hiddenSize) {
        Module predictor = new Module();
        predictor.add("convrelu", convNormRelu(inChannels, hiddenSize, 3, null, true));
        predictor.add("conv", conv2d(hiddenSize, 8 * 8 * 9, 1));
        return predictor;
    }
}
