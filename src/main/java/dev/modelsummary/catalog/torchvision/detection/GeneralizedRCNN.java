package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/detection/generalized_rcnn.py} (0.14.1): {@code GeneralizedRCNN}, the base of
 * Faster, Mask and Keypoint R-CNN.
 */
class GeneralizedRCNN extends Module {

    /** {@code GeneralizedRCNN(backbone, rpn, roi_heads, transform)}: registers transform first. */
    GeneralizedRCNN(Module backbone, Module rpn, Module roiHeads, Kwargs kwargs) {
        add("transform", Transform.generalizedRCNNTransform(kwargs));
        add("backbone", backbone);
        add("rpn", rpn);
        add("roi_heads", roiHeads);
    }

    /**
     * {@code forward(images)} in eval for a batch {@code (N, C, H, W)} ({@code list(batch)}): {@code transform},
     * {@code backbone(images.tensors)}, {@code rpn(images, features)}, which stops the trace where its NMS
     * makes the counts depend on the image.
     */
    @Override
    public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
        Shape images = call(t, "transform", xs.get(0));
        List<Shape> features = callOutputs(t, "backbone", images);
        List<Shape> rpnIn = new ArrayList<>();
        rpnIn.add(images);
        rpnIn.addAll(features);
        return callOutputs(t, "rpn", rpnIn);
    }
}
