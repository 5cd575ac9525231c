package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the quantization builders share. Each {@code quantized_X} builder takes the float builder's arguments
 * plus {@code quantize}. With {@code quantize=False} (the default, and the only form built in) it verifies
 * {@code weights} against the float weights enum and builds the Quantizable subclass of the float model, whose
 * additions (FloatFunctional, QuantStub, DeQuantStub, ReLU) hold no tensor: so its tensors are the float
 * model's. {@code quantize=True} would convert it to int8 packed parameters, which is not built in.
 */
final class Quantize {
    private Quantize() {
    }

    /**
     * The quantizable form of {@code floatBuilder} under {@code name}: the float model turned by
     * {@code quantizable} into torchvision's Quantizable class (QuantStub/DeQuantStub calls, FloatFunctional
     * adds, renamed blocks; no tensor added).
     */
    static Builder wrap(String name, Builder floatBuilder, UnaryOperator<Module> quantizable) {
        List<Arg> args = new ArrayList<>(floatBuilder.args());
        // torchvision's signature: (*, weights, progress, quantize, **kwargs).
        args.add(Math.min(2, args.size()), arg());
        return Builder.of(name, Task.QUANTIZABLE_IMAGE_CLASSIFICATION, args, kwargs -> {
            requireFloat(kwargs);
            return quantizable.apply(floatBuilder.factory().build(kwargs));
        });
    }

    /** The float builder of that name among a family's builders. */
    static Builder floatBuilder(List<Builder> family, String name) {
        return family.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no float builder " + name));
    }

    static Arg arg() {
        return Arg.bool("quantize", false, "False: the float, quantizable model (the only form built in)");
    }

    /** Refuses {@code quantize=True}, the one value whose model is not built in. */
    static void requireFloat(Kwargs kwargs) {
        if (kwargs.bool("quantize")) {
            throw kwargs.refuse("quantize=True converts the model to int8 packed parameters, which is not built "
                    + "in; the float, quantizable form (quantize=False) is.");
        }
    }

    /**
     * {@code _replace_relu(model)}: every ReLU and ReLU6 becomes {@code nn.ReLU(inplace=False)} (no tensors, so
     * only the class hooks report changes: ReLU6 becomes ReLU).
     */
    static Module replaceRelu(Module model) {
        for (var child : model.childrenWithEmptyPlaces().entrySet()) {
            if (child.getValue() == null) {
                continue;
            }
            if (child.getValue().className().equals("ReLU6")) {
                model.replace(child.getKey(), Layers.relu());
            } else {
                replaceRelu(child.getValue());
            }
        }
        return model;
    }
}
