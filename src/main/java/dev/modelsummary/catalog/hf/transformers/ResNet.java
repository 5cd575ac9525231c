package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers 4.40 {@code models/resnet/modeling_resnet.py} with {@code ResNetConfig}'s defaults (ResNet-50).
 * Every {@code nn.BatchNorm2d} keeps its running statistics and {@code num_batches_tracked} as buffers.
 */
public final class ResNet implements HfFamily {
    static final String BASE = "ResNetModel";
    static final String IMAGE_CLASSIFICATION = "ResNetForImageClassification";

    @Override
    public String modelType() {
        return "resnet";
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
        Sizes s = new Sizes(config);
        switch (architecture) {
            case BASE -> {
                return resNetModel(s);
            }
            case IMAGE_CLASSIFICATION -> {
                Module model = new Module();
                model.add("resnet", resNetModel(s));
                // nn.Sequential(nn.Flatten(), nn.Linear(hidden_sizes[-1], num_labels) or nn.Identity())
                long labels = config.numLabels();
                Sequential classifier = model.add("classifier", new Sequential());
                classifier.append(Layers.stateless());
                classifier.append(labels > 0
                        ? Layers.linear(s.hiddenSizes.get(s.hiddenSizes.size() - 1), labels)
                        : Layers.stateless());
                return model;
            }
            default -> throw new IllegalStateException(architecture);
        }
    }

    /** The sizes {@code ResNetConfig} gives, with its defaults and its check of {@code layer_type}. */
    static final class Sizes {
        final long numChannels;
        final long embeddingSize;
        final List<Long> hiddenSizes;
        final List<Long> depths;
        final boolean bottleneck;
        final boolean downsampleInFirstStage;

        Sizes(HfConfig c) {
            numChannels = c.integer("num_channels", 3);
            embeddingSize = c.integer("embedding_size", 64);
            hiddenSizes = integers(c, "hidden_sizes", List.of(256L, 512L, 1024L, 2048L));
            depths = integers(c, "depths", List.of(3L, 4L, 6L, 3L));
            String layerType = c.string("layer_type", "bottleneck");
            if (!layerType.equals("basic") && !layerType.equals("bottleneck")) {
                throw new ConfigException("layer_type=" + layerType + " is not one of basic,bottleneck");
            }
            bottleneck = layerType.equals("bottleneck");
            downsampleInFirstStage = c.bool("downsample_in_first_stage", false);
            if (hiddenSizes.isEmpty() || depths.isEmpty()) {
                // ResNetEncoder indexes hidden_sizes[0] and depths[0]
                throw new ConfigException("list index out of range");
            }
        }
    }

    /** A list of integers ({@code hidden_sizes}, {@code depths}); missing or null gives the default. */
    static List<Long> integers(HfConfig c, String key, List<Long> defaultValue) {
        JsonNode node = c.node(key);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        List<Long> values = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (item.isIntegralNumber() && item.canConvertToLong()) {
                    values.add(item.longValue());
                    continue;
                }
                values = null;
                break;
            }
        } else {
            values = null;
        }
        if (values == null) {
            throw new ConfigException("Config key '" + key + "' must be a list of integers; got " + node + ".");
        }
        return values;
    }

    /** {@code ResNetModel}: embedder, encoder (the poolers hold no tensors). */
    private static Module resNetModel(Sizes s) {
        Module model = new Module();
        Module embedder = model.add("embedder", new Module());
        embedder.add("embedder", convLayer(s.numChannels, s.embeddingSize, 7));
        model.add("encoder", encoder(s));
        return model;
    }

    /** {@code ResNetEncoder}: one {@code ResNetStage} per depth, channels from hidden_sizes. */
    private static Module encoder(Sizes s) {
        Module encoder = new Module();
        Sequential stages = encoder.add("stages", new Sequential());
        // downsample_in_first_stage: the first layer's stride, which decides whether it needs a shortcut
        stages.append(stage(s, s.embeddingSize, s.hiddenSizes.get(0), s.downsampleInFirstStage ? 2 : 1,
                s.depths.get(0)));
        int pairs = Math.min(s.hiddenSizes.size() - 1, s.depths.size() - 1);
        for (int i = 0; i < pairs; i++) {
            stages.append(stage(s, s.hiddenSizes.get(i), s.hiddenSizes.get(i + 1), 2, s.depths.get(i + 1)));
        }
        return encoder;
    }

    /** {@code ResNetStage}: the first layer maps in to out (with the stride), depth - 1 more out to out. */
    private static Module stage(Sizes s, long in, long out, long stride, long depth) {
        Module stage = new Module();
        Sequential layers = stage.add("layers", new Sequential());
        layers.append(layer(s, in, out, stride));
        for (long i = 0; i < depth - 1; i++) {
            layers.append(layer(s, out, out, 1));
        }
        return stage;
    }

    /** {@code ResNetBottleNeckLayer} or {@code ResNetBasicLayer}: shortcut (when needed) first, then layer. */
    private static Module layer(Sizes s, long in, long out, long stride) {
        Module layer = new Module();
        boolean shortcut = in != out || stride != 1;
        if (shortcut) {
            Module cut = layer.add("shortcut", new Module());
            cut.add("convolution", Layers.conv2d(in, out, 1, 1, false));
            cut.add("normalization", Layers.batchNorm(out));
        } else {
            layer.add("shortcut", Layers.stateless());
        }
        Sequential convs = layer.add("layer", new Sequential());
        if (s.bottleneck) {
            long reduced = Math.floorDiv(out, 4);
            convs.append(convLayer(in, reduced, 1));
            convs.append(convLayer(reduced, reduced, 3));
            convs.append(convLayer(reduced, out, 1));
        } else {
            convs.append(convLayer(in, out, 3));
            convs.append(convLayer(out, out, 3));
        }
        return layer;
    }

    /** {@code ResNetConvLayer}: a bias-free convolution and its batch norm. */
    private static Module convLayer(long in, long out, long kernel) {
        Module conv = new Module();
        conv.add("convolution", Layers.conv2d(in, out, kernel, 1, false));
        conv.add("normalization", Layers.batchNorm(out));
        return conv;
    }
}
