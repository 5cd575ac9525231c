package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/convnext.py} (0.14.1). Not ported yet: offers no builders. */
public final class ConvNeXt {
    private ConvNeXt() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
