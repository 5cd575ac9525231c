package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.ResNet;
import java.util.List;

/**
 * torchvision {@code models/quantization/resnet.py} (0.14.1): quantized_resnet18, quantized_resnet50 and the two quantized ResNeXt-101s as {@code quantize=False} builds them, with
 * the tensors of the float {@link ResNet} (see {@link Quantize}).
 */
public final class QuantizableResNet {
    private QuantizableResNet() {
    }

    /** {@code QuantizableResNet}: see {@link ResNet#quantizable()}. */
    private static Module quantizable(Module model) {
        return ((ResNet) model).quantizable();
    }

    public static List<Builder> builders() {
        List<Builder> family = ResNet.builders();
        return List.of(
                Quantize.wrap("quantized_resnet18", Quantize.floatBuilder(family, "resnet18"), QuantizableResNet::quantizable),
                Quantize.wrap("quantized_resnet50", Quantize.floatBuilder(family, "resnet50"), QuantizableResNet::quantizable),
                Quantize.wrap("quantized_resnext101_32x8d", Quantize.floatBuilder(family, "resnext101_32x8d"), QuantizableResNet::quantizable),
                Quantize.wrap("quantized_resnext101_64x4d", Quantize.floatBuilder(family, "resnext101_64x4d"), QuantizableResNet::quantizable));
    }
}
