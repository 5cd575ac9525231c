package dev.modelsummary.catalog.torchvision.detection;

import static dev.modelsummary.catalog.nn.Layers.conv2d;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.MobileNetV3;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/detection/ssdlite.py} (0.14.1): ssdlite320_mobilenet_v3_large, an SSD whose
 * backbone is MobileNetV3-Large split at C4 plus four extra blocks, with depthwise-separable prediction heads.
 * The anchor generator and the transform of {@code SSD} hold no tensors; {@code _normal_init} only sets values.
 */
public final class SSDLite {

    private static final String BACKBONE_ARCH = "mobilenet_v3_large";

    /** The default {@code num_classes} when neither the user nor the weights give it. */
    private static final long DEFAULT_NUM_CLASSES = 91;

    /** {@code _validate_trainable_layers(..., max_value=6, default_value=6)}. */
    private static final long MAX_TRAINABLE_LAYERS = 6;
    private static final long DEFAULT_TRAINABLE_LAYERS = 6;

    /** {@code DefaultBoxGenerator([[2, 3] for _ in range(6)], ...)}: six feature maps, ratios 2 and 3. */
    private static final int FEATURE_MAPS = 6;
    private static final int ASPECT_RATIOS_PER_MAP = 2;

    /** {@code SSDLiteFeatureExtractorMobileNet}'s defaults, which {@code _mobilenet_extractor} keeps. */
    private static final double EXTRACTOR_WIDTH_MULT = 1.0;
    private static final long MIN_DEPTH = 16;

    /** {@code norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)}: eps and momentum leave no trace. */
    private static final LongFunction<Module> NORM = Layers::batchNorm2d;

    private SSDLite() {
    }

    /** The one public builder. */
    public static List<Builder> builders() {
        return List.of(Builder.of("ssdlite320_mobilenet_v3_large", Task.OBJECT_DETECTION, args(),
                SSDLite::ssdlite320MobileNetV3Large));
    }

    /**
     * The builder's own arguments, then those of its {@code **kwargs} that a user can give as numbers: every
     * one reaches both {@code mobilenet_v3_large} (only {@code width_mult} changes tensors there) and
     * {@code SSD} (none does). {@code reduced_tail} is not one: the builder sets it, and passing it is a
     * TypeError.
     */
    private static List<Arg> args() {
        return List.of(
                Args.weights(Weights.of("SSDLite320_MobileNet_V3_Large_Weights", Args.COCO, 1, "COCO_V1", "COCO_V1")),
                Args.progress(),
                Arg.optionalInteger("num_classes", "number of output classes, background included (None: "
                        + DEFAULT_NUM_CLASSES + ", or the weights' categories)"),
                Arg.weights("weights_backbone", MobileNetV3.LARGE_WEIGHTS, "pretrained backbone weights "
                        + "(MobileNet_V3_Large_Weights; default None here, IMAGENET1K_V1 in torchvision): with them "
                        + "the backbone keeps its full tail and may be partly frozen"),
                Arg.optionalInteger("trainable_backbone_layers", "backbone stages left trainable, 0 to 6 (None: 6); "
                        + "only with weights or weights_backbone"),
                Arg.real("width_mult", 1.0, "backbone channel multiplier, rounded to multiples of 8"),
                Arg.bool("dilated", false, "dilate the backbone's last blocks (no effect on the tensors)"),
                Arg.real("dropout", 0.2, "backbone classifier dropout, unused here (no effect on the tensors)"),
                Arg.real("score_thresh", 0.001, "detection score threshold (no effect on the tensors)"),
                Arg.real("nms_thresh", 0.55, "NMS threshold (no effect on the tensors)"),
                Arg.integer("detections_per_img", 300, "detections kept per image (no effect on the tensors)"),
                Arg.real("iou_thresh", 0.5, "matcher IoU threshold (no effect on the tensors)"),
                Arg.integer("topk_candidates", 300, "candidates kept before NMS (no effect on the tensors)"),
                Arg.real("positive_fraction", 0.25, "positive fraction of the loss (no effect on the tensors)"));
    }

    /**
     * {@code ssdlite320_mobilenet_v3_large}: weights fix num_classes (91) and drop weights_backbone; without any
     * pretrained weights, trainable_backbone_layers falls back to 6 (with a warning if given) and the backbone
     * gets a reduced tail (MobileNetV3 paper, Table 6).
     */
    private static Module ssdlite320MobileNetV3Large(Kwargs kwargs) {
        var weights = kwargs.weights("weights");
        var weightsBackbone = weights.isPresent() ? Optional.<Weights.Member>empty()
                : kwargs.weights("weights_backbone");
        long numClasses = numClasses(kwargs, weights);
        long trainableLayers = BackboneUtils.validateTrainableLayers(kwargs,
                weights.isPresent() || weightsBackbone.isPresent(), MAX_TRAINABLE_LAYERS, DEFAULT_TRAINABLE_LAYERS);
        boolean reduceTail = weightsBackbone.isEmpty();
        MobileNetV3.Conf conf = MobileNetV3.conf(BACKBONE_ARCH, backboneKwargs(kwargs, reduceTail));
        Module backbone = mobilenetExtractor(conf, MobileNetV3.features(conf, NORM), trainableLayers);
        return ssd(backbone, outChannels(conf), numClasses);
    }

    /**
     * {@code num_classes}: with weights, {@code _ovewrite_value_param("num_classes", num_classes,
     * len(weights.meta["categories"]))}; without, 91 when None.
     */
    private static long numClasses(Kwargs kwargs, Optional<Weights.Member> weights) {
        if (weights.isPresent()) {
            return kwargs.overwriteValue("num_classes", weights.get().categories());
        }
        Long given = kwargs.optionalInteger("num_classes");
        return given == null ? DEFAULT_NUM_CLASSES : given;
    }

    /**
     * The keyword arguments {@code mobilenet_v3_large(..., reduced_tail=reduce_tail, **kwargs)} receives that
     * shape its configuration.
     */
    private static Kwargs backboneKwargs(Kwargs kwargs, boolean reduceTail) {
        Kwargs backbone = Kwargs.defaults(BACKBONE_ARCH, MobileNetV3.confArgs());
        // On fresh defaults, overwrite only sets each value.
        backbone.overwrite("width_mult", kwargs.real("width_mult"));
        backbone.overwrite("reduced_tail", reduceTail);
        backbone.overwrite("dilated", kwargs.bool("dilated"));
        return backbone;
    }

    /**
     * {@code SSD(backbone, anchor_generator, size, num_classes, head=SSDLiteHead(...))}: {@code backbone},
     * {@code anchor_generator}, {@code head}, {@code transform}, in that order; only backbone and head hold
     * tensors. Each feature map gets {@code 2 + 2 * len(ratios)} anchors per location.
     */
    private static Module ssd(Module backbone, List<Long> outChannels, long numClasses) {
        List<Long> numAnchors = new ArrayList<>();
        for (int i = 0; i < FEATURE_MAPS; i++) {
            numAnchors.add(2L + 2L * ASPECT_RATIOS_PER_MAP);
        }
        long[][] ratios = new long[FEATURE_MAPS][];
        for (int i = 0; i < FEATURE_MAPS; i++) {
            ratios[i] = new long[] {2, 3};
        }
        return new SSD(backbone, ssdliteHead(outChannels, numAnchors, numClasses), ratios, 320);
    }

    /**
     * {@code det_utils.retrieve_out_channels(backbone, (320, 320))}, computed instead of run: features.0 ends
     * with C4's expansion layer ({@code expanded_channels}), features.1 with the last 1x1 conv (six times the last
     * block's width), then the four extra blocks' outputs.
     */
    private static List<Long> outChannels(MobileNetV3.Conf conf) {
        List<Integer> stageIndices = stageIndices(conf);
        int c4Pos = stageIndices.get(stageIndices.size() - 2);
        MobileNetV3.BlockConfig c4 = conf.blocks().get(c4Pos - 1); // features[i + 1] is block i
        List<Long> out = new ArrayList<>(List.of(c4.expandedChannels(), lastConvChannels(conf)));
        out.addAll(List.of(depth(512), depth(256), depth(256), depth(128)));
        return out;
    }

    /**
     * {@code _mobilenet_extractor(backbone, trainable_layers, norm_layer)}: freezes ({@code requires_grad=False})
     * every block before the first trainable stage, then splits the features at C4 ({@code stage_indices[-2]}).
     * Its own range check on trainable_layers cannot fail after {@link BackboneUtils#validateTrainableLayers}: MobileNetV3-Large
     * has six stages.
     */
    private static Module mobilenetExtractor(MobileNetV3.Conf conf, Sequential features, long trainableLayers) {
        List<Integer> stageIndices = stageIndices(conf);
        int numStages = stageIndices.size();
        int freezeBefore = trainableLayers == 0 ? features.size()
                : stageIndices.get(numStages - (int) trainableLayers);
        for (int i = 0; i < freezeBefore; i++) {
            features.child(Integer.toString(i)).requiresGrad(false);
        }
        return featureExtractorMobileNet(conf, features, stageIndices.get(numStages - 2));
    }

    /**
     * {@code stage_indices}: 0 (the first conv), each block with stride > 1 ({@code _is_cn}; block i is
     * features[i + 1]), and the last 1x1 conv.
     */
    private static List<Integer> stageIndices(MobileNetV3.Conf conf) {
        List<Integer> indices = new ArrayList<>(List.of(0));
        for (int i = 0; i < conf.blocks().size(); i++) {
            if (conf.blocks().get(i).stride() > 1) {
                indices.add(i + 1);
            }
        }
        indices.add(conf.blocks().size() + 1);
        return indices;
    }

    /**
     * {@code SSDLiteFeatureExtractorMobileNet(backbone, c4_pos, norm_layer)}: {@code features} is the backbone up to
     * C4's expansion layer, then the rest of C4 and the remaining blocks; {@code extra} adds four blocks. C4 is
     * strided, so its {@code use_res_connect} is False and the extractor's check passes.
     */
    private static Module featureExtractorMobileNet(MobileNetV3.Conf conf, Sequential backbone, int c4Pos) {
        Map<String, Module> c4Block = backbone.child(Integer.toString(c4Pos)).child("block").childrenWithEmptyPlaces();
        Sequential untilC4Expansion = new Sequential();
        for (int i = 0; i < c4Pos; i++) {
            untilC4Expansion.append(backbone.child(Integer.toString(i)));
        }
        // backbone[c4_pos].block[1:] is a Sequential slice: it keeps the block's own indices (1, 2, ...).
        Sequential c4Rest = new Sequential();
        c4Block.forEach((name, layer) -> {
            if (name.equals("0")) {
                untilC4Expansion.append(layer);
            } else {
                c4Rest.add(name, layer);
            }
        });
        Sequential fromC4Depthwise = new Sequential(c4Rest);
        for (int i = c4Pos + 1; i < backbone.size(); i++) {
            fromC4Depthwise.append(backbone.child(Integer.toString(i)));
        }
        return new SSDLiteFeatureExtractorMobileNet(new Sequential(untilC4Expansion, fromC4Depthwise),
                new Sequential(
                        extraBlock(lastConvChannels(conf), depth(512)),
                        extraBlock(depth(512), depth(256)),
                        extraBlock(depth(256), depth(256)),
                        extraBlock(depth(256), depth(128))));
    }

    /**
     * {@code SSDLiteFeatureExtractorMobileNet}: {@code features} (two Sequentials) and {@code extra} (a
     * ModuleList of four blocks); its forward runs each in turn, and every result is a feature map.
     */
    static final class SSDLiteFeatureExtractorMobileNet extends Module {
        SSDLiteFeatureExtractorMobileNet(Sequential features, Sequential extra) {
            add("features", features);
            add("extra", extra);
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            List<Shape> output = new ArrayList<>();
            for (String list : List.of("features", "extra")) {
                for (String block : child(list).childrenWithEmptyPlaces().keySet()) {
                    x = call(t, list, block, x);
                    output.add(x);
                }
            }
            return output;
        }
    }

    /** {@code backbone[-1].out_channels}: MobileNetV3's last 1x1 conv widens the last block six times. */
    private static long lastConvChannels(MobileNetV3.Conf conf) {
        return Dims.mul(6, conf.blocks().get(conf.blocks().size() - 1).outChannels());
    }

    /** {@code get_depth = lambda d: max(min_depth, int(d * width_mult))}. */
    private static long depth(long d) {
        return Math.max(MIN_DEPTH, (long) (d * EXTRACTOR_WIDTH_MULT));
    }

    /**
     * {@code _extra_block(in_channels, out_channels, norm_layer)}: 1x1 down to {@code out_channels // 2}, a
     * depthwise 3x3, 1x1 up to {@code out_channels}, each a Conv2dNormActivation with ReLU6.
     */
    private static Sequential extraBlock(long inChannels, long outChannels) {
        long intermediate = Math.floorDiv(outChannels, 2);
        return new Sequential(
                Misc.conv2dNormActivation(inChannels, intermediate, 1, 1, 1, NORM, Layers::relu6, 1),
                Misc.conv2dNormActivation(intermediate, intermediate, 3, 2, intermediate, NORM, Layers::relu6, 1),
                Misc.conv2dNormActivation(intermediate, outChannels, 1, 1, 1, NORM, Layers::relu6, 1));
    }

    /**
     * {@code SSDLiteHead(in_channels, num_anchors, num_classes, norm_layer)}: SSD's two scoring heads, with a
     * prediction block per feature map instead of a plain 3x3 conv.
     */
    private static Module ssdliteHead(List<Long> inChannels, List<Long> numAnchors, long numClasses) {
        return SSD.scoringHeads("SSDLite", inChannels, numAnchors, numClasses, (in, out) -> predictionBlock(in, out, 3));
    }

    /**
     * {@code _prediction_block(in_channels, out_channels, kernel_size, norm_layer)}: a depthwise
     * Conv2dNormActivation (ReLU6), then a 1x1 projection with bias.
     */
    private static Sequential predictionBlock(long inChannels, long outChannels, long kernel) {
        return new Sequential(
                Misc.conv2dNormActivation(inChannels, inChannels, kernel, 1, inChannels, NORM, Layers::relu6, 1),
                conv2d(inChannels, outChannels, 1));
    }

}
