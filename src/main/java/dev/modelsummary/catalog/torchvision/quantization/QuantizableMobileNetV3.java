package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.torchvision.MobileNetV3;
import java.util.List;

/**
 * torchvision {@code models/quantization/mobilenetv3.py} (0.14.1): quantized_mobilenet_v3_large as {@code quantize=False} builds them, with
 * the tensors of the float {@link MobileNetV3} (see {@link Quantize}).
 */
public final class QuantizableMobileNetV3 {
    private QuantizableMobileNetV3() {
    }

    public static List<Builder> builders() {
        List<Builder> family = MobileNetV3.builders();
        return List.of(
                Quantize.wrap("quantized_mobilenet_v3_large", Quantize.floatBuilder(family, "mobilenet_v3_large"),
                        m -> ((MobileNetV3) m).quantizable()));
    }
}
