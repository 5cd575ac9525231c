package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.convTranspose2d;
import static dev.modelsummary.catalog.nn.Layers.stateless;
import static dev.modelsummary.catalog.torchvision.detection.BackboneUtils.RESNET50_WEIGHTS;
import static dev.modelsummary.catalog.torchvision.detection.BackboneUtils.weightsBackbone;
import static dev.modelsummary.catalog.torchvision.detection.DetectionUtils.builder;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.detection.AnchorUtils.AnchorGenerator;
import dev.modelsummary.catalog.torchvision.detection.BackboneUtils.BackboneWithFPN;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/detection/mask_rcnn.py} (0.14.1): {@code MaskRCNN}, its mask head and predictor,
 * and the builders maskrcnn_resnet50_fpn and maskrcnn_resnet50_fpn_v2.
 */
public final class MaskRCNN extends FasterRCNN {
    /** {@code mask_layers = (256, 256, 256, 256)}: the default mask head, also v2's. */
    private static final long[] MASK_LAYERS = {256, 256, 256, 256};
    /** {@code mask_predictor_in_channels} and {@code mask_dim_reduced}. */
    private static final long MASK_DIM = 256;

    /** The two public builders; they take Faster R-CNN's arguments. */
    public static List<Builder> builders() {
        return List.of(
                builder("maskrcnn_resnet50_fpn", builderArgs(coco("MaskRCNN_ResNet50_FPN_Weights"),
                        weightsBackbone(RESNET50_WEIGHTS, "IMAGENET1K_V1"), 5, 3, Defaults.STANDARD),
                        MaskRCNN::maskrcnnResnet50Fpn),
                builder("maskrcnn_resnet50_fpn_v2", builderArgs(coco("MaskRCNN_ResNet50_FPN_V2_Weights"),
                        weightsBackbone(RESNET50_WEIGHTS, null), 5, 3, Defaults.STANDARD),
                        MaskRCNN::maskrcnnResnet50FpnV2));
    }

    /** {@code maskrcnn_resnet50_fpn}: Faster R-CNN v1's backbone, the default heads. */
    private static Module maskrcnnResnet50Fpn(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        return new MaskRCNN(resnet50Fpn(kwargs), numClasses, kwargs, null, null, null, null);
    }

    /** {@code maskrcnn_resnet50_fpn_v2}: Faster R-CNN v2's parts, and a mask head with BatchNorm2d. */
    private static Module maskrcnnResnet50FpnV2(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        BackboneWithFPN backbone = resnet50FpnV2(kwargs);
        AnchorGenerator anchorGenerator = defaultAnchorgen();
        return new MaskRCNN(backbone, numClasses, kwargs, anchorGenerator, rpnHeadV2(backbone, anchorGenerator),
                boxHeadV2(backbone), maskRCNNHeads(backbone.outChannels(), MASK_LAYERS, Misc.BATCH_NORM));
    }

    /**
     * {@code MaskRCNN(backbone, num_classes, ..., mask_head=...)}: a Faster R-CNN whose RoIHeads then get
     * {@code mask_roi_pool} (14x14, no tensors), {@code mask_head} (the default when null) and
     * {@code mask_predictor}, in that order after the box branch.
     */
    MaskRCNN(BackboneWithFPN backbone, long numClasses, Kwargs kwargs, AnchorGenerator rpnAnchorGenerator,
             Module rpnHead, Module boxHead, Module maskHead) {
        super(backbone, numClasses, kwargs, rpnAnchorGenerator, rpnHead, boxHead);
        RoIHeads roiHeads = roiHeads();
        roiHeads.add("mask_roi_pool", multiScaleRoIAlign());
        roiHeads.add("mask_head", maskHead != null ? maskHead
                : maskRCNNHeads(backbone.outChannels(), MASK_LAYERS, null));
        roiHeads.add("mask_predictor", maskRCNNPredictor(MASK_DIM, MASK_DIM, numClasses));
    }

    /**
     * {@code MaskRCNNHeads(in_channels, layers, dilation, norm_layer)}: one 3x3 Conv2dNormActivation with ReLU
     * per layer (bias only without norm); the dilation leaves no trace.
     */
    static Sequential maskRCNNHeads(long inChannels, long[] layers, LongFunction<Module> norm) {
        Sequential blocks = new Sequential();
        long next = inChannels;
        for (long features : layers) {
            blocks.append(Misc.conv2dNormActivation(next, features, 3, 1, norm, true));
            next = features;
        }
        return blocks;
    }

    /**
     * {@code MaskRCNNPredictor(in_channels, dim_reduced, num_classes)}: a Sequential built from an OrderedDict:
     * {@code conv5_mask} (2x2 ConvTranspose2d), {@code relu}, {@code mask_fcn_logits} (1x1 conv per class).
     */
    static Sequential maskRCNNPredictor(long inChannels, long dimReduced, long numClasses) {
        Sequential predictor = new Sequential();
        predictor.add("conv5_mask", convTranspose2d(inChannels, dimReduced, 2, 2, 1, true));
        predictor.add("relu", stateless());
        predictor.add("mask_fcn_logits", conv2d(dimReduced, numClasses, 1));
        return predictor;
    }
}
