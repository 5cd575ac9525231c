package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

/**
 * transformers 4.40 {@code models/mobilenet_v1/modeling_mobilenet_v1.py} with {@code MobileNetV1Config}'s
 * defaults (depth_multiplier 1.0, min_depth 8; 2 labels, as every {@code PretrainedConfig}).
 */
public final class MobileNetV1 implements HfFamily {
    static final String BASE = "MobileNetV1Model";
    static final String IMAGE_CLASSIFICATION = "MobileNetV1ForImageClassification";
    /** The depthwise convolutions' strides; a stride of 2 (and the first layer) doubles the depth. */
    private static final int[] STRIDES = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};

    @Override
    public String modelType() {
        return "mobilenet_v1";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, IMAGE_CLASSIFICATION);
    }

    @Override
    public Task task(String architecture) {
        return Heads.visionTask(architecture);
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        long numChannels = config.integer("num_channels", 3);
        double depthMultiplier = config.real("depth_multiplier", 1.0);
        long minDepth = config.integer("min_depth", 8);
        if (depthMultiplier <= 0) {
            throw new ConfigException("depth_multiplier must be greater than zero.");
        }
        switch (architecture) {
            case BASE -> {
                return model(numChannels, depthMultiplier, minDepth);
            }
            case IMAGE_CLASSIFICATION -> {
                Module model = new Module();
                Module backbone = model.add("mobilenet_v1", model(numChannels, depthMultiplier, minDepth));
                Sequential layers = (Sequential) backbone.child("layer");
                long lastHiddenSize = ((Conv) layers.child(String.valueOf(layers.size() - 1))).out;
                model.add("dropout", dropout(config.real("classifier_dropout_prob", 0.999)));
                long labels = config.numLabels();
                model.add("classifier", labels > 0 ? Layers.linear(lastHiddenSize, labels) : Layers.stateless());
                return model;
            }
            default -> throw new IllegalStateException(architecture);
        }
    }

    /** {@code MobileNetV1Model}: the stem, then 13 pairs of depthwise and pointwise convolutions. */
    private static Module model(long numChannels, double depthMultiplier, long minDepth) {
        Module model = new Module();
        long depth = 32;
        long out = Math.max(Dims.trunc(depth * depthMultiplier), minDepth);
        model.add("conv_stem", new Conv(numChannels, out, 3, 1));
        Sequential layer = model.add("layer", new Sequential());
        for (int i = 0; i < STRIDES.length; i++) {
            long in = out;
            if (STRIDES[i] == 2 || i == 0) {
                depth = Dims.mul(depth, 2);
                out = Math.max(Dims.trunc(depth * depthMultiplier), minDepth);
            }
            layer.append(new Conv(in, in, 3, in));
            layer.append(new Conv(in, out, 1, 1));
        }
        return model;
    }

    /** {@code nn.Dropout(p)}, which refuses a probability outside [0, 1]. */
    static Module dropout(double p) {
        try {
            return Layers.dropout(p);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** {@code MobileNetV1ConvLayer}: a bias-free convolution and its batch norm. */
    private static final class Conv extends Module {
        final long out;

        Conv(long in, long out, long kernel, long groups) {
            if (groups == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (in % groups != 0) {
                throw new ConfigException("Input channels (" + in + ") are not divisible by " + groups + " groups.");
            }
            if (out % groups != 0) {
                throw new ConfigException("Output channels (" + out + ") are not divisible by " + groups
                        + " groups.");
            }
            this.out = out;
            add("convolution", Layers.conv2d(in, out, kernel, groups, false));
            add("normalization", Layers.batchNorm(out));
        }
    }
}
