package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.nn.Module;

/** torchvision {@code models/detection/anchor_utils.py} (0.14.1): the {@code AnchorGenerator} the detectors use. */
final class AnchorUtils {
    private AnchorUtils() {
    }

    /**
     * {@code AnchorGenerator(sizes, aspect_ratios)}: one tuple of sizes and one of aspect ratios per feature map.
     * Its cell anchors are a plain list of tensors, not buffers, so it registers nothing; what the heads need
     * from it is {@link #numAnchorsPerLocation()}.
     */
    static final class AnchorGenerator extends Module {
        private final long[][] sizes;
        private final double[][] aspectRatios;

        AnchorGenerator(long[][] sizes, double[][] aspectRatios) {
            this.sizes = sizes;
            this.aspectRatios = aspectRatios;
        }

        /** {@code [len(s) * len(a) for s, a in zip(self.sizes, self.aspect_ratios)]}. */
        long[] numAnchorsPerLocation() {
            int levels = Math.min(sizes.length, aspectRatios.length);
            long[] counts = new long[levels];
            for (int i = 0; i < levels; i++) {
                counts[i] = (long) sizes[i].length * aspectRatios[i].length;
            }
            return counts;
        }
    }

    /** {@code (ratios,) * levels}: the same aspect ratios for every level. */
    static double[][] repeat(int levels, double... ratios) {
        double[][] repeated = new double[levels][];
        for (int i = 0; i < levels; i++) {
            repeated[i] = ratios.clone();
        }
        return repeated;
    }
}
