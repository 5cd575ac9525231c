package dev.modelsummary.catalog.torchvision.video;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/video/resnet.py} (0.14.1). Not ported yet: offers no builders. */
public final class VideoResNet {
    private VideoResNet() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
