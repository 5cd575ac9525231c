package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Kwargs;

/**
 * The {@code quantize} argument every quantization builder takes. {@code quantize=False} (the default) builds
 * the float, quantizable model, which is what is built in; {@code quantize=True} would convert it to int8
 * packed parameters, which is not.
 */
final class Quantize {
    private Quantize() {
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
}
