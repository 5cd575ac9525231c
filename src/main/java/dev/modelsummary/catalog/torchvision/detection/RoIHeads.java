package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.nn.Module;

/**
 * torchvision {@code models/detection/roi_heads.py} (0.14.1): {@code RoIHeads}, the second stage of the
 * R-CNN detectors.
 */
final class RoIHeads extends Module {

    /**
     * {@code RoIHeads(box_roi_pool, box_head, box_predictor, ...)} with no mask or keypoint branch: those
     * start as {@code None} plain attributes, so Mask and Keypoint R-CNN, which set them afterwards, register
     * them after the box branch ({@link #add}).
     */
    RoIHeads(Module boxRoiPool, Module boxHead, Module boxPredictor) {
        add("box_roi_pool", boxRoiPool);
        add("box_head", boxHead);
        add("box_predictor", boxPredictor);
    }
}
