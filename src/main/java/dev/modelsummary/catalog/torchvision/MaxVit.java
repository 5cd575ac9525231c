package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/maxvit.py} (0.14.1). Not ported yet: offers no builders. */
public final class MaxVit {
    private MaxVit() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
