package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.compute.ModelInput;
import java.util.ArrayList;
import java.util.List;

/**
 * The timm 0.9.7 models built in, each a builder {@code timm/<name>} as {@code timm.create_model(name,
 * pretrained=False, **kwargs)} builds it: one Java file per upstream file ({@link EfficientNet} for
 * {@code models/efficientnet.py}, {@link MobileNetV3} for {@code models/mobilenetv3.py}, their blocks and
 * builder, and {@link TimmLayers} for {@code timm/layers}).
 */
public final class Timm {
    /** The source of these builders, for {@code --list}. */
    public static final String SOURCE = "timm";

    private Timm() {
    }

    /** Every timm builder. */
    public static List<Builder> builders() {
        List<Builder> builders = new ArrayList<>();
        builders.addAll(EfficientNet.builders());
        builders.addAll(MobileNetV3.builders());
        return builders;
    }

    /** The keyword arguments every model here takes (those that reach the model class and change tensors). */
    static List<Arg> args() {
        return List.of(
                Arg.integer("num_classes", 1000, "number of output classes (0: no classifier)"),
                Arg.integer("in_chans", 3, "number of input image channels"),
                Arg.string("global_pool", "avg",
                        "global pooling: avg, max, avgmax, catavgmax (doubles the pooled features) or '' (none)"));
    }

    /** A model run at timm's {@code pretrained_cfg["input_size"]} of 224. */
    static Builder builder(String name, Builder.Factory factory) {
        return Builder.of(SOURCE, SOURCE + "/" + name, Task.IMAGE_CLASSIFICATION, args(), factory)
                .withInput(input(DEFAULT_INPUT_SIZE));
    }

    /** timm's default {@code input_size} (3, 224, 224). */
    static final long DEFAULT_INPUT_SIZE = 224;

    /** A batch of one {@code in_chans} x size x size image: a model's {@code pretrained_cfg["input_size"]}. */
    static Builder.InputRule input(long size) {
        return kwargs -> ModelInput.image(kwargs.integer("in_chans"), size, size);
    }
}
