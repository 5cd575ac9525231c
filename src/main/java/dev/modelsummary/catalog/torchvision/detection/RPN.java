package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.torchvision.ops.Misc.conv2dNormActivation;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.detection.AnchorUtils.AnchorGenerator;

/** torchvision {@code models/detection/rpn.py} (0.14.1): {@code RPNHead} and {@code RegionProposalNetwork}. */
final class RPN {
    private RPN() {
    }

    /**
     * {@code RPNHead(in_channels, num_anchors, conv_depth)}: {@code conv} (conv_depth 3x3 Conv2dNormActivation
     * without norm, hence with bias), {@code cls_logits} and {@code bbox_pred} (1x1).
     */
    static Module rpnHead(long inChannels, long numAnchors, int convDepth) {
        Sequential convs = new Sequential();
        for (int i = 0; i < convDepth; i++) {
            convs.append(conv2dNormActivation(inChannels, inChannels, 3, 1, null, true));
        }
        Module head = new Module();
        head.add("conv", convs);
        head.add("cls_logits", conv2d(inChannels, numAnchors, 1));
        head.add("bbox_pred", conv2d(inChannels, Dims.mul(numAnchors, 4), 1));
        return head;
    }

    /**
     * {@code RegionProposalNetwork(anchor_generator, head, ...)}: the two children; its box coder, matcher and
     * sampler are plain objects (the matcher's threshold check is {@link DetectionUtils#matcher}).
     */
    static Module regionProposalNetwork(AnchorGenerator anchorGenerator, Module head) {
        Module rpn = new Module();
        rpn.add("anchor_generator", anchorGenerator);
        rpn.add("head", head);
        return rpn;
    }
}
