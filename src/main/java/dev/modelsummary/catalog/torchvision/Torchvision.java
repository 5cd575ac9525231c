package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.torchvision.detection.FCOS;
import dev.modelsummary.catalog.torchvision.detection.FasterRCNN;
import dev.modelsummary.catalog.torchvision.detection.KeypointRCNN;
import dev.modelsummary.catalog.torchvision.detection.MaskRCNN;
import dev.modelsummary.catalog.torchvision.detection.RetinaNet;
import dev.modelsummary.catalog.torchvision.detection.SSD;
import dev.modelsummary.catalog.torchvision.detection.SSDLite;
import dev.modelsummary.catalog.torchvision.opticalflow.RAFT;
import dev.modelsummary.catalog.torchvision.quantization.QuantizableGoogLeNet;
import dev.modelsummary.catalog.torchvision.quantization.QuantizableInception;
import dev.modelsummary.catalog.torchvision.quantization.QuantizableMobileNetV2;
import dev.modelsummary.catalog.torchvision.quantization.QuantizableMobileNetV3;
import dev.modelsummary.catalog.torchvision.quantization.QuantizableResNet;
import dev.modelsummary.catalog.torchvision.quantization.QuantizableShuffleNetV2;
import dev.modelsummary.catalog.torchvision.segmentation.DeepLabV3;
import dev.modelsummary.catalog.torchvision.segmentation.FCN;
import dev.modelsummary.catalog.torchvision.segmentation.LRASPP;
import dev.modelsummary.catalog.torchvision.video.MViT;
import dev.modelsummary.catalog.torchvision.video.S3D;
import dev.modelsummary.catalog.torchvision.video.VideoResNet;
import java.util.ArrayList;
import java.util.List;

/** torchvision 0.14.1's {@code models/__init__.py}: every family's builders, one source file each. */
public final class Torchvision {
    private Torchvision() {
    }

    /**
     * Every family's builders. Plain calls rather than a list of method references: each reference would be a
     * class spun up at start-up, and a summary's start-up is most of its time.
     */
    public static List<Builder> builders() {
        List<Builder> builders = new ArrayList<>();
        // classification
        builders.addAll(AlexNet.builders());
        builders.addAll(ConvNeXt.builders());
        builders.addAll(DenseNet.builders());
        builders.addAll(EfficientNet.builders());
        builders.addAll(GoogLeNet.builders());
        builders.addAll(Inception.builders());
        builders.addAll(MaxVit.builders());
        builders.addAll(MNASNet.builders());
        builders.addAll(MobileNetV2.builders());
        builders.addAll(MobileNetV3.builders());
        builders.addAll(RegNet.builders());
        builders.addAll(ResNet.builders());
        builders.addAll(ShuffleNetV2.builders());
        builders.addAll(SqueezeNet.builders());
        builders.addAll(SwinTransformer.builders());
        builders.addAll(VGG.builders());
        builders.addAll(VisionTransformer.builders());
        // quantization (float, quantizable form)
        builders.addAll(QuantizableGoogLeNet.builders());
        builders.addAll(QuantizableInception.builders());
        builders.addAll(QuantizableMobileNetV2.builders());
        builders.addAll(QuantizableMobileNetV3.builders());
        builders.addAll(QuantizableResNet.builders());
        builders.addAll(QuantizableShuffleNetV2.builders());
        // detection
        builders.addAll(FasterRCNN.builders());
        builders.addAll(MaskRCNN.builders());
        builders.addAll(KeypointRCNN.builders());
        builders.addAll(RetinaNet.builders());
        builders.addAll(FCOS.builders());
        builders.addAll(SSD.builders());
        builders.addAll(SSDLite.builders());
        // segmentation
        builders.addAll(FCN.builders());
        builders.addAll(DeepLabV3.builders());
        builders.addAll(LRASPP.builders());
        // video
        builders.addAll(VideoResNet.builders());
        builders.addAll(S3D.builders());
        builders.addAll(MViT.builders());
        // optical flow
        builders.addAll(RAFT.builders());
        return builders;
    }
}
