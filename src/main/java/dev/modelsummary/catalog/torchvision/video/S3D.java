package dev.modelsummary.catalog.torchvision.video;

import dev.modelsummary.catalog.Builder;
import java.util.List;

/** torchvision {@code models/video/s3d.py} (0.14.1). Not ported yet: offers no builders. */
public final class S3D {
    private S3D() {
    }

    public static List<Builder> builders() {
        return List.of();
    }
}
