package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;

/**
 * torchvision {@code models/detection/transform.py} (0.14.1): {@code GeneralizedRCNNTransform}, which
 * normalises and resizes the input images and registers no tensors.
 */
final class Transform {
    private Transform() {
    }

    /** {@code GeneralizedRCNNTransform(min_size, max_size, image_mean, image_std, **kwargs)}. */
    static Module generalizedRCNNTransform() {
        return stateless();
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
