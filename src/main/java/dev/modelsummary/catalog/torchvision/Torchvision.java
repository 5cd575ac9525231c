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
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** torchvision 0.14.1's {@code models/__init__.py}: every family's builders, one source file each. */
public final class Torchvision {
    private Torchvision() {
    }

    public static List<Builder> builders() {
        List<Supplier<List<Builder>>> families = List.of(
                // classification
                AlexNet::builders, ConvNeXt::builders, DenseNet::builders, EfficientNet::builders,
                GoogLeNet::builders, Inception::builders, MaxVit::builders, MNASNet::builders,
                MobileNetV2::builders, MobileNetV3::builders, RegNet::builders, ResNet::builders,
                ShuffleNetV2::builders, SqueezeNet::builders, SwinTransformer::builders, VGG::builders,
                VisionTransformer::builders,
                // quantization (float, quantizable form)
                QuantizableGoogLeNet::builders, QuantizableInception::builders, QuantizableMobileNetV2::builders,
                QuantizableMobileNetV3::builders, QuantizableResNet::builders, QuantizableShuffleNetV2::builders,
                // detection
                FasterRCNN::builders, MaskRCNN::builders, KeypointRCNN::builders, RetinaNet::builders,
                FCOS::builders, SSD::builders, SSDLite::builders,
                // segmentation
                FCN::builders, DeepLabV3::builders, LRASPP::builders,
                // video
                VideoResNet::builders, S3D::builders, MViT::builders,
                // optical flow
                RAFT::builders);
        return families.stream().flatMap(f -> f.get().stream()).collect(Collectors.toList());
    }
}
