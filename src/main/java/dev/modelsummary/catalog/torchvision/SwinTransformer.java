package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/swin_transformer.py} (0.14.1). Not ported yet: offers no builders. */
public final class SwinTransformer {
    private SwinTransformer() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
