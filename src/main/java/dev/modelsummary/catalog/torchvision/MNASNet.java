package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * torchvision {@code models/mnasnet.py} (0.14.1): the {@code MNASNet} class (B1 variant, version 2) and the
 * four {@code mnasnet*} builders, which differ only in the width multiplier {@code alpha}.
 *
 * <p>{@code MNASNet._load_from_state_dict} rebuilds the stem for checkpoints of version 1; every weights
 * enum member holds a version 2 checkpoint (their {@code num_params} are those of the version 2 model), so
 * loading weights changes nothing here.
 */
public final class MNASNet extends Module {
    /** {@code _get_depths}'s base widths, before scaling by alpha. */
    private static final long[] DEPTHS = {32, 16, 24, 40, 80, 96, 192, 320};
    /** {@code _round_to_multiple_of}'s default {@code round_up_bias}, the only one torchvision uses. */
    private static final double ROUND_UP_BIAS = 0.9;
    /** The width of the last conv, which feeds the classifier; alpha does not scale it. */
    private static final long LAST_CHANNELS = 1280;

    /** The public builders: alpha, and each one's weights enum. */
    public static List<Builder> builders() {
        return List.of(
                builder("mnasnet0_5", 0.5, "MNASNet0_5_Weights"),
                builder("mnasnet0_75", 0.75, "MNASNet0_75_Weights"),
                builder("mnasnet1_0", 1.0, "MNASNet1_0_Weights"),
                builder("mnasnet1_3", 1.3, "MNASNet1_3_Weights"));
    }

    /** Every MNASNet weights enum has the one member {@code IMAGENET1K_V1}. */
    private static Builder builder(String name, double alpha, String weightsClass) {
        Weights weights = Weights.of(weightsClass, Args.IMAGENET, 1, "IMAGENET1K_V1", "IMAGENET1K_V1");
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Args.numClasses(1000),
                Arg.real("dropout", 0.2, "dropout rate before the classifier (no effect on the tensors)"));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args, kwargs -> mnasnet(alpha, kwargs));
    }

    /** {@code _mnasnet(alpha, weights, progress, **kwargs)}: weights fix num_classes; then the model. */
    private static Module mnasnet(double alpha, Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        // The classifier's nn.Dropout refuses a rate outside [0, 1].
        return new MNASNet(alpha, kwargs.integer("num_classes"), kwargs.real("dropout"));
    }

    /**
     * {@code MNASNet(alpha, num_classes)}: {@code layers} (the stem as eight loose layers, six stacks of
     * inverted residuals, the 1x1 conv to 1280 channels, BN, ReLU) and {@code classifier} (Dropout, Linear).
     */
    private MNASNet(double alpha, long numClasses, double dropout) {
        long[] depths = depths(alpha);
        Sequential layers = new Sequential(
                // First layer: regular conv.
                conv2d(3, depths[0], 3, 1, false).stride(2).padding(1),
                batchNorm2d(depths[0]),
                relu(),
                // Depthwise separable, no skip.
                conv2d(depths[0], depths[0], 3, depths[0], false).padding(1),
                batchNorm2d(depths[0]),
                relu(),
                conv2d(depths[0], depths[1], 1, 1, false),
                batchNorm2d(depths[1]),
                // Stacks of inverted residuals: kernel size, stride, expansion factor, repeats.
                stack(depths[1], depths[2], 3, 2, 3, 3),
                stack(depths[2], depths[3], 5, 2, 3, 3),
                stack(depths[3], depths[4], 5, 2, 6, 3),
                stack(depths[4], depths[5], 3, 1, 6, 2),
                stack(depths[5], depths[6], 5, 2, 6, 4),
                stack(depths[6], depths[7], 3, 1, 6, 1),
                // Final mapping to classifier input.
                conv2d(depths[7], LAST_CHANNELS, 1, 1, false),
                batchNorm2d(LAST_CHANNELS),
                relu());
        add("layers", layers);
        add("classifier", new Sequential(Layers.dropout(dropout), linear(LAST_CHANNELS, numClasses)));
    }

    /** {@code forward}: layers, {@code x.mean([2, 3])}, classifier. */
    @Override
    public Shape forward(Trace t, Shape x) {
        Shape y = call(t, "layers", x);
        return call(t, "classifier", Shape.of(y.dim(0), y.dim(1)));
    }

    /** {@code _get_depths(alpha)}: each base width scaled by alpha, rounded to a multiple of 8. */
    private static long[] depths(double alpha) {
        long[] depths = new long[DEPTHS.length];
        for (int i = 0; i < DEPTHS.length; i++) {
            depths[i] = roundToMultipleOf(DEPTHS[i] * alpha, 8);
        }
        return depths;
    }

    /**
     * {@code _round_to_multiple_of(val, divisor)}: the nearest multiple (at least {@code divisor}), plus one
     * {@code divisor} when that lies more than 10% below {@code val}, so (83, 8) gives 80 but (84, 8) gives 88.
     */
    private static long roundToMultipleOf(double val, long divisor) {
        // int() truncates; val is positive here, so floor division after truncation is Python's.
        long newVal = Math.max(divisor, Dims.mul(Math.floorDiv(Dims.trunc(val + divisor / 2.0), divisor), divisor));
        return newVal >= ROUND_UP_BIAS * val ? newVal : Dims.add(newVal, divisor);
    }

    /**
     * {@code _stack(in_ch, out_ch, kernel_size, stride, exp_factor, repeats)}: a Sequential of the first
     * (strided) block and {@code repeats - 1} blocks from {@code out_ch} to {@code out_ch}.
     */
    private static Sequential stack(long inCh, long outCh, long kernelSize, long stride, long expFactor,
                                    int repeats) {
        Sequential stack = new Sequential(new InvertedResidual(inCh, outCh, kernelSize, stride, expFactor));
        for (int i = 1; i < repeats; i++) {
            stack.append(new InvertedResidual(outCh, outCh, kernelSize, 1, expFactor));
        }
        return stack;
    }

    /**
     * {@code _InvertedResidual(in_ch, out_ch, kernel_size, stride, expansion_factor)}: one Sequential
     * {@code layers}: pointwise conv, BN, ReLU, depthwise conv (stride, padding k // 2), BN, ReLU, linear
     * pointwise conv, BN.
     */
    private static final class InvertedResidual extends Module {
        private final boolean applyResidual;

        InvertedResidual(long inCh, long outCh, long kernelSize, long stride, long expansionFactor) {
            className("_InvertedResidual");
            long midCh = Dims.mul(inCh, expansionFactor);
            applyResidual = inCh == outCh && stride == 1;
            add("layers", new Sequential(
                    conv2d(inCh, midCh, 1, 1, false),
                    batchNorm2d(midCh),
                    relu(),
                    conv2d(midCh, midCh, kernelSize, midCh, false).stride(stride).padding(kernelSize / 2),
                    batchNorm2d(midCh),
                    relu(),
                    conv2d(midCh, outCh, 1, 1, false),
                    batchNorm2d(outCh)));
        }

        /** {@code layers(input) + input} when {@code apply_residual}, else {@code layers(input)}. */
        @Override
        public Shape forward(Trace t, Shape input) {
            Shape y = call(t, "layers", input);
            return applyResidual ? Reshape.broadcast(y, input) : y;
        }
    }
}
