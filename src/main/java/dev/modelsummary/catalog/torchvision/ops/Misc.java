package dev.modelsummary.catalog.torchvision.ops;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * torchvision {@code ops/misc.py} (0.14.1): the blocks the model files share. Arguments that leave no trace in
 * a state_dict (stride, padding, dilation, inplace, the activation's kind) are not arguments here; whether an
 * activation is present is, since it takes a position in the Sequential.
 */
public final class Misc {
    /** {@code norm_layer=nn.BatchNorm2d} (also BatchNorm1d/3d: the same tensors). */
    public static final LongFunction<Module> BATCH_NORM = Layers::batchNorm;
    /** {@code norm_layer=misc_nn_ops.FrozenBatchNorm2d}. */
    public static final LongFunction<Module> FROZEN_BATCH_NORM = Layers::frozenBatchNorm2d;

    private Misc() {
    }

    /**
     * {@code ConvNormActivation}: a Sequential of the convolution, the norm layer unless {@code norm} is null,
     * and the activation if {@code activation}. The kernel's length picks Conv1d, Conv2d or Conv3d; {@code bias}
     * null means {@code norm_layer is None}, as in torchvision.
     */
    public static Sequential convNormActivation(long in, long out, long[] kernel, long groups,
                                                LongFunction<Module> norm, boolean activation, Boolean bias) {
        boolean withBias = bias != null ? bias : norm == null;
        Module conv = switch (kernel.length) {
            case 1 -> Layers.conv1d(in, out, kernel[0], groups, withBias);
            case 2 -> Layers.conv2d(in, out, kernel[0], kernel[1], groups, withBias);
            case 3 -> Layers.conv3d(in, out, kernel[0], kernel[1], kernel[2], groups, withBias);
            default -> throw new IllegalArgumentException("kernel of rank " + kernel.length);
        };
        Sequential block = new Sequential(conv);
        if (norm != null) {
            block.append(norm.apply(out));
        }
        if (activation) {
            block.append(stateless());
        }
        return block;
    }

    /** {@code Conv2dNormActivation(in, out, kernel_size, groups=groups, norm_layer=norm, activation_layer=...)}. */
    public static Sequential conv2dNormActivation(long in, long out, long kernel, long groups,
                                                  LongFunction<Module> norm, boolean activation) {
        return convNormActivation(in, out, new long[] {kernel, kernel}, groups, norm, activation, null);
    }

    /** {@code Conv2dNormActivation(in, out, kernel_size)} with BatchNorm2d and an activation. */
    public static Sequential conv2dNormActivation(long in, long out, long kernel) {
        return conv2dNormActivation(in, out, kernel, 1, BATCH_NORM, true);
    }

    /**
     * {@code Conv2dNormActivation(in, out, kernel_size, stride, groups=groups, norm_layer=norm,
     * activation_layer=activation, dilation=dilation)} with a forward: padding {@code (kernel - 1) // 2 *
     * dilation}, bias only without a norm, the activation (null: none) from its supplier. The same tensors as
     * {@link #conv2dNormActivation(long, long, long, long, LongFunction, boolean)}.
     */
    public static Conv2dNormActivation conv2dNormActivation(long in, long out, long kernel, long stride,
                                                            long groups, LongFunction<Module> norm,
                                                            Supplier<Module> activation, long dilation) {
        Module conv = Layers.conv2d(in, out, kernel, kernel, groups, norm == null)
                .stride(stride).padding((kernel - 1) / 2 * dilation).dilation(dilation);
        Conv2dNormActivation block = new Conv2dNormActivation(conv);
        if (norm != null) {
            block.append(norm.apply(out));
        }
        if (activation != null) {
            block.append(activation.get());
        }
        return block;
    }

    /** {@code Conv2dNormActivation}: a Sequential under torch's class name. */
    public static final class Conv2dNormActivation extends Sequential {
        Conv2dNormActivation(Module... layers) {
            super(layers);
        }
    }

    /**
     * {@code SqueezeExcitation(input_channels, squeeze_channels, activation, scale_activation)} with a forward:
     * the same tensors as {@link #squeezeExcitation(long, long)}.
     */
    public static SqueezeExcitation squeezeExcitation(long inputChannels, long squeezeChannels,
                                                      Supplier<Module> activation,
                                                      Supplier<Module> scaleActivation) {
        return new SqueezeExcitation(inputChannels, squeezeChannels, activation.get(), scaleActivation.get());
    }

    /** {@code SqueezeExcitation}: {@code scale = sigma(fc2(delta(fc1(avgpool(x)))))}, then {@code scale * x}. */
    public static final class SqueezeExcitation extends Module {
        private boolean quantizable;

        SqueezeExcitation(long inputChannels, long squeezeChannels, Module activation, Module scaleActivation) {
            add("avgpool", Layers.adaptiveAvgPool2d(1, 1));
            add("fc1", conv2d(inputChannels, squeezeChannels, 1));
            add("fc2", conv2d(squeezeChannels, inputChannels, 1));
            add("activation", activation);
            add("scale_activation", scaleActivation);
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape scale = call(t, "avgpool", x);
            scale = call(t, "fc1", scale);
            scale = call(t, "activation", scale);
            scale = call(t, "fc2", scale);
            scale = call(t, "scale_activation", scale);
            if (quantizable) {
                // self.skip_mul.mul(self._scale(input), input): one activation_post_process call.
                return call(t, "skip_mul", "activation_post_process",
                        dev.modelsummary.compute.Reshape.broadcast(scale, x));
            }
            return dev.modelsummary.compute.Reshape.broadcast(scale, x);
        }

        /**
         * This block as torchvision's {@code QuantizableSqueezeExcitation} (quantization/mobilenetv3.py): adds
         * {@code skip_mul}, a FloatFunctional whose {@code mul} replaces {@code scale * input}; no tensor added.
         */
        public void quantizable() {
            quantizable = true;
            className("QuantizableSqueezeExcitation");
            add("skip_mul", Layers.floatFunctional());
        }
    }

    /** {@code Conv3dNormActivation(in, out, (kt, kh, kw), groups=groups, norm_layer=norm, ...)}. */
    public static Sequential conv3dNormActivation(long in, long out, long kernelT, long kernelH, long kernelW,
                                                  long groups, LongFunction<Module> norm, boolean activation) {
        return convNormActivation(in, out, new long[] {kernelT, kernelH, kernelW}, groups, norm, activation, null);
    }

    /**
     * {@code SqueezeExcitation(input_channels, squeeze_channels)}: avgpool, {@code fc1} (1x1 conv down),
     * {@code fc2} (1x1 conv up), activation, scale activation.
     */
    public static Module squeezeExcitation(long inputChannels, long squeezeChannels) {
        Module se = new Module();
        se.add("avgpool", stateless());
        se.add("fc1", conv2d(inputChannels, squeezeChannels, 1));
        se.add("fc2", conv2d(squeezeChannels, inputChannels, 1));
        se.add("activation", stateless());
        se.add("scale_activation", stateless());
        return se;
    }

    /**
     * {@code MLP(in_channels, hidden_channels, norm_layer, activation_layer, bias=bias)}: for each hidden width
     * but the last, Linear, the norm (if any), activation, Dropout; then Linear and Dropout.
     */
    public static Sequential mlp(long inChannels, long[] hiddenChannels, LongFunction<Module> norm, boolean bias) {
        Sequential layers = new Sequential();
        long inDim = inChannels;
        for (int i = 0; i < hiddenChannels.length - 1; i++) {
            layers.append(linear(inDim, hiddenChannels[i], bias));
            if (norm != null) {
                layers.append(norm.apply(hiddenChannels[i]));
            }
            layers.append(stateless());
            layers.append(stateless());
            inDim = hiddenChannels[i];
        }
        layers.append(linear(inDim, hiddenChannels[hiddenChannels.length - 1], bias));
        layers.append(stateless());
        return layers;
    }

    /**
     * {@code Conv2dNormActivation(in, out, kernel_size, stride, norm_layer=norm, activation_layer=activation,
     * bias=bias)} with a forward (padding {@code (kernel - 1) // 2}, groups 1, dilation 1) and an explicit
     * {@code bias}, as RAFT builds them.
     */
    public static Conv2dNormActivation conv2dNormActivation(long in, long out, long kernel, long stride,
                                                            LongFunction<Module> norm, Supplier<Module> activation,
                                                            boolean bias) {
        Conv2dNormActivation block = new Conv2dNormActivation(Layers.conv2d(in, out, kernel, kernel, 1, bias)
                .stride(stride).padding((kernel - 1) / 2));
        if (norm != null) {
            block.append(norm.apply(out));
        }
        if (activation != null) {
            block.append(activation.get());
        }
        return block;
    }

    /**
     * {@code Conv3dNormActivation(in, out, kernel_size, stride, padding, bias=False, norm_layer=norm)} with a
     * forward: Conv3d, the norm as BatchNorm3d, ReLU (the default activation). The same tensors as
     * {@link #conv3dNormActivation(long, long, long, long, long, long, LongFunction, boolean)} with a norm.
     */
    public static Conv3dNormActivation conv3dNormActivation(long in, long out, long[] kernel, long[] stride,
                                                            long[] padding) {
        Module conv = Layers.conv3d(in, out, kernel[0], kernel[1], kernel[2], 1, false).stride(stride)
                .padding(padding);
        return new Conv3dNormActivation(conv, Layers.batchNorm3d(out), Layers.relu());
    }

    /** {@code Conv3dNormActivation}: a Sequential under torch's class name. */
    public static final class Conv3dNormActivation extends Sequential {
        Conv3dNormActivation(Module... layers) {
            super(layers);
        }
    }
}
