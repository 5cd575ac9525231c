package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/detection/fcos.py} (0.14.1). Not ported yet: offers no builders. */
public final class FCOS {
    private FCOS() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
