package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/detection/keypoint_rcnn.py} (0.14.1). Not ported yet: offers no builders. */
public final class KeypointRCNN {
    private KeypointRCNN() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
