package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/quantization/inception.py} (0.14.1). Not ported yet: offers no builders. */
public final class QuantizableInception {
    private QuantizableInception() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
