package dev.modelsummary.catalog.torchvision.segmentation;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.relu;

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
import dev.modelsummary.catalog.torchvision.ModelUtils;
import dev.modelsummary.catalog.torchvision.ResNet;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * torchvision {@code models/segmentation/deeplabv3.py} (0.14.1): deeplabv3_resnet50, deeplabv3_resnet101 and
 * deeplabv3_mobilenet_v3_large, a DeepLabHead (ASPP) on the backbone's last stage, and an FCNHead on an earlier
 * one when {@code aux_loss}.
 */
public final class DeepLabV3 extends SimpleSegmentationModel {

    /** {@code DeepLabHead}'s {@code ASPP(in_channels, [12, 24, 36])}: the dilations leave no trace. */
    private static final List<Long> ATROUS_RATES = List.of(12L, 24L, 36L);

    /** ASPP's default {@code out_channels}. */
    private static final long ASPP_CHANNELS = 256;

    /** What a ResNet builder fixes: its weights enum and its ResNet. */
    private record ResNetVariant(String name, Weights weights, ResNet.Variant backbone) {
    }

    private static final List<ResNetVariant> RESNET_VARIANTS = List.of(
            new ResNetVariant("deeplabv3_resnet50", SimpleSegmentationModel.vocWeights("DeepLabV3_ResNet50_Weights"),
                    ResNet.RESNET50),
            new ResNetVariant("deeplabv3_resnet101",
                    SimpleSegmentationModel.vocWeights("DeepLabV3_ResNet101_Weights"), ResNet.RESNET101));

    private DeepLabV3(Module backbone, Module classifier, Module auxClassifier) {
        super(backbone, classifier, auxClassifier);
    }

    /** The three public builders. */
    public static List<Builder> builders() {
        List<Builder> builders = new ArrayList<>(RESNET_VARIANTS.stream()
                .map(v -> Builder.of(v.name(), Task.SEMANTIC_SEGMENTATION,
                        SimpleSegmentationModel.args(v.weights(), v.backbone().weights()),
                        kwargs -> deeplabv3Resnet(v, kwargs)))
                .toList());
        builders.add(Builder.of("deeplabv3_mobilenet_v3_large", Task.SEMANTIC_SEGMENTATION,
                SimpleSegmentationModel.args(SimpleSegmentationModel.vocWeights("DeepLabV3_MobileNet_V3_Large_Weights"),
                        MobileNetV3.LARGE_WEIGHTS),
                DeepLabV3::deeplabv3MobileNetV3Large));
        return builders;
    }

    /**
     * {@code deeplabv3_resnet50/101}: weights fix num_classes (21) and aux_loss (True); the backbone is
     * {@code resnet50/101(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])}, whose
     * dilation and 1000-class {@code fc} leave no trace once the layer getter drops it.
     */
    private static Module deeplabv3Resnet(ResNetVariant variant, Kwargs kwargs) {
        long numClasses = SimpleSegmentationModel.numClasses(kwargs);
        boolean aux = SimpleSegmentationModel.auxLoss(kwargs);
        ResNet backbone = new ResNet(variant.backbone(), Args.IMAGENET, Layers::batchNorm2d,
                new boolean[] {false, true, true});
        return deeplabv3Resnet(backbone, numClasses, aux);
    }

    /**
     * {@code _deeplabv3_resnet(backbone, num_classes, aux)}: the layer getter keeps the ResNet up to
     * {@code layer4} (also returning {@code layer3} when aux); the heads take its 2048 and 1024 channels.
     */
    private static DeepLabV3 deeplabv3Resnet(ResNet backbone, long numClasses, boolean aux) {
        Set<String> returnLayers = new LinkedHashSet<>(List.of("layer4"));
        if (aux) {
            returnLayers.add("layer3");
        }
        Module body = ModelUtils.intermediateLayerGetter(backbone, returnLayers);
        Module auxClassifier = aux ? FCN.fcnHead(1024, numClasses) : null;
        Module classifier = deepLabHead(2048, numClasses);
        return new DeepLabV3(body, classifier, auxClassifier);
    }

    /**
     * {@code deeplabv3_mobilenet_v3_large}: weights fix num_classes and aux_loss as for the ResNets; the backbone
     * is {@code mobilenet_v3_large(weights=weights_backbone, dilated=True)}.
     */
    private static Module deeplabv3MobileNetV3Large(Kwargs kwargs) {
        long numClasses = SimpleSegmentationModel.numClasses(kwargs);
        boolean aux = SimpleSegmentationModel.auxLoss(kwargs);
        return deeplabv3MobileNetV3(MobileNetV3Features.large(), numClasses, aux);
    }

    /**
     * {@code _deeplabv3_mobilenetv3(backbone, num_classes, aux)}: the classifier reads C5, the last stage
     * ({@code stage_indices[-1]}), the auxiliary classifier C2 ({@code stage_indices[-4]}). The layer getter
     * keeps all of {@code features}, since C5 is its last child.
     */
    private static DeepLabV3 deeplabv3MobileNetV3(MobileNetV3Features backbone, long numClasses, boolean aux) {
        int outPos = backbone.stageFromEnd(1);
        long outInplanes = backbone.outChannels(outPos);
        int auxPos = backbone.stageFromEnd(4);
        long auxInplanes = backbone.outChannels(auxPos);
        Set<String> returnLayers = new LinkedHashSet<>(List.of(Integer.toString(outPos)));
        if (aux) {
            returnLayers.add(Integer.toString(auxPos));
        }
        Module body = ModelUtils.intermediateLayerGetter(backbone.features(), returnLayers);
        Module auxClassifier = aux ? FCN.fcnHead(auxInplanes, numClasses) : null;
        Module classifier = deepLabHead(outInplanes, numClasses);
        return new DeepLabV3(body, classifier, auxClassifier);
    }

    /** {@code DeepLabHead(in_channels, num_classes)}. */
    private static Sequential deepLabHead(long inChannels, long numClasses) {
        return new DeepLabHead(inChannels, numClasses);
    }

    /** {@code DeepLabHead(nn.Sequential)}: ASPP, a 3x3 conv (padding 1), BatchNorm2d, ReLU, a 1x1 classifier. */
    static final class DeepLabHead extends Sequential {
        DeepLabHead(long inChannels, long numClasses) {
            super(new ASPP(inChannels, ATROUS_RATES, ASPP_CHANNELS),
                    conv2d(256, 256, 3, 1, false).padding(1),
                    batchNorm2d(256),
                    relu(),
                    conv2d(256, numClasses, 1));
        }
    }

    /**
     * {@code ASPP(in_channels, atrous_rates, out_channels)}: {@code convs} holds a 1x1 branch, one ASPPConv per
     * rate and the ASPPPooling branch; {@code project} fuses their concatenation (ending with ReLU, Dropout).
     */
    static final class ASPP extends Module {
        ASPP(long inChannels, List<Long> atrousRates, long outChannels) {
            Sequential convs = new Sequential(new Sequential(conv2d(inChannels, outChannels, 1, 1, false),
                    batchNorm2d(outChannels), relu()));
            atrousRates.forEach(rate -> convs.append(new ASPPConv(inChannels, outChannels, rate)));
            convs.append(new ASPPPooling(inChannels, outChannels));
            add("convs", convs);
            add("project", new Sequential(
                    conv2d(Dims.mul(convs.size(), outChannels), outChannels, 1, 1, false),
                    batchNorm2d(outChannels),
                    relu(),
                    dropout(0.5)));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            List<Shape> res = new ArrayList<>();
            for (String conv : child("convs").childrenWithEmptyPlaces().keySet()) {
                res.add(call(t, "convs", conv, x));
            }
            Shape cat = Reshape.cat(res, 1);
            return call(t, "project", cat);
        }
    }

    /** {@code ASPPConv(nn.Sequential)}: a 3x3 conv with padding and dilation {@code rate}, BatchNorm2d, ReLU. */
    static final class ASPPConv extends Sequential {
        ASPPConv(long inChannels, long outChannels, long dilation) {
            super(conv2d(inChannels, outChannels, 3, 1, false).padding(dilation).dilation(dilation),
                    batchNorm2d(outChannels), relu());
        }
    }

    /**
     * {@code ASPPPooling(nn.Sequential)}: AdaptiveAvgPool2d(1), a 1x1 conv, BatchNorm2d, ReLU, then
     * {@code F.interpolate} back to the input's size.
     */
    static final class ASPPPooling extends Sequential {
        ASPPPooling(long inChannels, long outChannels) {
            super(adaptiveAvgPool2d(1, 1), conv2d(inChannels, outChannels, 1, 1, false), batchNorm2d(outChannels),
                    relu());
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape size = x;
            Shape out = super.forward(t, x);
            return SimpleSegmentationModel.interpolate(out, size);
        }
    }
}
