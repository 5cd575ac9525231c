package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/efficientnet.py} (0.14.1). Not ported yet: offers no builders. */
public final class EfficientNet {
    private EfficientNet() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
