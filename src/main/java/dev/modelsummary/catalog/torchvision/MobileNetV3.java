package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/mobilenetv3.py} (0.14.1). Not ported yet: offers no builders. */
public final class MobileNetV3 {
    private MobileNetV3() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
