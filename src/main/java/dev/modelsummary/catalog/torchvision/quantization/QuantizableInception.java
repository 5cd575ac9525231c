package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.Inception;
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/quantization/inception.py} (0.14.1): quantized_inception_v3 as {@code quantize=False}
 * builds it. The Quantizable blocks add only ReLU and FloatFunctional modules, but the builder differs from
 * the float one: weights do not overwrite {@code init_weights}, and after loading them it drops
 * {@code AuxLogits} unless the user asked for aux_logits.
 */
public final class QuantizableInception {
    private QuantizableInception() {
    }

    public static List<Builder> builders() {
        List<Arg> args = new ArrayList<>(List.of(Args.weights(Inception.WEIGHTS), Args.progress(), Quantize.arg()));
        args.addAll(Inception.modelArgs());
        return List.of(Builder.of("quantized_inception_v3", Task.QUANTIZABLE_IMAGE_CLASSIFICATION, args,
                QuantizableInception::inceptionV3));
    }

    /** {@code quantization.inception_v3(weights, progress, quantize=False, **kwargs)}. */
    private static Module inceptionV3(Kwargs kwargs) {
        Quantize.requireFloat(kwargs);
        // original_aux_logits = kwargs.get("aux_logits", False): read before the weights overwrite it.
        boolean originalAuxLogits = kwargs.isGiven("aux_logits") && kwargs.bool("aux_logits");
        var weights = kwargs.weights("weights");
        weights.ifPresent(w -> {
            if (!kwargs.isGiven("transform_input")) {
                kwargs.overwrite("transform_input", true);
            }
            kwargs.overwrite("aux_logits", true);
            kwargs.overwrite("num_classes", w.categories());
        });
        Module model = new Model(kwargs.integer("num_classes"), kwargs.bool("aux_logits"));
        if (weights.isPresent() && !originalAuxLogits) {
            model.replace("AuxLogits", null);
        }
        return model;
    }

    /**
     * {@code inception_blocks=[QuantizableBasicConv2d, QuantizableInceptionA, ..., QuantizableInceptionE,
     * QuantizableInceptionAux]}.
     */
    static final Inception.Blocks BLOCKS = new Inception.Blocks() {
        @Override
        public Module conv(long in, long out, long kernelH, long kernelW, long stride, long padH, long padW) {
            return new QuantizableBasicConv2d(in, out, kernelH, kernelW, stride, padH, padW);
        }

        @Override
        public Module inceptionA(long in, long poolFeatures) {
            return new QuantizableInceptionA(in, poolFeatures, this);
        }

        @Override
        public Module inceptionB(long in) {
            return new QuantizableInceptionB(in, this);
        }

        @Override
        public Module inceptionC(long in, long channels7x7) {
            return new QuantizableInceptionC(in, channels7x7, this);
        }

        @Override
        public Module inceptionD(long in) {
            return new QuantizableInceptionD(in, this);
        }

        @Override
        public Module inceptionE(long in) {
            return new QuantizableInceptionE(in, this);
        }

        @Override
        public Module inceptionAux(long in, long numClasses) {
            return new QuantizableInceptionAux(in, numClasses, this);
        }
    };

    /** {@code QuantizableInception3}: {@code _transform_input} (no call), quant, {@code _forward}, dequant. */
    static final class Model extends Inception.Inception3 {
        Model(long numClasses, boolean auxLogits) {
            super(numClasses, auxLogits, BLOCKS);
            className("QuantizableInception3");
            add("quant", Layers.quantStub());
            add("dequant", Layers.deQuantStub());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "dequant", super.forward(t, call(t, "quant", x)));
        }
    }

    /** {@code QuantizableBasicConv2d}: conv, bn, and {@code self.relu} (a module, so a call). */
    static final class QuantizableBasicConv2d extends Inception.BasicConv2d {
        QuantizableBasicConv2d(long in, long out, long kernelH, long kernelW, long stride, long padH, long padW) {
            super(in, out, kernelH, kernelW, stride, padH, padW);
            add("relu", Layers.relu());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "relu", super.forward(t, x));
        }
    }

    /** {@code QuantizableInceptionA}: the branches, then {@code self.myop.cat(outputs, 1)}. */
    static final class QuantizableInceptionA extends Inception.InceptionA {
        QuantizableInceptionA(long in, long poolFeatures, Inception.Blocks blocks) {
            super(in, poolFeatures, blocks);
            add("myop", Layers.floatFunctional());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "myop", "activation_post_process", super.forward(t, x));
        }
    }

    /** {@code QuantizableInceptionB}: the branches, then {@code self.myop.cat(outputs, 1)}. */
    static final class QuantizableInceptionB extends Inception.InceptionB {
        QuantizableInceptionB(long in, Inception.Blocks blocks) {
            super(in, blocks);
            add("myop", Layers.floatFunctional());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "myop", "activation_post_process", super.forward(t, x));
        }
    }

    /** {@code QuantizableInceptionC}: the branches, then {@code self.myop.cat(outputs, 1)}. */
    static final class QuantizableInceptionC extends Inception.InceptionC {
        QuantizableInceptionC(long in, long channels7x7, Inception.Blocks blocks) {
            super(in, channels7x7, blocks);
            add("myop", Layers.floatFunctional());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "myop", "activation_post_process", super.forward(t, x));
        }
    }

    /** {@code QuantizableInceptionD}: the branches, then {@code self.myop.cat(outputs, 1)}. */
    static final class QuantizableInceptionD extends Inception.InceptionD {
        QuantizableInceptionD(long in, Inception.Blocks blocks) {
            super(in, blocks);
            add("myop", Layers.floatFunctional());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "myop", "activation_post_process", super.forward(t, x));
        }
    }

    /**
     * {@code QuantizableInceptionE}: its {@code _forward} concatenates the split 3x3 through {@code myop1} and
     * the split double 3x3 through {@code myop2}; {@code forward} the four branches through {@code myop3}.
     */
    static final class QuantizableInceptionE extends Inception.InceptionE {
        QuantizableInceptionE(long in, Inception.Blocks blocks) {
            super(in, blocks);
            add("myop1", Layers.floatFunctional());
            add("myop2", Layers.floatFunctional());
            add("myop3", Layers.floatFunctional());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape b1x1 = call(t, "branch1x1", x);
            Shape b3x3 = call(t, "branch3x3_1", x);
            b3x3 = Reshape.cat(List.of(call(t, "branch3x3_2a", b3x3), call(t, "branch3x3_2b", b3x3)), 1);
            b3x3 = call(t, "myop1", "activation_post_process", b3x3);
            Shape dbl = call(t, "branch3x3dbl_2", call(t, "branch3x3dbl_1", x));
            dbl = Reshape.cat(List.of(call(t, "branch3x3dbl_3a", dbl), call(t, "branch3x3dbl_3b", dbl)), 1);
            dbl = call(t, "myop2", "activation_post_process", dbl);
            Shape pool = call(t, "branch_pool", Pool.output(x, new long[] {3, 3}, new long[] {1}, new long[] {1},
                    new long[] {1}, false));
            return call(t, "myop3", "activation_post_process", Reshape.cat(List.of(b1x1, b3x3, dbl, pool), 1));
        }
    }

    /** {@code QuantizableInceptionAux}: the float one with QuantizableBasicConv2d blocks; never called in eval. */
    static final class QuantizableInceptionAux extends Inception.InceptionAux {
        QuantizableInceptionAux(long in, long numClasses, Inception.Blocks blocks) {
            super(in, numClasses, blocks);
        }
    }
}
