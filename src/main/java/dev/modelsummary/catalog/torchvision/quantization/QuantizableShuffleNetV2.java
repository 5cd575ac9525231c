package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/quantization/shufflenetv2.py} (0.14.1). Not ported yet: offers no builders. */
public final class QuantizableShuffleNetV2 {
    private QuantizableShuffleNetV2() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
