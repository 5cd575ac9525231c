package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/mnasnet.py} (0.14.1). Not ported yet: offers no builders. */
public final class MNASNet {
    private MNASNet() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
