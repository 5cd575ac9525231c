package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/mobilenetv2.py} (0.14.1). Not ported yet: offers no builders. */
public final class MobileNetV2 {
    private MobileNetV2() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
