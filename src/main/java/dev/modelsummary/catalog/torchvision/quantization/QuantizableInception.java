package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.Inception;
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
        Module model = new Inception.Inception3(kwargs.integer("num_classes"), kwargs.bool("aux_logits"),
                Inception.DEFAULT_BLOCKS);
        if (weights.isPresent() && !originalAuxLogits) {
            model.replace("AuxLogits", null);
        }
        return model;
    }
}
