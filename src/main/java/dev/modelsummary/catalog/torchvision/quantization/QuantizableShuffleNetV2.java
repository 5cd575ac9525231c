package dev.modelsummary.catalog.torchvision.quantization;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.ShuffleNetV2;
import java.util.List;

/**
 * torchvision {@code models/quantization/shufflenetv2.py} (0.14.1): the four quantized ShuffleNet V2s as {@code quantize=False} builds them, with
 * the tensors of the float {@link ShuffleNetV2} (see {@link Quantize}).
 */
public final class QuantizableShuffleNetV2 {
    private QuantizableShuffleNetV2() {
    }

    /** {@code QuantizableShuffleNetV2}: see {@link ShuffleNetV2#quantizable()}. */
    private static Module quantizable(Module model) {
        return ((ShuffleNetV2) model).quantizable();
    }

    /** {@code quantized_NAME}: the float builder NAME, made quantizable. */
    private static Builder wrap(List<Builder> family, String name) {
        return Quantize.wrap("quantized_" + name, Quantize.floatBuilder(family, name),
                QuantizableShuffleNetV2::quantizable);
    }

    public static List<Builder> builders() {
        List<Builder> family = ShuffleNetV2.builders();
        return List.of(
                wrap(family, "shufflenet_v2_x0_5"),
                wrap(family, "shufflenet_v2_x1_0"),
                wrap(family, "shufflenet_v2_x1_5"),
                wrap(family, "shufflenet_v2_x2_0"));
    }
}
