package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.maxPool2d;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * torchvision {@code models/shufflenetv2.py} (0.14.1): the {@code ShuffleNetV2} class and the four
 * {@code shufflenet_v2_x*} builders, which differ only in the stage widths. The class and
 * {@link InvertedResidual} are public and open because {@code quantization/shufflenetv2.py} subclasses both.
 */
public class ShuffleNetV2 extends Module {
    /** {@code stages_repeats}: the same for every builder. */
    private static final long[] STAGES_REPEATS = {4, 8, 4};
    private boolean quantizable;

    /** The {@code inverted_residual} argument: a constructor with {@code InvertedResidual}'s signature. */
    @FunctionalInterface
    public interface Block {
        Module create(long inp, long oup, long stride);
    }

    /** The public builders: the stage output widths and the weights enum of each. */
    public static List<Builder> builders() {
        return List.of(
                builder("shufflenet_v2_x0_5", "ShuffleNet_V2_X0_5_Weights", 24, 48, 96, 192, 1024),
                builder("shufflenet_v2_x1_0", "ShuffleNet_V2_X1_0_Weights", 24, 116, 232, 464, 1024),
                builder("shufflenet_v2_x1_5", "ShuffleNet_V2_X1_5_Weights", 24, 176, 352, 704, 1024),
                builder("shufflenet_v2_x2_0", "ShuffleNet_V2_X2_0_Weights", 24, 244, 488, 976, 2048));
    }

    /** Every ShuffleNet V2 weights enum has the one member {@code IMAGENET1K_V1}. */
    private static Builder builder(String name, String weightsClass, long... stagesOutChannels) {
        Weights weights = Weights.of(weightsClass, Args.IMAGENET, 1, "IMAGENET1K_V1", "IMAGENET1K_V1");
        return Builder.of(name, Task.IMAGE_CLASSIFICATION,
                List.of(Args.weights(weights), Args.progress(), Args.numClasses(1000)),
                kwargs -> shufflenetV2(stagesOutChannels, kwargs));
    }

    /** {@code _shufflenetv2(weights, progress, stages_repeats, stages_out_channels, **kwargs)}. */
    private static Module shufflenetV2(long[] stagesOutChannels, Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new ShuffleNetV2(STAGES_REPEATS, stagesOutChannels, kwargs.integer("num_classes"),
                InvertedResidual::new);
    }

    /**
     * {@code ShuffleNetV2(stages_repeats, stages_out_channels, num_classes, inverted_residual)}: {@code conv1},
     * {@code maxpool}, {@code stage2..stage4}, {@code conv5}, {@code fc}.
     */
    public ShuffleNetV2(long[] stagesRepeats, long[] stagesOutChannels, long numClasses, Block invertedResidual) {
        if (stagesRepeats.length != 3) {
            throw new IllegalArgumentException("expected stages_repeats as list of 3 positive ints");
        }
        if (stagesOutChannels.length != 5) {
            throw new IllegalArgumentException("expected stages_out_channels as list of 5 positive ints");
        }
        long inputChannels = 3;
        long outputChannels = stagesOutChannels[0];
        add("conv1", convBnRelu(inputChannels, outputChannels, 3, 2, 1));
        inputChannels = outputChannels;
        add("maxpool", maxPool2d(3, 2, 1));
        for (int i = 0; i < stagesRepeats.length; i++) {
            outputChannels = stagesOutChannels[i + 1];
            Sequential stage = new Sequential(invertedResidual.create(inputChannels, outputChannels, 2));
            for (long r = 0; r < stagesRepeats[i] - 1; r++) {
                stage.append(invertedResidual.create(outputChannels, outputChannels, 1));
            }
            add("stage" + (i + 2), stage);
            inputChannels = outputChannels;
        }
        outputChannels = stagesOutChannels[stagesOutChannels.length - 1];
        add("conv5", convBnRelu(inputChannels, outputChannels, 1, 1, 0));
        add("fc", linear(outputChannels, numClasses));
    }

    /**
     * This model as torchvision's {@code QuantizableShuffleNetV2} ({@code models/quantization/shufflenetv2.py},
     * {@code quantize=False}): {@code quant}/{@code dequant} around {@code _forward_impl}, each block a
     * {@code QuantizableInvertedResidual} concatenating through its FloatFunctional {@code cat}. No tensor is
     * added; returns this model.
     */
    public ShuffleNetV2 quantizable() {
        quantizable = true;
        className("QuantizableShuffleNetV2");
        add("quant", Layers.quantStub());
        add("dequant", Layers.deQuantStub());
        for (String stage : List.of("stage2", "stage3", "stage4")) {
            for (Module block : child(stage).childrenWithEmptyPlaces().values()) {
                ((InvertedResidual) block).quantizable();
            }
        }
        return this;
    }

    /** {@code forward}: {@code _forward_impl}; the quantizable model calls quant before and dequant after. */
    @Override
    public Shape forward(Trace t, Shape x) {
        if (quantizable) {
            return call(t, "dequant", forwardImpl(t, call(t, "quant", x)));
        }
        return forwardImpl(t, x);
    }

    /** {@code _forward_impl}: conv1, maxpool, stage2..4, conv5, {@code x.mean([2, 3])}, fc. */
    private Shape forwardImpl(Trace t, Shape x) {
        Shape y = call(t, "maxpool", call(t, "conv1", x));
        y = call(t, "conv5", call(t, "stage4", call(t, "stage3", call(t, "stage2", y))));
        return call(t, "fc", Shape.of(y.dim(0), y.dim(1)));
    }

    /** {@code nn.Sequential(nn.Conv2d(in, out, kernel, stride, padding, bias=False), nn.BatchNorm2d(out), nn.ReLU())}. */
    private static Sequential convBnRelu(long in, long out, long kernel, long stride, long padding) {
        return new Sequential(conv2d(in, out, kernel, 1, false).stride(stride).padding(padding), batchNorm2d(out),
                relu());
    }

    /**
     * {@code InvertedResidual(inp, oup, stride)}: {@code branch1} (depthwise conv, BN, 1x1 conv, BN, ReLU) when
     * it strides, else an empty Sequential; {@code branch2} (1x1 conv, BN, ReLU, depthwise conv, BN, 1x1 conv,
     * BN, ReLU). Each branch gives half of {@code oup}.
     */
    public static class InvertedResidual extends Module {
        private final long stride;
        private boolean quantizable;

        /** {@code QuantizableInvertedResidual}: adds {@code cat}, a FloatFunctional whose cat replaces torch.cat. */
        void quantizable() {
            quantizable = true;
            className("QuantizableInvertedResidual");
            add("cat", Layers.floatFunctional());
        }

        public InvertedResidual(long inp, long oup, long stride) {
            this.stride = stride;
            if (stride < 1 || stride > 3) {
                throw new IllegalArgumentException("illegal stride value");
            }
            long branchFeatures = oup / 2;
            if (stride == 1 && inp != branchFeatures << 1) {
                throw new IllegalArgumentException("Invalid combination of stride " + stride + ", inp " + inp
                        + " and oup " + oup + " values. If stride == 1 then inp should be equal to oup // 2 << 1.");
            }
            Sequential branch1 = add("branch1", new Sequential());
            if (stride > 1) {
                branch1.append(depthwiseConv(inp, stride));
                branch1.append(batchNorm2d(inp));
                branch1.append(conv2d(inp, branchFeatures, 1, 1, false));
                branch1.append(batchNorm2d(branchFeatures));
                branch1.append(relu());
            }
            // Without a stride the block splits its input in two; branch2 takes one half.
            add("branch2", new Sequential(
                    conv2d(stride > 1 ? inp : branchFeatures, branchFeatures, 1, 1, false),
                    batchNorm2d(branchFeatures),
                    relu(),
                    depthwiseConv(branchFeatures, stride),
                    batchNorm2d(branchFeatures),
                    conv2d(branchFeatures, branchFeatures, 1, 1, false),
                    batchNorm2d(branchFeatures),
                    relu()));
        }

        /**
         * Stride 1: {@code x1, x2 = x.chunk(2, dim=1)}, {@code cat((x1, branch2(x2)), 1)}; else
         * {@code cat((branch1(x), branch2(x)), 1)}; then {@code channel_shuffle(out, 2)} (same shape).
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            Shape out;
            if (stride == 1) {
                if (x.rank() < 2) {
                    throw new ShapeException("Dimension out of range (expected to be in range of [-" + x.rank()
                            + ", " + (x.rank() - 1) + "], but got 1)");
                }
                long[] dims = x.dims();
                long first = (dims[1] + 1) / 2;
                if (dims[1] - first <= 0) {
                    throw new ShapeException("not enough values to unpack (expected 2, got 1)");
                }
                dims[1] = first;
                Shape x1 = Shape.of(dims);
                dims[1] = x.dim(1) - first;
                out = Reshape.cat(List.of(x1, call(t, "branch2", Shape.of(dims))), 1);
            } else {
                out = Reshape.cat(List.of(call(t, "branch1", x), call(t, "branch2", x)), 1);
            }
            if (quantizable) {
                out = call(t, "cat", "activation_post_process", out);
            }
            if (out.dim(1) % 2 != 0) {
                throw new ShapeException("shape '" + java.util.Arrays.toString(new long[] {out.dim(0), 2,
                        out.dim(1) / 2, out.dim(2), out.dim(3)}) + "' is invalid for input of size " + out.numel());
            }
            return out;
        }

        /** {@code depthwise_conv(i, i, kernel_size=3, stride, padding=1)}: groups {@code i}, no bias. */
        private static Module depthwiseConv(long channels, long stride) {
            return conv2d(channels, channels, 3, channels, false).stride(stride).padding(1);
        }
    }
}
