package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.stateless;
import static dev.modelsummary.catalog.torchvision.detection.BackboneUtils.MOBILENET_V3_LARGE_WEIGHTS;
import static dev.modelsummary.catalog.torchvision.detection.BackboneUtils.RESNET50_WEIGHTS;
import static dev.modelsummary.catalog.torchvision.detection.BackboneUtils.weightsBackbone;
import static dev.modelsummary.catalog.torchvision.detection.DetectionUtils.builder;
import static dev.modelsummary.catalog.torchvision.detection.DetectionUtils.concat;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.ResNet;
import dev.modelsummary.catalog.torchvision.detection.AnchorUtils.AnchorGenerator;
import dev.modelsummary.catalog.torchvision.detection.BackboneUtils.BackboneWithFPN;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/detection/faster_rcnn.py} (0.14.1): {@code FasterRCNN}, its box heads and
 * predictor, and the four builders (ResNet-50 FPN v1 and v2, MobileNetV3-Large FPN at full and 320 size).
 * Mask and Keypoint R-CNN extend it.
 */
public class FasterRCNN extends GeneralizedRCNN {
    /** {@code representation_size} of the default box head and of the predictor's input. */
    private static final long REPRESENTATION_SIZE = 1024;
    /** {@code MultiScaleRoIAlign(..., output_size=7)}: the side of the pooled box features. */
    private static final long BOX_RESOLUTION = 7;

    /** The defaults a builder gives FasterRCNN's keyword arguments where they differ from the class's. */
    record Defaults(Long minSize, long maxSize, long rpnPreNmsTopNTest, long rpnPostNmsTopNTest,
                    double rpnScoreThresh) {
        /** {@code FasterRCNN.__init__}'s own defaults. */
        static final Defaults STANDARD = new Defaults(800L, 1333, 1000, 1000, 0.0);
    }

    /** The four public builders. */
    public static List<Builder> builders() {
        Defaults mobilenet = new Defaults(800L, 1333, 1000, 1000, 0.05);
        Defaults mobilenet320 = new Defaults(320L, 640, 150, 150, 0.05);
        return List.of(
                builder("fasterrcnn_resnet50_fpn", builderArgs(coco("FasterRCNN_ResNet50_FPN_Weights"),
                        weightsBackbone(RESNET50_WEIGHTS, "IMAGENET1K_V1"), 5, 3, Defaults.STANDARD),
                        FasterRCNN::fasterrcnnResnet50Fpn),
                builder("fasterrcnn_resnet50_fpn_v2", builderArgs(coco("FasterRCNN_ResNet50_FPN_V2_Weights"),
                        weightsBackbone(RESNET50_WEIGHTS, null), 5, 3, Defaults.STANDARD),
                        FasterRCNN::fasterrcnnResnet50FpnV2),
                builder("fasterrcnn_mobilenet_v3_large_fpn",
                        builderArgs(coco("FasterRCNN_MobileNet_V3_Large_FPN_Weights"),
                                weightsBackbone(MOBILENET_V3_LARGE_WEIGHTS, "IMAGENET1K_V1"), 6, 3, mobilenet),
                        FasterRCNN::fasterrcnnMobilenetV3LargeFpn),
                builder("fasterrcnn_mobilenet_v3_large_320_fpn",
                        builderArgs(coco("FasterRCNN_MobileNet_V3_Large_320_FPN_Weights"),
                                weightsBackbone(MOBILENET_V3_LARGE_WEIGHTS, "IMAGENET1K_V1"), 6, 3, mobilenet320),
                        FasterRCNN::fasterrcnnMobilenetV3LargeFpn));
    }

    /** A COCO weights enum with the single member {@code COCO_V1}, as every detector here has. */
    static Weights coco(String className) {
        return Weights.of(className, Args.COCO, 1, "COCO_V1", "COCO_V1");
    }

    /** A builder's own arguments, then FasterRCNN's keyword arguments. */
    static List<Arg> builderArgs(Weights weights, Arg weightsBackbone, int maxTrainable, int defaultTrainable,
                                 Defaults defaults) {
        return concat(
                List.of(Args.weights(weights), Args.progress(), DetectionUtils.numClassesArg(91),
                        weightsBackbone,
                        BackboneUtils.trainableBackboneLayers(maxTrainable, defaultTrainable)),
                modelArgs(defaults));
    }

    /**
     * The int and float keyword arguments of {@code FasterRCNN.__init__} (and so of Mask and Keypoint R-CNN),
     * then the transform's {@code size_divisible}. None changes the tensors.
     */
    static List<Arg> modelArgs(Defaults defaults) {
        String none = " (no effect on the tensors)";
        return concat(Transform.sizeArgs(defaults.minSize(), defaults.maxSize()), List.of(
                Arg.integer("rpn_pre_nms_top_n_train", 2000, "RPN proposals kept before NMS, training" + none),
                Arg.integer("rpn_pre_nms_top_n_test", defaults.rpnPreNmsTopNTest(),
                        "RPN proposals kept before NMS, testing" + none),
                Arg.integer("rpn_post_nms_top_n_train", 2000, "RPN proposals kept after NMS, training" + none),
                Arg.integer("rpn_post_nms_top_n_test", defaults.rpnPostNmsTopNTest(),
                        "RPN proposals kept after NMS, testing" + none),
                Arg.real("rpn_nms_thresh", 0.7, "RPN NMS threshold" + none),
                Arg.real("rpn_fg_iou_thresh", 0.7, "RPN foreground IoU, at least rpn_bg_iou_thresh" + none),
                Arg.real("rpn_bg_iou_thresh", 0.3, "RPN background IoU" + none),
                Arg.integer("rpn_batch_size_per_image", 256, "anchors sampled per image for the RPN loss" + none),
                Arg.real("rpn_positive_fraction", 0.5, "positive share of the RPN samples" + none),
                Arg.real("rpn_score_thresh", defaults.rpnScoreThresh(), "minimum RPN proposal score" + none),
                Arg.real("box_score_thresh", 0.05, "minimum detection score" + none),
                Arg.real("box_nms_thresh", 0.5, "detection NMS threshold" + none),
                Arg.integer("box_detections_per_img", 100, "maximum detections per image" + none),
                Arg.real("box_fg_iou_thresh", 0.5, "box head foreground IoU, at least box_bg_iou_thresh" + none),
                Arg.real("box_bg_iou_thresh", 0.5, "box head background IoU" + none),
                Arg.integer("box_batch_size_per_image", 512, "proposals sampled per image for the box loss" + none),
                Arg.real("box_positive_fraction", 0.25, "positive share of the box samples" + none),
                Transform.sizeDivisible()));
    }

    /** {@code fasterrcnn_resnet50_fpn}: FrozenBatchNorm2d in a pretrained backbone, the default heads. */
    private static Module fasterrcnnResnet50Fpn(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        return new FasterRCNN(resnet50Fpn(kwargs), numClasses, kwargs, null, null, null);
    }

    /**
     * The backbone of the v1 ResNet-50 builders: {@code _validate_trainable_layers(is_trained, ..., 5, 3)},
     * ResNet-50 with FrozenBatchNorm2d when trained, and {@code _resnet_fpn_extractor} with the default FPN.
     */
    static BackboneWithFPN resnet50Fpn(Kwargs kwargs) {
        boolean isTrained = BackboneUtils.isTrained(kwargs);
        long trainable = BackboneUtils.validateTrainableLayers(kwargs, isTrained, 5, 3);
        return BackboneUtils.resnetFpnExtractor(BackboneUtils.resnet50(BackboneUtils.frozenIfTrained(isTrained)),
                ResNet.RESNET50, trainable, null, null, null);
    }

    /**
     * {@code fasterrcnn_resnet50_fpn_v2}: see {@link #resnet50FpnV2}; a two-conv RPN head and a conv-fc box
     * head with BatchNorm2d.
     */
    private static Module fasterrcnnResnet50FpnV2(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        BackboneWithFPN backbone = resnet50FpnV2(kwargs);
        AnchorGenerator anchorGenerator = defaultAnchorgen();
        return new FasterRCNN(backbone, numClasses, kwargs, anchorGenerator, rpnHeadV2(backbone, anchorGenerator),
                boxHeadV2(backbone));
    }

    /**
     * The backbone of the v2 ResNet-50 R-CNN builders: ResNet-50 keeps BatchNorm2d even when trained (only the
     * layer freezing follows the weights), and the FPN has BatchNorm2d.
     */
    static BackboneWithFPN resnet50FpnV2(Kwargs kwargs) {
        boolean isTrained = BackboneUtils.isTrained(kwargs);
        long trainable = BackboneUtils.validateTrainableLayers(kwargs, isTrained, 5, 3);
        return BackboneUtils.resnetFpnExtractor(BackboneUtils.resnet50(Layers::batchNorm2d), ResNet.RESNET50,
                trainable, null, null, Layers::batchNorm2d);
    }

    /** v2: {@code RPNHead(out_channels, num_anchors, conv_depth=2)}. */
    static Module rpnHeadV2(BackboneWithFPN backbone, AnchorGenerator anchorGenerator) {
        return RPN.rpnHead(backbone.outChannels(), anchorGenerator.numAnchorsPerLocation()[0], 2);
    }

    /** v2: {@code FastRCNNConvFCHead((out_channels, 7, 7), [256, 256, 256, 256], [1024], BatchNorm2d)}. */
    static Module boxHeadV2(BackboneWithFPN backbone) {
        return fastRCNNConvFCHead(backbone.outChannels(), BOX_RESOLUTION, BOX_RESOLUTION,
                new long[] {256, 256, 256, 256}, new long[] {1024}, Misc.BATCH_NORM);
    }

    /**
     * {@code fasterrcnn_mobilenet_v3_large_fpn} and {@code ..._320_fpn} ({@code _fasterrcnn_mobilenet_v3_large_fpn};
     * the two differ only in the defaults of arguments without effect on the tensors): MobileNetV3-Large
     * features with FrozenBatchNorm2d when trained, up to 6 trainable stages (3 by default), and an anchor
     * generator of five sizes on each of three levels.
     */
    private static Module fasterrcnnMobilenetV3LargeFpn(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        boolean isTrained = BackboneUtils.isTrained(kwargs);
        long trainable = BackboneUtils.validateTrainableLayers(kwargs, isTrained, 6, 3);
        BackboneWithFPN backbone = BackboneUtils.mobilenetExtractor(BackboneUtils.mobilenetV3LargeConf(),
                BackboneUtils.frozenIfTrained(isTrained), trainable);
        long[] sizes = {32, 64, 128, 256, 512};
        AnchorGenerator anchorGenerator = new AnchorGenerator(new long[][] {sizes, sizes, sizes},
                AnchorUtils.repeat(3, 0.5, 1.0, 2.0));
        return new FasterRCNN(backbone, numClasses, kwargs, anchorGenerator, null, null);
    }

    /** {@code _default_anchorgen()}: one size per level (32 to 512) and three aspect ratios. */
    static AnchorGenerator defaultAnchorgen() {
        long[][] sizes = {{32}, {64}, {128}, {256}, {512}};
        return new AnchorGenerator(sizes, AnchorUtils.repeat(sizes.length, 0.5, 1.0, 2.0));
    }

    /**
     * {@code FasterRCNN(backbone, num_classes, rpn_anchor_generator=..., rpn_head=..., box_head=..., **kwargs)};
     * a null part is {@code None}, which gets the default. {@code kwargs} holds the thresholds the matchers
     * check.
     */
    FasterRCNN(BackboneWithFPN backbone, long numClasses, Kwargs kwargs, AnchorGenerator rpnAnchorGenerator,
               Module rpnHead, Module boxHead) {
        super(backbone, rpn(backbone, kwargs, rpnAnchorGenerator, rpnHead),
                roiHeads(backbone, numClasses, kwargs, boxHead), kwargs);
    }

    /** {@code self.roi_heads}, which Mask and Keypoint R-CNN extend. */
    final RoIHeads roiHeads() {
        return (RoIHeads) child("roi_heads");
    }

    /** The RegionProposalNetwork FasterRCNN builds: default anchors and a one-conv RPNHead when not given. */
    private static Module rpn(BackboneWithFPN backbone, Kwargs kwargs, AnchorGenerator anchorGenerator,
                              Module rpnHead) {
        AnchorGenerator generator = anchorGenerator != null ? anchorGenerator : defaultAnchorgen();
        Module head = rpnHead != null ? rpnHead
                : RPN.rpnHead(backbone.outChannels(), generator.numAnchorsPerLocation()[0], 1);
        DetectionUtils.matcher(kwargs, "rpn_fg_iou_thresh", "rpn_bg_iou_thresh");
        return RPN.regionProposalNetwork(generator, head);
    }

    /**
     * The RoIHeads FasterRCNN builds: a MultiScaleRoIAlign of 7x7 (no tensors), a TwoMLPHead over the pooled
     * features when no box head is given, and a FastRCNNPredictor.
     */
    private static RoIHeads roiHeads(BackboneWithFPN backbone, long numClasses, Kwargs kwargs, Module boxHead) {
        Module head = boxHead != null ? boxHead
                : twoMLPHead(Dims.mul(backbone.outChannels(), BOX_RESOLUTION, BOX_RESOLUTION), REPRESENTATION_SIZE);
        Module predictor = fastRCNNPredictor(REPRESENTATION_SIZE, numClasses);
        DetectionUtils.matcher(kwargs, "box_fg_iou_thresh", "box_bg_iou_thresh");
        return new RoIHeads(multiScaleRoIAlign(), head, predictor);
    }

    /** {@code MultiScaleRoIAlign} ({@code ops/poolers.py}): pooling only, no tensors. */
    static Module multiScaleRoIAlign() {
        return stateless();
    }

    /** {@code TwoMLPHead(in_channels, representation_size)}: {@code fc6} and {@code fc7}. */
    static Module twoMLPHead(long inChannels, long representationSize) {
        Module head = new Module();
        head.add("fc6", linear(inChannels, representationSize));
        head.add("fc7", linear(representationSize, representationSize));
        return head;
    }

    /**
     * {@code FastRCNNConvFCHead((C, H, W), conv_layers, fc_layers, norm_layer)}: a Sequential of 3x3
     * Conv2dNormActivations, a Flatten (which takes an index), then Linear and ReLU per fc layer.
     */
    static Sequential fastRCNNConvFCHead(long inChannels, long inHeight, long inWidth, long[] convLayers,
                                         long[] fcLayers, LongFunction<Module> norm) {
        Sequential blocks = new Sequential();
        long previous = inChannels;
        for (long current : convLayers) {
            blocks.append(Misc.conv2dNormActivation(previous, current, 3, 1, norm, true));
            previous = current;
        }
        blocks.append(stateless());
        previous = Dims.mul(previous, inHeight, inWidth);
        for (long current : fcLayers) {
            blocks.append(linear(previous, current));
            blocks.append(stateless());
            previous = current;
        }
        return blocks;
    }

    /** {@code FastRCNNPredictor(in_channels, num_classes)}: {@code cls_score} and {@code bbox_pred} (4 per class). */
    static Module fastRCNNPredictor(long inChannels, long numClasses) {
        Module predictor = new Module();
        predictor.add("cls_score", linear(inChannels, numClasses));
        predictor.add("bbox_pred", linear(inChannels, Dims.mul(numClasses, 4)));
        return predictor;
    }
}
