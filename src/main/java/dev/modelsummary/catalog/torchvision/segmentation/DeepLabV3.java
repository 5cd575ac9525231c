package dev.modelsummary.catalog.torchvision.segmentation;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/segmentation/deeplabv3.py} (0.14.1). Not ported yet: offers no builders. */
public final class DeepLabV3 {
    private DeepLabV3() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
