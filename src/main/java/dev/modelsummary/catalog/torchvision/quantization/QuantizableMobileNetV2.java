package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.torchvision.MobileNetV2;
import java.util.List;

/**
 * torchvision {@code models/quantization/mobilenetv2.py} (0.14.1): quantized_mobilenet_v2 as {@code quantize=False} builds them, with
 * the tensors of the float {@link MobileNetV2} (see {@link Quantize}).
 */
public final class QuantizableMobileNetV2 {
    private QuantizableMobileNetV2() {
    }

    public static List<Builder> builders() {
        List<Builder> family = MobileNetV2.builders();
        return List.of(
                Quantize.wrap("quantized_mobilenet_v2", Quantize.floatBuilder(family, "mobilenet_v2"),
                        m -> Quantize.replaceRelu(((MobileNetV2) m).quantizable())));
    }
}
