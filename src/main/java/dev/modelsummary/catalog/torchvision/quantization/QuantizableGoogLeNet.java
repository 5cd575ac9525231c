package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.GoogLeNet;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/quantization/googlenet.py} (0.14.1): quantized_googlenet as {@code quantize=False}
 * builds it. Its builder handles weights exactly as the float googlenet's does (aux heads dropped unless asked
 * for); the model is {@code QuantizableGoogLeNet}, built from {@code QuantizableBasicConv2d} (its {@code relu}
 * a module, called), {@code QuantizableInception} (concatenating through its FloatFunctional {@code cat}) and
 * {@code QuantizableInceptionAux} (with a {@code relu} module): the float {@link GoogLeNet}'s tensors, nothing
 * added.
 */
public final class QuantizableGoogLeNet {
    private QuantizableGoogLeNet() {
    }

    public static List<Builder> builders() {
        List<Arg> args = new ArrayList<>(List.of(Args.weights(GoogLeNet.WEIGHTS), Args.progress(), Quantize.arg()));
        args.addAll(GoogLeNet.modelArgs());
        return List.of(Builder.of("quantized_googlenet", Task.QUANTIZABLE_IMAGE_CLASSIFICATION, args, kwargs -> {
            Quantize.requireFloat(kwargs);
            return GoogLeNet.googlenet(kwargs, (numClasses, auxLogits) -> new Model(numClasses, auxLogits));
        }));
    }

    /** {@code blocks=[QuantizableBasicConv2d, QuantizableInception, QuantizableInceptionAux]}. */
    static final GoogLeNet.Blocks BLOCKS = new GoogLeNet.Blocks() {
        @Override
        public Module conv(long in, long out, long kernel, long stride, long padding) {
            return new QuantizableBasicConv2d(in, out, kernel, stride, padding);
        }

        @Override
        public Module inception(long in, long ch1x1, long ch3x3red, long ch3x3, long ch5x5red, long ch5x5,
                                long poolProj) {
            return new QuantizableInception(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj, this);
        }

        @Override
        public Module inceptionAux(long in, long numClasses) {
            return new QuantizableInceptionAux(in, numClasses, this);
        }
    };

    /**
     * {@code QuantizableGoogLeNet}: {@code _transform_input} (elementwise, no call), {@code quant},
     * {@code _forward}, {@code dequant}.
     */
    static final class Model extends GoogLeNet {
        Model(long numClasses, boolean auxLogits) {
            super(numClasses, auxLogits, BLOCKS);
            className("QuantizableGoogLeNet");
            add("quant", Layers.quantStub());
            add("dequant", Layers.deQuantStub());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "dequant", super.forward(t, call(t, "quant", x)));
        }
    }

    /** {@code QuantizableBasicConv2d}: conv, bn, and {@code self.relu} (a module, so a call). */
    static final class QuantizableBasicConv2d extends GoogLeNet.BasicConv2d {
        QuantizableBasicConv2d(long in, long out, long kernel, long stride, long padding) {
            super(in, out, kernel, stride, padding);
            add("relu", Layers.relu());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "relu", super.forward(t, x));
        }
    }

    /** {@code QuantizableInception}: the four branches, then {@code self.cat.cat(outputs, 1)}. */
    static final class QuantizableInception extends GoogLeNet.Inception {
        QuantizableInception(long in, long ch1x1, long ch3x3red, long ch3x3, long ch5x5red, long ch5x5,
                             long poolProj, GoogLeNet.Blocks blocks) {
            super(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj, blocks);
            add("cat", Layers.floatFunctional());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape out = Reshape.cat(List.of(call(t, "branch1", x), call(t, "branch2", x), call(t, "branch3", x),
                    call(t, "branch4", x)), 1);
            return call(t, "cat", "activation_post_process", out);
        }
    }

    /** {@code QuantizableInceptionAux}: adds a {@code relu} module; never called in eval. */
    static final class QuantizableInceptionAux extends GoogLeNet.InceptionAux {
        QuantizableInceptionAux(long in, long numClasses, GoogLeNet.Blocks blocks) {
            super(in, numClasses, blocks);
            add("relu", Layers.relu());
        }
    }
}
