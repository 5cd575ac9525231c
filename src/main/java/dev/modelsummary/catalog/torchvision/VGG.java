package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/vgg.py} (0.14.1). Not ported yet: offers no builders. */
public final class VGG {
    private VGG() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
