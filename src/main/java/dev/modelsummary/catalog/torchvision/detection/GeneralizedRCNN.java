package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.nn.Module;

/**
 * torchvision {@code models/detection/generalized_rcnn.py} (0.14.1): {@code GeneralizedRCNN}, the base of
 * Faster, Mask and Keypoint R-CNN.
 */
class GeneralizedRCNN extends Module {

    /** {@code GeneralizedRCNN(backbone, rpn, roi_heads, transform)}: registers transform first. */
    GeneralizedRCNN(Module backbone, Module rpn, Module roiHeads) {
        add("transform", Transform.generalizedRCNNTransform());
        add("backbone", backbone);
        add("rpn", rpn);
        add("roi_heads", roiHeads);
    }
}
