package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.convTranspose2d;
import static dev.modelsummary.catalog.nn.Layers.stateless;
import static dev.modelsummary.catalog.torchvision.detection.BackboneUtils.RESNET50_WEIGHTS;
import static dev.modelsummary.catalog.torchvision.detection.DetectionUtils.builder;
import static dev.modelsummary.catalog.torchvision.detection.DetectionUtils.concat;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.detection.BackboneUtils.BackboneWithFPN;
import java.util.List;
import java.util.Optional;

/**
 * torchvision {@code models/detection/keypoint_rcnn.py} (0.14.1): {@code KeypointRCNN}, its keypoint head and
 * predictor, and the builder keypointrcnn_resnet50_fpn.
 */
public final class KeypointRCNN extends FasterRCNN {
    /** {@code len(_COCO_PERSON_KEYPOINT_NAMES)}: the keypoints the COCO weights predict, and the default. */
    private static final long COCO_PERSON_KEYPOINTS = 17;
    /** {@code keypoint_layers = tuple(512 for _ in range(8))}; the predictor takes the last width. */
    private static final long KEYPOINT_WIDTH = 512;
    private static final int KEYPOINT_LAYERS = 8;

    /** The public builder. Its weights (a legacy checkpoint and COCO_V1) have two person categories. */
    public static List<Builder> builders() {
        Weights weights = Weights.of("KeypointRCNN_ResNet50_FPN_Weights", Args.COCO_KEYPOINTS, 1, "COCO_V1",
                "COCO_LEGACY", "COCO_V1");
        List<Arg> args = concat(
                List.of(Args.weights(weights), Args.progress(),
                        DetectionUtils.numClassesArg(Args.COCO_KEYPOINTS),
                        Arg.optionalInteger("num_keypoints", "keypoints predicted per person (None: "
                                + COCO_PERSON_KEYPOINTS + ")"),
                        BackboneUtils.weightsBackbone(RESNET50_WEIGHTS, "IMAGENET1K_V1"),
                        BackboneUtils.trainableBackboneLayers(5, 3)),
                // KeypointRCNN's min_size defaults to None: a multi-scale tuple.
                modelArgs(new Defaults(null, Defaults.STANDARD.maxSize(), Defaults.STANDARD.rpnPreNmsTopNTest(),
                        Defaults.STANDARD.rpnPostNmsTopNTest(), Defaults.STANDARD.rpnScoreThresh())));
        return List.of(builder("keypointrcnn_resnet50_fpn", args, KeypointRCNN::keypointrcnnResnet50Fpn));
    }

    /**
     * {@code keypointrcnn_resnet50_fpn}: weights fix num_classes (2) and num_keypoints (17); otherwise they
     * default to those values. Faster R-CNN v1's backbone.
     */
    private static Module keypointrcnnResnet50Fpn(Kwargs kwargs) {
        Optional<Weights.Member> weights = kwargs.weights("weights");
        long numClasses = DetectionUtils.numClasses(kwargs, weights, Args.COCO_KEYPOINTS);
        long numKeypoints;
        if (weights.isPresent()) {
            numKeypoints = kwargs.overwriteValue("num_keypoints", COCO_PERSON_KEYPOINTS);
        } else {
            Long given = kwargs.optionalInteger("num_keypoints");
            numKeypoints = given == null ? COCO_PERSON_KEYPOINTS : given;
        }
        return new KeypointRCNN(resnet50Fpn(kwargs), numClasses, numKeypoints, kwargs);
    }

    /**
     * {@code KeypointRCNN(backbone, num_classes, num_keypoints=...)}: a Faster R-CNN whose RoIHeads then get
     * {@code keypoint_roi_pool} (no tensors), {@code keypoint_head} and {@code keypoint_predictor}.
     */
    KeypointRCNN(BackboneWithFPN backbone, long numClasses, long numKeypoints, Kwargs kwargs) {
        super(backbone, numClasses, kwargs, null, null, null);
        RoIHeads roiHeads = roiHeads();
        roiHeads.add("keypoint_roi_pool", multiScaleRoIAlign());
        roiHeads.add("keypoint_head", keypointRCNNHeads(backbone.outChannels()));
        roiHeads.add("keypoint_predictor", keypointRCNNPredictor(KEYPOINT_WIDTH, numKeypoints));
    }

    /** {@code KeypointRCNNHeads(in_channels, (512,) * 8)}: Conv2d 3x3 (with bias) and ReLU per layer. */
    private static Sequential keypointRCNNHeads(long inChannels) {
        Sequential blocks = new Sequential();
        long next = inChannels;
        for (int i = 0; i < KEYPOINT_LAYERS; i++) {
            blocks.append(conv2d(next, KEYPOINT_WIDTH, 3));
            blocks.append(stateless());
            next = KEYPOINT_WIDTH;
        }
        return blocks;
    }

    /** {@code KeypointRCNNPredictor(in_channels, num_keypoints)}: {@code kps_score_lowres}, a 4x4 ConvTranspose2d. */
    private static Module keypointRCNNPredictor(long inChannels, long numKeypoints) {
        Module predictor = new Module();
        predictor.add("kps_score_lowres", convTranspose2d(inChannels, numKeypoints, 4, 4, 1, true));
        return predictor;
    }
}
