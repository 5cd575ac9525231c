package dev.modelsummary.catalog.torchvision.segmentation;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/segmentation/lraspp.py} (0.14.1). Not ported yet: offers no builders. */
public final class LRASPP {
    private LRASPP() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
