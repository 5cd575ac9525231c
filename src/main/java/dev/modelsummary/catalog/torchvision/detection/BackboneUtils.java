package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.MobileNetV3;
import dev.modelsummary.catalog.torchvision.ModelUtils;
import dev.modelsummary.catalog.torchvision.ResNet;
import dev.modelsummary.catalog.torchvision.ops.FeaturePyramidNetwork;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/detection/backbone_utils.py} (0.14.1): {@code BackboneWithFPN}, the ResNet and
 * MobileNetV3 feature extractors, and {@code _validate_trainable_layers}; with the backbone keyword arguments
 * ({@code weights_backbone}, {@code trainable_backbone_layers}) every detection builder takes.
 */
public final class BackboneUtils {
    /** {@code ResNet50_Weights}, the backbone weights of every ResNet-50 detector. */
    static final Weights RESNET50_WEIGHTS = ResNet.RESNET50.weights();
    /** {@code MobileNet_V3_Large_Weights}, as the classification builder declares it. */
    static final Weights MOBILENET_V3_LARGE_WEIGHTS = MobileNetV3.LARGE_WEIGHTS;

    private BackboneUtils() {
    }

    /**
     * {@code weights_backbone}. Its default here is None, as the shared ground truth and the model pages are
     * built; {@code torchvisionDefault} names torchvision's own default member (null: None too), which the help
     * text mentions so that a user can ask for it.
     */
    static Arg weightsBackbone(Weights weights, String torchvisionDefault) {
        String builtWith = torchvisionDefault == null ? "" : "; torchvision defaults to " + torchvisionDefault;
        return Arg.weights("weights_backbone", weights, "pretrained backbone weights (" + weights.className()
                + "): freeze the first backbone layers, and in most builders its batch norm (default None here"
                + builtWith + ")");
    }

    /** {@code trainable_backbone_layers: Optional[int] = None}. */
    static Arg trainableBackboneLayers(int maxValue, int defaultValue) {
        return Arg.optionalInteger("trainable_backbone_layers", "backbone layers left trainable, 0 to " + maxValue
                + " (None: " + defaultValue + " with pretrained weights, else all)");
    }

    /** {@code is_trained = weights is not None or weights_backbone is not None}. */
    static boolean isTrained(Kwargs kwargs) {
        return kwargs.weights("weights").isPresent() || kwargs.weights("weights_backbone").isPresent();
    }

    /**
     * {@code _validate_trainable_layers(is_trained, trainable_backbone_layers, max_value, default_value)}:
     * without pretrained weights every layer stays trainable (with a warning when a value was given anyway);
     * otherwise the value given, or the default, checked against {@code [0, max_value]}.
     */
    public static long validateTrainableLayers(Kwargs kwargs, boolean isTrained, long maxValue, long defaultValue) {
        Long trainable = kwargs.optionalInteger("trainable_backbone_layers");
        if (!isTrained) {
            if (trainable != null) {
                kwargs.warn("Changing trainable_backbone_layers has not effect if neither pretrained nor "
                        + "pretrained_backbone have been set to True, falling back to trainable_backbone_layers="
                        + maxValue + " so that all layers are trainable");
            }
            trainable = maxValue;
        }
        if (trainable == null) {
            trainable = defaultValue;
        }
        if (trainable < 0 || trainable > maxValue) {
            throw kwargs.refuse("Trainable backbone layers should be in the range [0," + maxValue + "], got "
                    + trainable + " ");
        }
        return trainable;
    }

    /**
     * {@code BackboneWithFPN(backbone, return_layers, in_channels_list, out_channels, extra_blocks, norm_layer)}:
     * {@code body} (the layer getter over the backbone) and {@code fpn}. {@code extra_blocks=None} means a
     * LastLevelMaxPool.
     */
    static final class BackboneWithFPN extends Module {
        private final long outChannels;

        BackboneWithFPN(Module backbone, Set<String> returnLayers, long[] inChannelsList, long outChannels,
                        Module extraBlocks, LongFunction<Module> norm) {
            add("body", ModelUtils.intermediateLayerGetter(backbone, returnLayers));
            add("fpn", new FeaturePyramidNetwork(inChannelsList, outChannels,
                    extraBlocks == null ? FeaturePyramidNetwork.lastLevelMaxPool() : extraBlocks, norm));
            this.outChannels = outChannels;
        }

        /** {@code forward(x)}: {@code fpn(body(x))}, the FPN's levels in order. */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            return callOutputs(t, "fpn", callOutputs(t, "body", xs));
        }

        /** {@code backbone.out_channels}: the width of every FPN level. */
        long outChannels() {
            return outChannels;
        }
    }

    /** {@code resnet50(weights=..., norm_layer=norm)}: the weights fix num_classes at 1000, the default anyway. */
    static ResNet resnet50(LongFunction<Module> norm) {
        return new ResNet(ResNet.RESNET50, 1000, norm);
    }

    /**
     * {@code _resnet_fpn_extractor(backbone, trainable_layers, returned_layers, extra_blocks, norm_layer)}:
     * freezes every parameter outside the last {@code trainableLayers} of layer4, layer3, layer2, layer1, conv1
     * (bn1 too when all five train), then puts an FPN over the returned layers. {@code returnedLayers} null
     * means {@code [1, 2, 3, 4]}. The builders pass values already in range, so the Python's range checks
     * cannot fail here.
     */
    static BackboneWithFPN resnetFpnExtractor(ResNet backbone, ResNet.Variant variant, long trainableLayers,
                                              int[] returnedLayers, Module extraBlocks, LongFunction<Module> norm) {
        List<String> layersToTrain = new ArrayList<>(
                List.of("layer4", "layer3", "layer2", "layer1", "conv1").subList(0, (int) trainableLayers));
        if (trainableLayers == 5) {
            layersToTrain.add("bn1");
        }
        backbone.requiresGrad(name -> layersToTrain.stream().noneMatch(name::startsWith), false);

        int[] returned = returnedLayers == null ? new int[] {1, 2, 3, 4} : returnedLayers;
        Set<String> returnLayers = new LinkedHashSet<>();
        long[] inChannelsList = new long[returned.length];
        // backbone.inplanes after the last stage: 512 * expansion; stage k has inplanes // 8 * 2 ** (k - 1).
        long inChannelsStage2 = 512 * variant.block().expansion() / 8;
        for (int i = 0; i < returned.length; i++) {
            returnLayers.add("layer" + returned[i]);
            inChannelsList[i] = inChannelsStage2 << (returned[i] - 1);
        }
        return new BackboneWithFPN(backbone, returnLayers, inChannelsList, 256, extraBlocks, norm);
    }

    /** {@code mobilenet_v3_large(weights=..., norm_layer=norm).features}, with the default configuration. */
    static MobileNetV3.Conf mobilenetV3LargeConf() {
        return MobileNetV3.conf("mobilenet_v3_large", Kwargs.defaults("mobilenet_v3_large", MobileNetV3.confArgs()));
    }

    /**
     * {@code _mobilenet_extractor(backbone, fpn=True, trainable_layers)}: the stages start at the first conv,
     * at each strided block ({@code _is_cn}) and at the last conv; everything before the last
     * {@code trainableLayers} stages is frozen, and an FPN (LastLevelMaxPool) takes the last two stages. The
     * {@code fpn=False} form is not used by these builders.
     */
    static BackboneWithFPN mobilenetExtractor(MobileNetV3.Conf conf, LongFunction<Module> norm, long trainableLayers) {
        Sequential features = MobileNetV3.features(conf, norm);
        List<MobileNetV3.BlockConfig> blocks = conf.blocks();
        // features: [first conv, one InvertedResidual per block, last conv]; out_channels of each.
        long[] outChannels = new long[features.size()];
        outChannels[0] = blocks.get(0).inputChannels();
        List<Integer> stageIndices = new ArrayList<>(List.of(0));
        for (int i = 0; i < blocks.size(); i++) {
            outChannels[i + 1] = blocks.get(i).outChannels();
            if (blocks.get(i).stride() > 1) {
                stageIndices.add(i + 1);
            }
        }
        outChannels[features.size() - 1] = Dims.mul(6, blocks.get(blocks.size() - 1).outChannels());
        stageIndices.add(features.size() - 1);
        int numStages = stageIndices.size();

        int freezeBefore = trainableLayers == 0 ? features.size()
                : stageIndices.get(numStages - (int) trainableLayers);
        features.requiresGrad(name -> Integer.parseInt(name.substring(0, name.indexOf('.'))) < freezeBefore, false);

        int[] returnedLayers = {numStages - 2, numStages - 1};
        Set<String> returnLayers = new LinkedHashSet<>();
        long[] inChannelsList = new long[returnedLayers.length];
        for (int i = 0; i < returnedLayers.length; i++) {
            int index = stageIndices.get(returnedLayers[i]);
            returnLayers.add(Integer.toString(index));
            inChannelsList[i] = outChannels[index];
        }
        return new BackboneWithFPN(features, returnLayers, inChannelsList, 256, null, null);
    }

    /** The norm layer of a pretrained-capable backbone: FrozenBatchNorm2d when trained, else BatchNorm2d. */
    static LongFunction<Module> frozenIfTrained(boolean isTrained) {
        return isTrained ? Misc.FROZEN_BATCH_NORM : Layers::batchNorm2d;
    }
}
