package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/shufflenetv2.py} (0.14.1). Not ported yet: offers no builders. */
public final class ShuffleNetV2 {
    private ShuffleNetV2() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
