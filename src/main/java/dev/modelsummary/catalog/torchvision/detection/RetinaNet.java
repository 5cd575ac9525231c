package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.torchvision.detection.BackboneUtils.RESNET50_WEIGHTS;
import static dev.modelsummary.catalog.torchvision.detection.DetectionUtils.builder;
import static dev.modelsummary.catalog.torchvision.detection.DetectionUtils.concat;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.ResNet;
import dev.modelsummary.catalog.torchvision.detection.AnchorUtils.AnchorGenerator;
import dev.modelsummary.catalog.torchvision.detection.BackboneUtils.BackboneWithFPN;
import dev.modelsummary.catalog.torchvision.ops.FeaturePyramidNetwork;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/detection/retinanet.py} (0.14.1): {@code RetinaNet}, its classification and
 * regression heads, and the builders retinanet_resnet50_fpn and retinanet_resnet50_fpn_v2.
 */
public final class RetinaNet extends Module {
    /** {@code returned_layers=[2, 3, 4]}: no P2, which "generates too many anchors" (the paper). */
    private static final int[] RETURNED_LAYERS = {2, 3, 4};
    /** The convolutions of each head's tower. */
    private static final int HEAD_CONVS = 4;

    /** The two public builders. */
    public static List<Builder> builders() {
        return List.of(
                builder("retinanet_resnet50_fpn", args("RetinaNet_ResNet50_FPN_Weights", "IMAGENET1K_V1"),
                        RetinaNet::retinanetResnet50Fpn),
                builder("retinanet_resnet50_fpn_v2", args("RetinaNet_ResNet50_FPN_V2_Weights", null),
                        RetinaNet::retinanetResnet50FpnV2));
    }

    /** A builder's arguments, then the int and float keyword arguments of {@code RetinaNet.__init__}. */
    private static List<Arg> args(String weightsClass, String torchvisionBackboneDefault) {
        String none = " (no effect on the tensors)";
        return concat(
                List.of(Args.weights(FasterRCNN.coco(weightsClass)), Args.progress(),
                        DetectionUtils.numClassesArg(91),
                        BackboneUtils.weightsBackbone(RESNET50_WEIGHTS, torchvisionBackboneDefault),
                        BackboneUtils.trainableBackboneLayers(5, 3)),
                Transform.sizeArgs(800L, 1333),
                List.of(Arg.real("score_thresh", 0.05, "minimum detection score" + none),
                        Arg.real("nms_thresh", 0.5, "detection NMS threshold" + none),
                        Arg.integer("detections_per_img", 300, "maximum detections per image" + none),
                        Arg.real("fg_iou_thresh", 0.5, "foreground IoU, at least bg_iou_thresh" + none),
                        Arg.real("bg_iou_thresh", 0.4, "background IoU" + none),
                        Arg.integer("topk_candidates", 1000, "candidates kept per level before NMS" + none),
                        Transform.sizeDivisible()));
    }

    /**
     * {@code retinanet_resnet50_fpn}: ResNet-50 with FrozenBatchNorm2d when trained, an FPN over layer2-4
     * with P6 and P7 computed from P5 ({@code LastLevelP6P7(256, 256)}), the default head.
     */
    private static Module retinanetResnet50Fpn(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        boolean isTrained = BackboneUtils.isTrained(kwargs);
        long trainable = BackboneUtils.validateTrainableLayers(kwargs, isTrained, 5, 3);
        BackboneWithFPN backbone = BackboneUtils.resnetFpnExtractor(
                BackboneUtils.resnet50(BackboneUtils.frozenIfTrained(isTrained)), ResNet.RESNET50, trainable,
                RETURNED_LAYERS, FeaturePyramidNetwork.lastLevelP6P7(256, 256), null);
        return new RetinaNet(backbone, numClasses, kwargs, null, null);
    }

    /**
     * {@code retinanet_resnet50_fpn_v2}: ResNet-50 keeps BatchNorm2d even when trained, P6 comes from C5
     * ({@code LastLevelP6P7(2048, 256)}: layer4's width), and the head towers have {@code GroupNorm(32, C)}.
     */
    private static Module retinanetResnet50FpnV2(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        boolean isTrained = BackboneUtils.isTrained(kwargs);
        long trainable = BackboneUtils.validateTrainableLayers(kwargs, isTrained, 5, 3);
        BackboneWithFPN backbone = BackboneUtils.resnetFpnExtractor(BackboneUtils.resnet50(Layers::batchNorm2d),
                ResNet.RESNET50, trainable, RETURNED_LAYERS,
                FeaturePyramidNetwork.lastLevelP6P7(2048, 256), null);
        AnchorGenerator anchorGenerator = defaultAnchorgen();
        Module head = retinaNetHead(backbone.outChannels(), anchorGenerator.numAnchorsPerLocation()[0], numClasses,
                channels -> Layers.groupNormForward(32, channels));
        return new RetinaNet(backbone, numClasses, kwargs, anchorGenerator, head);
    }

    /**
     * RetinaNet's {@code _default_anchorgen()}: per level the sizes {@code x}, {@code int(x * 2 ** (1/3))},
     * {@code int(x * 2 ** (2/3))} for x from 32 to 512, and three aspect ratios: nine anchors per location.
     */
    private static AnchorGenerator defaultAnchorgen() {
        long[] bases = {32, 64, 128, 256, 512};
        long[][] sizes = new long[bases.length][];
        for (int i = 0; i < bases.length; i++) {
            long x = bases[i];
            sizes[i] = new long[] {x, (long) (x * Math.pow(2, 1.0 / 3)), (long) (x * Math.pow(2, 2.0 / 3))};
        }
        return new AnchorGenerator(sizes, AnchorUtils.repeat(sizes.length, 0.5, 1.0, 2.0));
    }

    /**
     * {@code RetinaNet(backbone, num_classes, anchor_generator=..., head=..., **kwargs)}: {@code backbone},
     * {@code anchor_generator}, {@code head} (null parts get the defaults: a head without norm), then
     * {@code transform}; the matcher and box coder are plain objects.
     */
    private RetinaNet(BackboneWithFPN backbone, long numClasses, Kwargs kwargs, AnchorGenerator anchorGenerator,
                      Module head) {
        add("backbone", backbone);
        AnchorGenerator generator = add("anchor_generator",
                anchorGenerator != null ? anchorGenerator : defaultAnchorgen());
        add("head", head != null ? head
                : retinaNetHead(backbone.outChannels(), generator.numAnchorsPerLocation()[0], numClasses, null));
        DetectionUtils.matcher(kwargs, "fg_iou_thresh", "bg_iou_thresh");
        add("transform", Transform.generalizedRCNNTransform(kwargs));
    }

    /**
     * {@code forward(images)} in eval for a batch {@code (N, C, H, W)}: {@code transform},
     * {@code backbone(images.tensors)}, {@code head(features)}, {@code anchor_generator(images, features)}; then
     * {@code postprocess_detections}, whose output size depends on the image.
     */
    @Override
    public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
        Shape images = call(t, "transform", xs.get(0));
        List<Shape> features = callOutputs(t, "backbone", images);
        callOutputs(t, "head", features);
        List<Shape> anchorIn = new ArrayList<>();
        anchorIn.add(images);
        anchorIn.addAll(features);
        callOutputs(t, "anchor_generator", anchorIn);
        throw DetectionUtils.postprocess(t);
    }

    /** {@code RetinaNetHead(in_channels, num_anchors, num_classes, norm_layer)}. */
    private static Module retinaNetHead(long inChannels, long numAnchors, long numClasses,
                                        LongFunction<Module> norm) {
        return new RetinaNetHead(inChannels, numAnchors, numClasses, norm);
    }

    /** {@code RetinaNetHead}: {@code {"cls_logits": ..., "bbox_regression": ...}}. */
    static final class RetinaNetHead extends Module {
        RetinaNetHead(long inChannels, long numAnchors, long numClasses, LongFunction<Module> norm) {
            add("classification_head", new RetinaNetClassificationHead(inChannels, numAnchors, numClasses, norm));
            add("regression_head", new RetinaNetRegressionHead(inChannels, numAnchors, norm));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> x) {
            return List.of(call(t, "classification_head", x), call(t, "regression_head", x));
        }
    }

    /**
     * {@code RetinaNetClassificationHead}: the conv tower, then {@code cls_logits} (3x3, A * K outputs); per
     * level {@code (N, H * W * A, K)}, concatenated.
     */
    static final class RetinaNetClassificationHead extends Module {
        private final long numClasses;

        RetinaNetClassificationHead(long inChannels, long numAnchors, long numClasses, LongFunction<Module> norm) {
            add("conv", tower(inChannels, norm));
            add("cls_logits", conv2d(inChannels, Dims.mul(numAnchors, numClasses), 3).padding(1));
            this.numClasses = numClasses;
        }

        @Override
        public Shape forward(Trace t, List<Shape> x) {
            List<Shape> levels = new ArrayList<>();
            for (Shape features : x) {
                levels.add(call(t, "cls_logits", call(t, "conv", features)));
            }
            return DetectionUtils.catLevels(levels, numClasses);
        }
    }

    /** {@code RetinaNetRegressionHead}: the conv tower, then {@code bbox_reg} (3x3, A * 4 outputs). */
    static final class RetinaNetRegressionHead extends Module {
        RetinaNetRegressionHead(long inChannels, long numAnchors, LongFunction<Module> norm) {
            add("conv", tower(inChannels, norm));
            add("bbox_reg", conv2d(inChannels, Dims.mul(numAnchors, 4), 3).padding(1));
        }

        @Override
        public Shape forward(Trace t, List<Shape> x) {
            List<Shape> levels = new ArrayList<>();
            for (Shape features : x) {
                levels.add(call(t, "bbox_reg", call(t, "conv", features)));
            }
            return DetectionUtils.catLevels(levels, 4);
        }
    }

    /** Four 3x3 Conv2dNormActivations with ReLU (bias only without norm), as both heads build them. */
    private static Sequential tower(long channels, LongFunction<Module> norm) {
        Sequential conv = new Sequential();
        for (int i = 0; i < HEAD_CONVS; i++) {
            conv.append(Misc.conv2dNormActivation(channels, channels, 3, 1, 1, norm, Layers::relu, 1));
        }
        return conv;
    }
}
