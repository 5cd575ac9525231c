package dev.modelsummary.catalog.torchvision.segmentation;

import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.ModelUtils;
import dev.modelsummary.catalog.torchvision.ResNet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * torchvision {@code models/segmentation/fcn.py} (0.14.1): fcn_resnet50 and fcn_resnet101, an FCNHead on a
 * ResNet's {@code layer4}, and another on {@code layer3} when {@code aux_loss}.
 */
public final class FCN extends SimpleSegmentationModel {

    /** What a public builder fixes: its weights enum and its ResNet. */
    private record Variant(String name, Weights weights, ResNet.Variant backbone) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("fcn_resnet50", SimpleSegmentationModel.vocWeights("FCN_ResNet50_Weights"), ResNet.RESNET50),
            new Variant("fcn_resnet101", SimpleSegmentationModel.vocWeights("FCN_ResNet101_Weights"),
                    ResNet.RESNET101));

    private FCN(Module backbone, Module classifier, Module auxClassifier) {
        super(backbone, classifier, auxClassifier);
    }

    /** The two public builders. */
    public static List<Builder> builders() {
        return VARIANTS.stream()
                .map(v -> Builder.of(v.name(), Task.SEMANTIC_SEGMENTATION,
                        SimpleSegmentationModel.args(v.weights(), v.backbone().weights()),
                        kwargs -> fcnResnet(v, kwargs)))
                .toList();
    }

    /**
     * {@code fcn_resnet50/101}: weights fix num_classes (21) and aux_loss (True); the backbone is
     * {@code resnet50/101(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])}, whose
     * dilation and 1000-class {@code fc} leave no trace once the layer getter drops it.
     */
    private static Module fcnResnet(Variant variant, Kwargs kwargs) {
        long numClasses = SimpleSegmentationModel.numClasses(kwargs);
        boolean aux = SimpleSegmentationModel.auxLoss(kwargs);
        ResNet backbone = new ResNet(variant.backbone(), Args.IMAGENET, Layers::batchNorm2d,
                new boolean[] {false, true, true});
        return fcnResnet(backbone, numClasses, aux);
    }

    /**
     * {@code _fcn_resnet(backbone, num_classes, aux)}: the layer getter keeps the ResNet up to {@code layer4}
     * (also returning {@code layer3} when aux); the heads take its 2048 and 1024 channels.
     */
    private static FCN fcnResnet(ResNet backbone, long numClasses, boolean aux) {
        Set<String> returnLayers = new LinkedHashSet<>(List.of("layer4"));
        if (aux) {
            returnLayers.add("layer3");
        }
        Module body = ModelUtils.intermediateLayerGetter(backbone, returnLayers);
        Module auxClassifier = aux ? fcnHead(1024, numClasses) : null;
        Module classifier = fcnHead(2048, numClasses);
        return new FCN(body, classifier, auxClassifier);
    }

    /**
     * {@code FCNHead(in_channels, channels)}: a 3x3 conv to {@code in_channels // 4} without bias, BatchNorm2d,
     * ReLU, Dropout, and a 1x1 conv to {@code channels}. DeepLabV3 uses it as its auxiliary classifier.
     */
    static Sequential fcnHead(long inChannels, long channels) {
        return new FCNHead(inChannels, channels);
    }

    /** {@code FCNHead(nn.Sequential)}: 3x3 conv (padding 1), BatchNorm2d, ReLU, Dropout(0.1), 1x1 conv. */
    static final class FCNHead extends Sequential {
        FCNHead(long inChannels, long channels) {
            super(conv2d(inChannels, Math.floorDiv(inChannels, 4), 3, 1, false).padding(1),
                    batchNorm2d(Math.floorDiv(inChannels, 4)),
                    relu(),
                    dropout(0.1),
                    conv2d(Math.floorDiv(inChannels, 4), channels, 1));
        }
    }
}
