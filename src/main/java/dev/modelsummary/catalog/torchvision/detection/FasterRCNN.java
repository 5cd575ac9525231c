package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/detection/faster_rcnn.py} (0.14.1). Not ported yet: offers no builders. */
public final class FasterRCNN {
    private FasterRCNN() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
