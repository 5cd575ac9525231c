package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.conv2d;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.PartialTraceException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import dev.modelsummary.catalog.torchvision.detection.AnchorUtils.AnchorGenerator;

/** torchvision {@code models/detection/rpn.py} (0.14.1): {@code RPNHead} and {@code RegionProposalNetwork}. */
final class RPN {
    private RPN() {
    }

    /**
     * {@code RPNHead(in_channels, num_anchors, conv_depth)}: {@code conv} (conv_depth 3x3 Conv2dNormActivation
     * without norm, hence with bias, and ReLU), {@code cls_logits} and {@code bbox_pred} (1x1).
     */
    static Module rpnHead(long inChannels, long numAnchors, int convDepth) {
        return new RPNHead(inChannels, numAnchors, convDepth);
    }

    /** {@code RPNHead}: per level {@code t = conv(feature)}, {@code cls_logits(t)}, {@code bbox_pred(t)}. */
    static final class RPNHead extends Module {
        RPNHead(long inChannels, long numAnchors, int convDepth) {
            Sequential convs = new Sequential();
            for (int i = 0; i < convDepth; i++) {
                convs.append(Misc.conv2dNormActivation(inChannels, inChannels, 3, 1, 1, null, Layers::relu, 1));
            }
            add("conv", convs);
            add("cls_logits", conv2d(inChannels, numAnchors, 1));
            add("bbox_pred", conv2d(inChannels, Dims.mul(numAnchors, 4), 1));
        }

        /** {@code forward(x: List[Tensor])}: {@code (logits, bbox_reg)}, every level's logits first. */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> features) {
            List<Shape> logits = new ArrayList<>();
            List<Shape> bboxReg = new ArrayList<>();
            for (Shape feature : features) {
                Shape x = call(t, "conv", feature);
                logits.add(call(t, "cls_logits", x));
                bboxReg.add(call(t, "bbox_pred", x));
            }
            logits.addAll(bboxReg);
            return logits;
        }
    }

    /**
     * {@code RegionProposalNetwork(anchor_generator, head, ...)}: the two children; its box coder, matcher and
     * sampler are plain objects (the matcher's threshold check is {@link DetectionUtils#matcher}).
     */
    static Module regionProposalNetwork(AnchorGenerator anchorGenerator, Module head) {
        return new RegionProposalNetwork(anchorGenerator, head);
    }

    /**
     * {@code RegionProposalNetwork}: in eval, {@code head(features)}, {@code anchor_generator(images, features)},
     * then {@code filter_proposals}, whose batched NMS keeps a number of boxes that depends on the image: the
     * trace stops there ({@link PartialTraceException}).
     */
    static final class RegionProposalNetwork extends Module {
        RegionProposalNetwork(AnchorGenerator anchorGenerator, Module head) {
            add("anchor_generator", anchorGenerator);
            add("head", head);
        }

        /** {@code forward(images, features)} on {@code [images, map_0, map_1, ...]}. */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> features = xs.subList(1, xs.size());
            callOutputs(t, "head", features);
            callOutputs(t, "anchor_generator", xs);
            throw new PartialTraceException(t, "rpn.filter_proposals", "the number of proposals NMS keeps "
                    + "(at most rpn_post_nms_top_n_test per image) depends on the image, and roi_heads runs on them");
        }
    }
}
