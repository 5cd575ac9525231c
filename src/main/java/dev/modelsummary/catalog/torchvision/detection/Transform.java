package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * torchvision {@code models/detection/transform.py} (0.14.1): {@code GeneralizedRCNNTransform}, which
 * normalises and resizes the input images and registers no tensors.
 */
final class Transform {
    private Transform() {
    }

    /**
     * {@code GeneralizedRCNNTransform(min_size, max_size, image_mean, image_std, size_divisible=...)} of the
     * detectors that take {@code min_size}, {@code max_size} and {@code size_divisible} as keyword arguments
     * (Keypoint R-CNN's {@code min_size=None} is {@code (640, ..., 800)}: eval uses the last, 800).
     */
    static GeneralizedRCNNTransform generalizedRCNNTransform(Kwargs kwargs) {
        Long minSize = kwargs.optionalInteger("min_size");
        return new GeneralizedRCNNTransform(minSize == null ? 800 : minSize, kwargs.integer("max_size"),
                kwargs.integer("size_divisible"), null);
    }

    /**
     * {@code GeneralizedRCNNTransform}: no tensors; in eval each image {@code (C, H, W)} is normalised
     * ({@code (image - mean[:, None, None]) / std[:, None, None]}, three channels), resized by
     * {@code _resize_image_and_masks} (bilinear, to {@code fixed_size} or by the scale
     * {@code min(min_size / min(H, W), max_size / max(H, W))}), and the batch is padded to a multiple of
     * {@code size_divisible}. Its hooked output is the {@code ImageList}'s padded {@code tensors}.
     */
    static final class GeneralizedRCNNTransform extends Module {
        private final double minSize;
        private final double maxSize;
        private final long sizeDivisible;
        private final long[] fixedSize;

        /** {@code fixedSize} null: no {@code fixed_size}; else {@code (width, height)} as torchvision orders it. */
        GeneralizedRCNNTransform(long minSize, long maxSize, long sizeDivisible, long[] fixedSize) {
            this.minSize = minSize;
            this.maxSize = maxSize;
            this.sizeDivisible = sizeDivisible;
            this.fixedSize = fixedSize;
        }

        /**
         * {@code transform(list(images))} for a batch {@code (N, C, H, W)}: N images {@code (C, H, W)}, all of
         * one size; the padded batch {@code (N, 3, H', W')}.
         */
        @Override
        public Shape forward(Trace t, Shape images) {
            if (images.rank() < 1) {
                throw new ShapeException("iteration over a 0-d tensor");
            }
            long n = images.dim(0);
            long[] imageDims = java.util.Arrays.copyOfRange(images.dims(), 1, images.rank());
            Shape image = Shape.of(imageDims);
            if (image.rank() != 3) {
                throw new ShapeException("images is expected to be a list of 3d tensors of shape [C, H, W], got "
                        + "torch.Size(" + java.util.Arrays.toString(imageDims) + ")");
            }
            if (n == 0) {
                // images[0].new_full(...) on an empty list
                throw new ShapeException("list index out of range");
            }
            image = Reshape.broadcast(image, Shape.of(3, 1, 1)); // normalize: mean and std have 3 entries
            long[] size = resizedSize(image.dim(1), image.dim(2));
            long height = Exact.mul(ceilDiv(size[0], sizeDivisible), sizeDivisible);
            long width = Exact.mul(ceilDiv(size[1], sizeDivisible), sizeDivisible);
            return Shape.of(n, image.dim(0), height, width);
        }

        /**
         * {@code _resize_image_and_masks} in eval: {@code F.interpolate(image[None], size or scale_factor,
         * recompute_scale_factor=True)}. The scale is a float32 0-d tensor: {@code self_min_size / min_size} is
         * {@code min_size.reciprocal() * self_min_size} ({@code Tensor.__rtruediv__}), both in float32, then
         * {@code .item()}; interpolate's output size is {@code floor(float(in) * scale)} in double.
         */
        long[] resizedSize(long h, long w) {
            long outH;
            long outW;
            if (fixedSize != null) {
                outH = fixedSize[1];
                outW = fixedSize[0];
            } else {
                float min = Math.min(h, w);
                float max = Math.max(h, w);
                float byMin = (1f / min) * (float) minSize;
                float byMax = (1f / max) * (float) maxSize;
                double scale = Math.min(byMin, byMax);
                outH = (long) Math.floor((double) h * scale);
                outW = (long) Math.floor((double) w * scale);
            }
            if (h <= 0 || w <= 0 || outH <= 0 || outW <= 0) {
                throw new ShapeException("Input and output sizes should be greater than 0, but got input (H: " + h
                        + ", W: " + w + ") output (H: " + outH + ", W: " + outW + ")");
            }
            return new long[] {outH, outW};
        }

        /** {@code int(math.ceil(float(size) / stride) * stride)}'s ceiling, in exact integers. */
        private static long ceilDiv(long size, long divisor) {
            return Math.floorDiv(size + divisor - 1, divisor);
        }
    }

    /**
     * {@code min_size} and {@code max_size}, which every detector's {@code __init__} takes and passes to its
     * transform ({@code minSize} null: {@code min_size=None}, Keypoint R-CNN's default).
     */
    static List<Arg> sizeArgs(Long minSize, long maxSize) {
        String minHelp = "minimum size of the rescaled image (no effect on the tensors)";
        return List.of(
                minSize == null ? Arg.optionalInteger("min_size", minHelp) : Arg.integer("min_size", minSize, minHelp),
                Arg.integer("max_size", maxSize, "maximum size of the rescaled image (no effect on the tensors)"));
    }

    /** {@code size_divisible}, which the detectors pass on to the transform through their {@code **kwargs}. */
    static Arg sizeDivisible() {
        return Arg.integer("size_divisible", 32, "pad images to a multiple of this (no effect on the tensors)");
    }
}
