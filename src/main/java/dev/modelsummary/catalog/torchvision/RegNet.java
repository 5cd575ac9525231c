package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/regnet.py} (0.14.1). Not ported yet: offers no builders. */
public final class RegNet {
    private RegNet() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
