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
import dev.modelsummary.catalog.torchvision.VGG;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/detection/ssd.py} (0.14.1): the {@code ssd300_vgg16} builder, the {@code SSD}
 * model, its {@code SSDHead} and the VGG16 feature extractor. The anchor generator ({@code DefaultBoxGenerator})
 * and the transform ({@code GeneralizedRCNNTransform}) are modules without tensors; the box coder and the
 * matcher are not modules at all.
 */
public final class SSD extends Module {
    /** {@code SSD300_VGG16_Weights}: COCO, min_size 1. */
    public static final Weights WEIGHTS = Weights.of("SSD300_VGG16_Weights", Args.COCO, 1, "COCO_V1", "COCO_V1");

    /** {@code DefaultBoxGenerator}'s aspect ratios in {@code ssd300_vgg16}, one list per feature map. */
    private static final long[][] ASPECT_RATIOS = {{2}, {2, 3}, {2, 3}, {2, 3}, {2}, {2}};

    /** The number of VGG16 stages {@code trainable_backbone_layers} counts (its maximum). */
    private static final int VGG_STAGES = 5;

    /** The one public builder, {@code ssd300_vgg16}, with its own arguments, then {@code SSD}'s keyword arguments. */
    public static List<Builder> builders() {
        List<Arg> args = List.of(
                Args.weights(WEIGHTS),
                Args.progress(),
                Arg.optionalInteger("num_classes", "number of output classes including the background"
                        + " (None: 91, or the weights' categories)"),
                Arg.weights("weights_backbone", VGG.vgg16Weights(), "pretrained VGG16 backbone weights; they"
                        + " freeze backbone layers (torchvision's default is IMAGENET1K_FEATURES; here None)"),
                Arg.optionalInteger("trainable_backbone_layers", "number of trainable VGG16 stages counted from"
                        + " the last, 0 to 5 (None: 4); only with weights or weights_backbone"),
                Arg.real("score_thresh", 0.01, "detection score threshold (no effect on the tensors)"),
                Arg.real("nms_thresh", 0.45, "NMS threshold (no effect on the tensors)"),
                Arg.integer("detections_per_img", 200, "detections kept per image (no effect on the tensors)"),
                Arg.real("iou_thresh", 0.5, "IoU for a positive anchor match (no effect on the tensors)"),
                Arg.integer("topk_candidates", 400, "detections kept before NMS (no effect on the tensors)"),
                Arg.real("positive_fraction", 0.25, "share of positive anchors in the classification loss"
                        + " (no effect on the tensors; 0 is refused)"));
        return List.of(Builder.of("ssd300_vgg16", Task.OBJECT_DETECTION, args, SSD::ssd300Vgg16));
    }

    /**
     * {@code ssd300_vgg16(weights, progress, num_classes, weights_backbone, trainable_backbone_layers,
     * **kwargs)}: weights replace weights_backbone and fix num_classes; pretrained weights of either kind
     * freeze the first VGG16 stages.
     */
    private static Module ssd300Vgg16(Kwargs kwargs) {
        var weights = kwargs.weights("weights");
        var weightsBackbone = weights.isPresent() ? null : kwargs.weights("weights_backbone").orElse(null);
        Long numClasses = kwargs.optionalInteger("num_classes");
        if (weights.isPresent()) {
            numClasses = kwargs.overwriteValue("num_classes", weights.get().categories());
        } else if (numClasses == null) {
            numClasses = Args.COCO;
        }
        int trainableLayers = (int) BackboneUtils.validateTrainableLayers(kwargs,
                weights.isPresent() || weightsBackbone != null, VGG_STAGES, 4);
        // vgg16(weights=weights_backbone): only its features are used, and the backbone weights'
        // categories (None for IMAGENET1K_FEATURES) only touch the classifier, which is dropped.
        FeatureExtractorVGG backbone = vggExtractor(VGG.makeLayers("D", false), trainableLayers);
        checkPositiveFraction(kwargs);
        return withSsdHead(backbone, numClasses);
    }

    /** {@code SSD.__init__} computes {@code (1.0 - positive_fraction) / positive_fraction}: 0 divides by zero. */
    private static void checkPositiveFraction(Kwargs kwargs) {
        if (kwargs.real("positive_fraction") == 0.0) {
            throw kwargs.refuse("float division by zero");
        }
    }

    /**
     * {@code _vgg_extractor(backbone, highres=False, trainable_layers)}: freezes the VGG16 features up to the
     * first trainable stage (stages start at layer 0 and at each max pooling but the last), then wraps them.
     */
    private static FeatureExtractorVGG vggExtractor(Sequential features, int trainableLayers) {
        List<Module> layers = new ArrayList<>(features.childrenWithEmptyPlaces().values());
        List<Integer> stageIndices = new ArrayList<>(List.of(0));
        List<Integer> pools = maxPoolPositions(layers);
        stageIndices.addAll(pools.subList(0, pools.size() - 1));
        int numStages = stageIndices.size();
        int freezeBefore = trainableLayers == 0 ? layers.size() : stageIndices.get(numStages - trainableLayers);
        layers.subList(0, freezeBefore).forEach(layer -> layer.requiresGrad(false));
        return new FeatureExtractorVGG(layers);
    }

    /** The positions of the {@code nn.MaxPool2d} layers among VGG's features. */
    private static List<Integer> maxPoolPositions(List<Module> layers) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof VGG.MaxPool2d) {
                positions.add(i);
            }
        }
        return positions;
    }

    /**
     * {@code SSD(backbone, anchor_generator, size, num_classes)} without a head: the default {@code SSDHead}
     * on the backbone's output channels, one feature map per anchor-generator entry.
     */
    private static SSD withSsdHead(FeatureExtractorVGG backbone, long numClasses) {
        List<Long> outChannels = backbone.outChannels();
        if (outChannels.size() != ASPECT_RATIOS.length) {
            throw new IllegalArgumentException("The length of the output channels from the backbone ("
                    + outChannels.size() + ") do not match the length of the anchor generator aspect ratios ("
                    + ASPECT_RATIOS.length + ")");
        }
        return new SSD(backbone, ssdHead(outChannels, numAnchorsPerLocation(ASPECT_RATIOS), numClasses),
                ASPECT_RATIOS, 300);
    }

    /** {@code DefaultBoxGenerator.num_anchors_per_location()}: 2 default boxes plus 2 per aspect ratio. */
    private static List<Long> numAnchorsPerLocation(long[][] aspectRatios) {
        List<Long> anchors = new ArrayList<>();
        for (long[] ratios : aspectRatios) {
            anchors.add(2 + 2L * ratios.length);
        }
        return anchors;
    }

    /**
     * {@code SSD(backbone, anchor_generator, size, num_classes, head=head)}: {@code backbone},
     * {@code anchor_generator}, {@code head}, {@code transform}, in that order.
     */
    public SSD(Module backbone, Module head, long[][] aspectRatios, long size) {
        add("backbone", backbone);
        add("anchor_generator", new DefaultBoxGenerator(aspectRatios));
        add("head", head);
        // GeneralizedRCNNTransform(min(size), max(size), ..., size_divisible=1, fixed_size=size)
        add("transform", new Transform.GeneralizedRCNNTransform(size, size, 1, new long[] {size, size}));
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

    /**
     * {@code DefaultBoxGenerator(aspect_ratios, ...)}: no tensors; per image one tensor of every level's default
     * boxes, {@code (sum of (2 + 2 * len(ratios_k)) * H_k * W_k, 4)}.
     */
    static final class DefaultBoxGenerator extends Module {
        private final long[][] aspectRatios;

        DefaultBoxGenerator(long[][] aspectRatios) {
            this.aspectRatios = aspectRatios;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> maps = xs.subList(1, xs.size());
            long boxes = 0;
            for (int k = 0; k < maps.size(); k++) {
                if (k >= aspectRatios.length) {
                    throw new ShapeException("list index out of range"); // self._wh_pairs[k]
                }
                Shape map = maps.get(k);
                boxes = Exact.add(boxes, Exact.product(2 + 2L * aspectRatios[k].length, map.dim(map.rank() - 2),
                        map.dim(map.rank() - 1)));
            }
            List<Shape> out = new ArrayList<>();
            for (long i = 0; i < xs.get(0).dim(0); i++) {
                out.add(Shape.of(boxes, 4));
            }
            return out;
        }
    }

    /** What an {@code SSDScoringHead} holds per feature map: a module from its channels to the predicted ones. */
    @FunctionalInterface
    interface PredictionBlock {
        Module create(long inChannels, long outChannels);
    }

    /**
     * {@code SSDHead(in_channels, num_anchors, num_classes)}: {@code classification_head}, then
     * {@code regression_head}, each a 3x3 conv per feature map.
     */
    public static Module ssdHead(List<Long> inChannels, List<Long> numAnchors, long numClasses) {
        return scoringHeads("SSD", inChannels, numAnchors, numClasses, (in, out) -> conv2d(in, out, 3).padding(1));
    }

    /**
     * The two {@code SSDScoringHead}s of SSD's and SSDLite's heads: {@code classification_head}
     * ({@code num_columns} = num_classes), then {@code regression_head} ({@code num_columns} = 4), each
     * holding in {@code module_list} one block per feature map that predicts {@code num_columns * anchors}
     * channels.
     */
    static Module scoringHeads(String prefix, List<Long> inChannels, List<Long> numAnchors, long numClasses,
                               PredictionBlock block) {
        return new Head(prefix + "Head", scoringHead(prefix + "ClassificationHead", inChannels, numAnchors,
                numClasses, block), scoringHead(prefix + "RegressionHead", inChannels, numAnchors, 4, block));
    }

    /**
     * {@code SSDHead} / {@code SSDLiteHead}: {@code {"bbox_regression": regression_head(x), "cls_logits":
     * classification_head(x)}}, the regression head called first.
     */
    static final class Head extends Module {
        Head(String torchClass, Module classificationHead, Module regressionHead) {
            className(torchClass);
            add("classification_head", classificationHead);
            add("regression_head", regressionHead);
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> x) {
            return List.of(call(t, "regression_head", x), call(t, "classification_head", x));
        }
    }

    private static Module scoringHead(String className, List<Long> inChannels, List<Long> numAnchors,
                                      long numColumns, PredictionBlock block) {
        Sequential moduleList = new Sequential();
        for (int i = 0; i < Math.min(inChannels.size(), numAnchors.size()); i++) {
            moduleList.append(block.create(inChannels.get(i), Dims.mul(numColumns, numAnchors.get(i))));
        }
        return new ScoringHead(className, moduleList, numColumns);
    }

    /**
     * {@code SSDScoringHead(module_list, num_columns)}: per level {@code module_list[i](features)} (the list is
     * iterated, not called), viewed {@code (N, H * W * A, num_columns)}, concatenated over the levels.
     */
    static final class ScoringHead extends Module {
        private final long numColumns;

        ScoringHead(String torchClass, Sequential moduleList, long numColumns) {
            className(torchClass);
            add("module_list", moduleList);
            this.numColumns = numColumns;
        }

        @Override
        public Shape forward(Trace t, List<Shape> x) {
            int blocks = ((Sequential) child("module_list")).size();
            List<Shape> levels = new ArrayList<>();
            for (int i = 0; i < x.size(); i++) {
                // _get_result_from_module_list: a level past the list's end gets the features unchanged
                levels.add(i < blocks ? call(t, "module_list", Integer.toString(i), x.get(i)) : x.get(i));
            }
            return DetectionUtils.catLevels(levels, numColumns);
        }
    }

    /**
     * {@code SSDFeatureExtractorVGG(backbone, highres=False)}: {@code scale_weight} (the L2-norm rescaling of
     * conv4_3), {@code features} (VGG up to the 4th max pooling), and the {@code extra} blocks, the first of
     * which carries VGG's conv5 stage (without its last max pooling) and the atrous FC6/FC7. SSD512's extra
     * block ({@code highres}) is left out: no builder asks for it.
     */
    private static final class FeatureExtractorVGG extends Module {
        private final List<Module> outputs = new ArrayList<>();

        FeatureExtractorVGG(List<Module> backbone) {
            className("SSDFeatureExtractorVGG");
            List<Integer> pools = maxPoolPositions(backbone);
            // Python unpacks exactly five max poolings: `_, _, maxpool3_pos, maxpool4_pos, _ = ...`.
            if (pools.size() != 5) {
                throw new IllegalArgumentException("SSD expects VGG features with 5 max poolings");
            }
            int maxpool4 = pools.get(3);
            // backbone[maxpool3_pos].ceil_mode = True
            ((VGG.MaxPool2d) backbone.get(pools.get(2))).ceilMode(true);
            parameter("scale_weight", 512);
            Sequential features = add("features", new Sequential(backbone.subList(0, maxpool4)));
            List<Module> extra = new ArrayList<>(List.of(
                    extraBlock(1024, 256, 512, true), // conv8_2
                    extraBlock(512, 128, 256, true), // conv9_2
                    extraBlock(256, 128, 256, false), // conv10_2
                    extraBlock(256, 128, 256, false))); // conv11_2
            // extra.insert(0, ...): conv5 (skipping maxpool5), then fc, re-indexed from 0.
            List<Module> conv5 = new ArrayList<>(backbone.subList(maxpool4, backbone.size() - 1));
            conv5.add(fc());
            extra.add(0, new Sequential(conv5));
            add("extra", new Sequential(extra));
            outputs.add(features);
            outputs.addAll(extra);
        }

        /**
         * {@code forward(x)}: {@code features(x)}, rescaled by {@code scale_weight * F.normalize(x)} (elementwise,
         * 0 FLOPs), then each {@code extra} block in turn (a ModuleList, iterated); all six maps.
         */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = call(t, "features", xs.get(0));
            List<Shape> out = new ArrayList<>();
            out.add(Reshape.broadcast(Shape.of(1, 512, 1, 1), x));
            int blocks = ((Sequential) child("extra")).size();
            for (int i = 0; i < blocks; i++) {
                x = call(t, "extra", Integer.toString(i), x);
                out.add(x);
            }
            return out;
        }

        /** Conv 1x1 to the bottleneck, ReLU, 3x3 conv, ReLU. */
        private static Sequential extraBlock(long in, long bottleneck, long out, boolean strided) {
            return new Sequential(conv2d(in, bottleneck, 1), Layers.relu(),
                    strided ? conv2d(bottleneck, out, 3).padding(1).stride(2) : conv2d(bottleneck, out, 3),
                    Layers.relu());
        }

        /** The modified maxpool5, FC6 (a dilated 3x3 conv 512 to 1024), ReLU, FC7 (1x1 conv), ReLU. */
        private static Sequential fc() {
            return new Sequential(Layers.maxPool2d(3, 1, 1), conv2d(512, 1024, 3).padding(6).dilation(6),
                    Layers.relu(), conv2d(1024, 1024, 1), Layers.relu());
        }

        /**
         * {@code det_utils.retrieve_out_channels(backbone, size)}: the channels of each output feature map
         * (features, then each extra block), i.e. the output channels of each one's last convolution.
         */
        List<Long> outChannels() {
            List<Long> channels = new ArrayList<>();
            for (Module output : outputs) {
                List<TensorEntry> convWeights = output.tensors().stream()
                        .filter(t -> t.shape().rank() == 4).toList();
                channels.add(convWeights.get(convWeights.size() - 1).shape().dim(0));
            }
            return channels;
        }
    }
}
