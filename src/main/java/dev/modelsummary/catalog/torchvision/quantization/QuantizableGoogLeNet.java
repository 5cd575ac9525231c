package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.torchvision.GoogLeNet;
import java.util.List;

/**
 * torchvision {@code models/quantization/googlenet.py} (0.14.1): quantized_googlenet as {@code quantize=False}
 * builds it. Its builder handles weights exactly as the float googlenet's does (aux heads dropped unless asked
 * for), and the Quantizable blocks add only ReLU and FloatFunctional modules, so it is the float
 * {@link GoogLeNet} (see {@link Quantize}).
 */
public final class QuantizableGoogLeNet {
    private QuantizableGoogLeNet() {
    }

    public static List<Builder> builders() {
        return List.of(Quantize.wrap("quantized_googlenet",
                Quantize.floatBuilder(GoogLeNet.builders(), "googlenet"), m -> m));
    }
}
