package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

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

        /**
         * {@code forward(image_list, feature_maps)} on {@code [images, map_0, map_1, ...]}: per image one tensor
         * of every level's anchors, {@code (sum of A_l * H_l * W_l, 4)}; adds and reshapes only, 0 FLOPs.
         */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            long[] perLocation = numAnchorsPerLocation();
            List<Shape> maps = xs.subList(1, xs.size());
            if (maps.size() != perLocation.length) {
                throw new ShapeException("Anchors should be Tuple[Tuple[int]] because each feature map could "
                        + "potentially have different sizes and aspect ratios. There needs to be a match between "
                        + "the number of feature maps passed and the number of sizes / aspect ratios specified.");
            }
            long anchors = 0;
            for (int i = 0; i < maps.size(); i++) {
                Shape map = maps.get(i);
                anchors = Exact.add(anchors, Exact.product(perLocation[i], map.dim(map.rank() - 2),
                        map.dim(map.rank() - 1)));
            }
            List<Shape> out = new ArrayList<>();
            for (long i = 0; i < xs.get(0).dim(0); i++) {
                out.add(Shape.of(anchors, 4));
            }
            return out;
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
