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

    /** {@code quantized_NAME}: the float builder NAME, made quantizable. */
    private static Builder wrap(List<Builder> family, String name) {
        return Quantize.wrap("quantized_" + name, Quantize.floatBuilder(family, name), QuantizableResNet::quantizable);
    }

    public static List<Builder> builders() {
        List<Builder> family = ResNet.builders();
        return List.of(
                wrap(family, "resnet18"),
                wrap(family, "resnet50"),
                wrap(family, "resnext101_32x8d"),
                wrap(family, "resnext101_64x4d"));
    }
}
