package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.torchvision.ModelUtils.makeDivisible;
import static dev.modelsummary.catalog.torchvision.ops.Misc.conv2dNormActivation;

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
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/mobilenetv2.py} (0.14.1): the {@code MobileNetV2} class and its one builder,
 * {@code mobilenet_v2}. The class and {@link InvertedResidual} are public and open because
 * {@code quantization/mobilenetv2.py} subclasses both.
 */
public class MobileNetV2 extends Module {
    /** The default {@code inverted_residual_setting}: one row {@code t, c, n, s} per stage. */
    private static final long[][] INVERTED_RESIDUAL_SETTING = {
        {1, 16, 1, 1},
        {6, 24, 2, 2},
        {6, 32, 3, 2},
        {6, 64, 4, 2},
        {6, 96, 3, 1},
        {6, 160, 3, 2},
        {6, 320, 1, 1},
    };
    private static final long INPUT_CHANNEL = 32;
    private static final long LAST_CHANNEL = 1280;
    private boolean quantizable;

    /** The {@code block} argument: a constructor with {@code InvertedResidual}'s signature. */
    @FunctionalInterface
    public interface Block {
        Module create(long inp, long oup, long stride, long expandRatio, LongFunction<Module> norm);
    }

    /** The public builder. */
    public static List<Builder> builders() {
        Weights weights = Weights.of("MobileNet_V2_Weights", Args.IMAGENET, 1, "IMAGENET1K_V2",
                "IMAGENET1K_V1", "IMAGENET1K_V2");
        List<Arg> args = new ArrayList<>(List.of(Args.weights(weights), Args.progress()));
        args.addAll(classArgs());
        return List.of(Builder.of("mobilenet_v2", Task.IMAGE_CLASSIFICATION, args, MobileNetV2::mobilenetV2));
    }

    /**
     * The keyword arguments of {@code MobileNetV2.__init__} that a builder passes on through {@code **kwargs}
     * (the list- and callable-valued ones excepted). The quantizable builder takes them too.
     */
    public static List<Arg> classArgs() {
        return List.of(
                Args.numClasses(1000),
                Arg.real("width_mult", 1.0, "width multiplier: scales the channels of every layer"),
                Arg.integer("round_nearest", 8, "channel counts are rounded to a multiple of this (1: no rounding)"),
                Arg.real("dropout", 0.2, "dropout rate before the classifier (no effect on the tensors)"));
    }

    /** {@code mobilenet_v2(weights, progress, **kwargs)}: weights fix num_classes; then the model. */
    private static Module mobilenetV2(Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new MobileNetV2(Options.of(kwargs), InvertedResidual::new, Layers::batchNorm2d);
    }

    /**
     * The {@link #classArgs()} that shape the model, read and checked as {@code MobileNetV2.__init__} checks
     * them.
     *
     * @param numClasses   {@code num_classes}
     * @param widthMult    {@code width_mult}
     * @param roundNearest {@code round_nearest}
     */
    public record Options(long numClasses, double widthMult, long roundNearest, double dropout) {
        /**
         * Reads the arguments, refusing what Python refuses, in its order: {@code round_nearest=0}
         * ({@code _make_divisible} divides by it: ZeroDivisionError), then a {@code dropout} outside [0, 1]
         * ({@code nn.Dropout}'s ValueError).
         */
        public static Options of(Kwargs kwargs) {
            long roundNearest = kwargs.integer("round_nearest");
            if (roundNearest == 0) {
                throw kwargs.refuse("round_nearest=0: integer division or modulo by zero");
            }
            double dropout = kwargs.real("dropout");
            Layers.dropout(dropout);
            return new Options(kwargs.integer("num_classes"), kwargs.real("width_mult"), roundNearest, dropout);
        }
    }

    /**
     * {@code MobileNetV2(num_classes, width_mult, round_nearest=round_nearest, block=block,
     * norm_layer=norm)} with the default {@code inverted_residual_setting}: {@code features} (stem, the
     * inverted residual blocks, the 1x1 head conv) and {@code classifier} (Dropout, Linear).
     */
    public MobileNetV2(Options options, Block block, LongFunction<Module> norm) {
        double widthMult = options.widthMult();
        long roundNearest = options.roundNearest();
        long inputChannel = makeDivisible(INPUT_CHANNEL * widthMult, roundNearest);
        // The last conv never shrinks below 1280 channels (before rounding), however small width_mult is.
        long lastChannel = makeDivisible(LAST_CHANNEL * Math.max(1.0, widthMult), roundNearest);
        Sequential features = new Sequential(conv2dNormActivation(3, inputChannel, 3, 2, 1, norm, Layers::relu6, 1));
        for (long[] row : INVERTED_RESIDUAL_SETTING) {
            long t = row[0];
            long n = row[2];
            long s = row[3];
            long outputChannel = makeDivisible(row[1] * widthMult, roundNearest);
            for (long i = 0; i < n; i++) {
                long stride = i == 0 ? s : 1;
                features.append(block.create(inputChannel, outputChannel, stride, t, norm));
                inputChannel = outputChannel;
            }
        }
        features.append(conv2dNormActivation(inputChannel, lastChannel, 1, 1, 1, norm, Layers::relu6, 1));
        add("features", features);
        add("classifier", new Sequential(Layers.dropout(options.dropout()), linear(lastChannel, options.numClasses())));
    }

    /**
     * This model as torchvision's {@code QuantizableMobileNetV2} ({@code models/quantization/mobilenetv2.py},
     * {@code quantize=False}): {@code quant}/{@code dequant} around {@code _forward_impl}, each block a
     * {@code QuantizableInvertedResidual} (residual add through {@code skip_add}), and {@code _replace_relu}'s
     * ReLU in place of every ReLU6. No tensor is added; returns this model.
     */
    public MobileNetV2 quantizable() {
        quantizable = true;
        className("QuantizableMobileNetV2");
        add("quant", Layers.quantStub());
        add("dequant", Layers.deQuantStub());
        for (Module block : child("features").childrenWithEmptyPlaces().values()) {
            if (block instanceof InvertedResidual residual) {
                residual.quantizable();
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

    /** {@code _forward_impl}: features, functional adaptive average pool to 1x1, flatten, classifier. */
    private Shape forwardImpl(Trace t, Shape x) {
        x = call(t, "features", x);
        x = Pool.adaptive(x, 1, 1);
        x = Reshape.flatten(x, 1, -1);
        return call(t, "classifier", x);
    }

    /**
     * {@code InvertedResidual(inp, oup, stride, expand_ratio, norm_layer)}: one Sequential {@code conv} of the
     * 1x1 expansion (only when {@code expand_ratio != 1}), the depthwise 3x3, the linear 1x1 projection and its
     * norm.
     */
    public static class InvertedResidual extends Module {
        public InvertedResidual(long inp, long oup, long stride, long expandRatio, LongFunction<Module> norm) {
            if (stride != 1 && stride != 2) {
                // torchvision's words, spelling included.
                throw new IllegalArgumentException("stride should be 1 or 2 insted of " + stride);
            }
            useResConnect = stride == 1 && inp == oup;
            // int(round(inp * expand_ratio)): the ratio is an int, so the product is already whole.
            long hiddenDim = Dims.mul(inp, expandRatio);
            Sequential conv = new Sequential();
            if (expandRatio != 1) {
                conv.append(conv2dNormActivation(inp, hiddenDim, 1, 1, 1, norm, Layers::relu6, 1));
            }
            conv.append(conv2dNormActivation(hiddenDim, hiddenDim, 3, stride, hiddenDim, norm, Layers::relu6, 1));
            conv.append(conv2d(hiddenDim, oup, 1, 1, false));
            conv.append(norm.apply(oup));
            add("conv", conv);
        }

        private final boolean useResConnect;
        private boolean quantizable;

        /**
         * {@code x + self.conv(x)} when the block keeps stride 1 and width, else {@code self.conv(x)}; the
         * quantizable block adds through {@code self.skip_add.add(x, self.conv(x))}.
         */
        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = call(t, "conv", x);
            if (quantizable && useResConnect) {
                return call(t, "skip_add", "activation_post_process", Reshape.broadcast(x, y));
            }
            return useResConnect ? Reshape.broadcast(x, y) : y;
        }

        /** {@code QuantizableInvertedResidual}: adds {@code skip_add}, a FloatFunctional. */
        void quantizable() {
            quantizable = true;
            className("QuantizableInvertedResidual");
            add("skip_add", Layers.floatFunctional());
        }
    }
}
