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
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/detection/fcos.py} (0.14.1): {@code FCOS}, its classification and regression
 * heads, and the builder fcos_resnet50_fpn.
 */
public final class FCOS extends Module {
    /** {@code num_convs=4}: the convolutions of each head's tower. */
    private static final int NUM_CONVS = 4;
    /** {@code norm_layer = partial(nn.GroupNorm, 32)}: the heads' default norm. */
    private static final long GROUPS = 32;

    /** The public builder. */
    public static List<Builder> builders() {
        String none = " (no effect on the tensors)";
        List<Arg> args = concat(
                List.of(Args.weights(FasterRCNN.coco("FCOS_ResNet50_FPN_Weights")), Args.progress(),
                        DetectionUtils.numClassesArg(91),
                        BackboneUtils.weightsBackbone(RESNET50_WEIGHTS, "IMAGENET1K_V1"),
                        BackboneUtils.trainableBackboneLayers(5, 3)),
                Transform.sizeArgs(800L, 1333),
                List.of(Arg.real("center_sampling_radius", 1.5, "radius of the positive sample centres" + none),
                        Arg.real("score_thresh", 0.2, "minimum detection score" + none),
                        Arg.real("nms_thresh", 0.6, "detection NMS threshold" + none),
                        Arg.integer("detections_per_img", 100, "maximum detections per image" + none),
                        Arg.integer("topk_candidates", 1000, "candidates kept per level before NMS" + none),
                        Transform.sizeDivisible()));
        return List.of(builder("fcos_resnet50_fpn", args, FCOS::fcosResnet50Fpn));
    }

    /**
     * {@code fcos_resnet50_fpn}: ResNet-50 with FrozenBatchNorm2d when trained, an FPN over layer2-4 with P6
     * and P7 from P5 ({@code LastLevelP6P7(256, 256)}).
     */
    private static Module fcosResnet50Fpn(Kwargs kwargs) {
        long numClasses = DetectionUtils.numClasses(kwargs, kwargs.weights("weights"), 91);
        boolean isTrained = BackboneUtils.isTrained(kwargs);
        long trainable = BackboneUtils.validateTrainableLayers(kwargs, isTrained, 5, 3);
        BackboneWithFPN backbone = BackboneUtils.resnetFpnExtractor(
                BackboneUtils.resnet50(BackboneUtils.frozenIfTrained(isTrained)), ResNet.RESNET50, trainable,
                new int[] {2, 3, 4}, FeaturePyramidNetwork.lastLevelP6P7(256, 256), null);
        return new FCOS(backbone, numClasses, kwargs);
    }

    /**
     * {@code FCOS(backbone, num_classes)}: {@code backbone}; {@code anchor_generator}, one anchor per location
     * (sizes 8 to 128, aspect ratio 1), so FCOS's check for exactly one always holds; {@code head};
     * {@code transform}.
     */
    private FCOS(BackboneWithFPN backbone, long numClasses, Kwargs kwargs) {
        add("backbone", backbone);
        long[][] sizes = {{8}, {16}, {32}, {64}, {128}};
        AnchorGenerator anchorGenerator = add("anchor_generator",
                new AnchorGenerator(sizes, AnchorUtils.repeat(sizes.length, 1.0)));
        add("head", fcosHead(backbone.outChannels(), anchorGenerator.numAnchorsPerLocation()[0], numClasses));
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

    /** {@code FCOSHead(in_channels, num_anchors, num_classes)}: its box coder is a plain object. */
    private static Module fcosHead(long inChannels, long numAnchors, long numClasses) {
        return new FCOSHead(inChannels, numAnchors, numClasses);
    }

    /** {@code FCOSHead}: {@code {"cls_logits", "bbox_regression", "bbox_ctrness"}}. */
    static final class FCOSHead extends Module {
        FCOSHead(long inChannels, long numAnchors, long numClasses) {
            add("classification_head", new FCOSClassificationHead(inChannels, numAnchors, numClasses));
            add("regression_head", new FCOSRegressionHead(inChannels, numAnchors));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> x) {
            List<Shape> out = new ArrayList<>();
            out.add(call(t, "classification_head", x));
            out.addAll(callOutputs(t, "regression_head", x));
            return out;
        }
    }

    /** {@code FCOSClassificationHead}: the tower, then {@code cls_logits} (3x3, A * K outputs). */
    static final class FCOSClassificationHead extends Module {
        private final long numClasses;

        FCOSClassificationHead(long inChannels, long numAnchors, long numClasses) {
            add("conv", tower(inChannels));
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

    /**
     * {@code FCOSRegressionHead}: the tower, then {@code bbox_reg} (3x3, A * 4 outputs, functional relu) and
     * {@code bbox_ctrness} (3x3, A outputs); returns both concatenated over the levels.
     */
    static final class FCOSRegressionHead extends Module {
        FCOSRegressionHead(long inChannels, long numAnchors) {
            add("conv", tower(inChannels));
            add("bbox_reg", conv2d(inChannels, Dims.mul(numAnchors, 4), 3).padding(1));
            add("bbox_ctrness", conv2d(inChannels, numAnchors, 3).padding(1));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> x) {
            List<Shape> regression = new ArrayList<>();
            List<Shape> ctrness = new ArrayList<>();
            for (Shape features : x) {
                Shape feature = call(t, "conv", features);
                regression.add(call(t, "bbox_reg", feature));
                ctrness.add(call(t, "bbox_ctrness", feature));
            }
            return List.of(DetectionUtils.catLevels(regression, 4), DetectionUtils.catLevels(ctrness, 1));
        }
    }

    /** Per conv: Conv2d 3x3 padding 1 (with bias), GroupNorm(32, C), ReLU, each with its own index. */
    private static Sequential tower(long channels) {
        Sequential conv = new Sequential();
        for (int i = 0; i < NUM_CONVS; i++) {
            conv.append(conv2d(channels, channels, 3).padding(1));
            conv.append(Layers.groupNormForward(GROUPS, channels));
            conv.append(Layers.relu());
        }
        return conv;
    }
}
