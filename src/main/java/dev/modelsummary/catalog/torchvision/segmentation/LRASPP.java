package dev.modelsummary.catalog.torchvision.segmentation;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.relu;
import static dev.modelsummary.catalog.nn.Layers.sigmoid;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.MobileNetV3;
import dev.modelsummary.catalog.torchvision.ModelUtils;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * torchvision {@code models/segmentation/lraspp.py} (0.14.1): lraspp_mobilenet_v3_large, a Lite R-ASPP head
 * reading MobileNetV3's C2 ("low") and C5 ("high") features.
 */
public final class LRASPP extends Module {

    /** {@code LRASPP}'s default {@code inter_channels}; the builder does not pass it. */
    private static final long INTER_CHANNELS = 128;

    /** {@code LRASPP(backbone, low_channels, high_channels, num_classes, inter_channels)}. */
    private LRASPP(Module backbone, long lowChannels, long highChannels, long numClasses, long interChannels) {
        add("backbone", backbone);
        add("classifier", new LRASPPHead(lowChannels, highChannels, numClasses, interChannels));
    }

    /** {@code LRASPP.forward}: a dict with one entry, {@code "out"}, interpolated to the input's size. */
    @Override
    public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
        Shape input = xs.get(0);
        List<Shape> features = callOutputs(t, "backbone", input);
        Shape out = call(t, "classifier", features);
        out = SimpleSegmentationModel.interpolate(out, input);

        return List.of(out);
    }

    @Override
    public Shape forward(Trace t, Shape x) {
        throw new UnsupportedOperationException(className() + " returns a dict of tensors");
    }

    /** The one public builder. */
    public static List<Builder> builders() {
        return List.of(Builder.of("lraspp_mobilenet_v3_large", Task.SEMANTIC_SEGMENTATION, List.of(
                        Args.weights(SimpleSegmentationModel.vocWeights("LRASPP_MobileNet_V3_Large_Weights")),
                        Args.progress(),
                        SimpleSegmentationModel.numClassesArg(),
                        SimpleSegmentationModel.weightsBackbone(MobileNetV3.LARGE_WEIGHTS),
                        // Taken from **kwargs: the builder refuses it when true.
                        Arg.bool("aux_loss", false, "not supported: this model has no auxiliary classifier")),
                LRASPP::lrasppMobileNetV3Large));
    }

    /**
     * {@code lraspp_mobilenet_v3_large}: refuses {@code aux_loss}; weights fix num_classes (21); the backbone is
     * {@code mobilenet_v3_large(weights=weights_backbone, dilated=True)}.
     */
    private static Module lrasppMobileNetV3Large(Kwargs kwargs) {
        if (kwargs.bool("aux_loss")) {
            throw kwargs.refuse("This model does not use auxiliary loss");
        }
        long numClasses = SimpleSegmentationModel.numClasses(kwargs);
        return lrasppMobileNetV3(MobileNetV3Features.large(), numClasses);
    }

    /**
     * {@code _lraspp_mobilenetv3(backbone, num_classes)}: "low" is C2 ({@code stage_indices[-4]}), "high" is C5
     * ({@code stage_indices[-1]}); the layer getter keeps all of {@code features}, since C5 is its last child.
     */
    private static LRASPP lrasppMobileNetV3(MobileNetV3Features backbone, long numClasses) {
        int lowPos = backbone.stageFromEnd(4);
        int highPos = backbone.stageFromEnd(1);
        long lowChannels = backbone.outChannels(lowPos);
        long highChannels = backbone.outChannels(highPos);
        Set<String> returnLayers = new LinkedHashSet<>(List.of(Integer.toString(lowPos), Integer.toString(highPos)));
        Module body = ModelUtils.intermediateLayerGetter(backbone.features(), returnLayers);
        return new LRASPP(body, lowChannels, highChannels, numClasses, INTER_CHANNELS);
    }

    /**
     * {@code LRASPPHead(low_channels, high_channels, num_classes, inter_channels)}: {@code cbr} (1x1 conv,
     * BatchNorm2d, ReLU) and {@code scale} (pooling, 1x1 conv, Sigmoid) on the high features, then a 1x1
     * classifier with bias for each of the low and the scaled high features.
     */
    static final class LRASPPHead extends Module {
        LRASPPHead(long lowChannels, long highChannels, long numClasses, long interChannels) {
            add("cbr", new Sequential(conv2d(highChannels, interChannels, 1, 1, false), batchNorm2d(interChannels),
                    relu()));
            add("scale", new Sequential(adaptiveAvgPool2d(1, 1), conv2d(highChannels, interChannels, 1, 1, false),
                    sigmoid()));
            add("low_classifier", conv2d(lowChannels, numClasses, 1));
            add("high_classifier", conv2d(interChannels, numClasses, 1));
        }

        /** {@code forward(input: Dict[str, Tensor])}: "low" and "high", in the getter's (running) order. */
        @Override
        public Shape forward(Trace t, List<Shape> input) {
            Shape low = input.get(0);
            Shape high = input.get(1);
            Shape x = call(t, "cbr", high);
            Shape s = call(t, "scale", high);
            x = Reshape.broadcast(x, s);
            x = SimpleSegmentationModel.interpolate(x, low);
            return Reshape.broadcast(call(t, "low_classifier", low), call(t, "high_classifier", x));
        }
    }
}
