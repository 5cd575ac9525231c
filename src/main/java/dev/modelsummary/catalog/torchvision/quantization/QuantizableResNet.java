package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.ResNet;
import dev.modelsummary.catalog.torchvision.ResNet.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/quantization/resnet.py} (0.14.1): the quantizable ResNets as {@code quantize=False}
 * builds them. QuantizableBasicBlock and QuantizableBottleneck add FloatFunctional and ReLU modules, and
 * QuantizableResNet quant/dequant stubs: none holds a tensor, so the tensors are the float ResNet's.
 */
public final class QuantizableResNet {
    private QuantizableResNet() {
    }

    public static List<Builder> builders() {
        return List.of(
                builder("quantized_resnet18", ResNet.RESNET18),
                builder("quantized_resnet50", ResNet.RESNET50),
                builder("quantized_resnext101_32x8d", ResNet.RESNEXT101_32X8D),
                builder("quantized_resnext101_64x4d", ResNet.RESNEXT101_64X4D));
    }

    private static Builder builder(String name, Variant variant) {
        // With quantize=False the builder verifies weights against the float enum (ResNet18_Weights ...).
        List<Arg> args = new ArrayList<>(ResNet.args(variant.weights()));
        args.add(2, Quantize.arg());
        return Builder.of(name, Task.QUANTIZABLE_IMAGE_CLASSIFICATION, args, kwargs -> resnet(variant, kwargs));
    }

    private static Module resnet(Variant variant, Kwargs kwargs) {
        Quantize.requireFloat(kwargs);
        return ResNet.resnet(variant, kwargs);
    }
}
