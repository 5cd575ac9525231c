package dev.modelsummary.catalog.torchvision.opticalflow;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/optical_flow/raft.py} (0.14.1). Not ported yet: offers no builders. */
public final class RAFT {
    private RAFT() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
