package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.catalog.torchvision.MobileNetV3;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/quantization/mobilenetv3.py} (0.14.1): quantized_mobilenet_v3_large as
 * {@code quantize=False} builds it. QuantizableSqueezeExcitation, QuantizableInvertedResidual and the
 * quant/dequant stubs add no tensors, so the tensors are the float MobileNetV3's.
 */
public final class QuantizableMobileNetV3 {
    private static final String ARCH = "mobilenet_v3_large";

    private QuantizableMobileNetV3() {
    }

    public static List<Builder> builders() {
        // With quantize=False the builder verifies weights against the float MobileNet_V3_Large_Weights.
        Weights weights = new Weights("MobileNet_V3_Large_Weights", List.of(
                new Weights.Member("IMAGENET1K_V1", Args.IMAGENET, 1),
                new Weights.Member("IMAGENET1K_V2", Args.IMAGENET, 1)), "IMAGENET1K_V2");
        List<Arg> args = new ArrayList<>(List.of(Args.weights(weights), Args.progress(), Quantize.arg(),
                Args.numClasses(1000)));
        args.addAll(MobileNetV3.confArgs());
        args.add(Arg.real("dropout", 0.2, "classifier dropout (no effect on the tensors)"));
        return List.of(Builder.of("quantized_mobilenet_v3_large", Task.QUANTIZABLE_IMAGE_CLASSIFICATION, args,
                QuantizableMobileNetV3::mobilenetV3));
    }

    /** {@code mobilenet_v3_large(quantize=False)}: the configuration, then {@code _mobilenet_v3_model}. */
    private static Module mobilenetV3(Kwargs kwargs) {
        Quantize.requireFloat(kwargs);
        MobileNetV3.Conf conf = MobileNetV3.conf(ARCH, kwargs);
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new MobileNetV3(conf, kwargs.integer("num_classes"), MobileNetV3::batchNorm);
    }
}
