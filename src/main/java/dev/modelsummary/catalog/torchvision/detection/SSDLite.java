package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/detection/ssdlite.py} (0.14.1). Not ported yet: offers no builders. */
public final class SSDLite {
    private SSDLite() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
