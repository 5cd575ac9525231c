package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.Weights.Member;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Map;

/** torchvision {@code models/vgg.py} (0.14.1): the eight VGG builders. */
public final class VGG extends Module {
    /** {@code "M"} in a configuration: a max pooling layer. */
    private static final long M = -1;

    /** {@code cfgs}: output channels of each 3x3 convolution, {@link #M} for max pooling. */
    private static final Map<String, long[]> CFGS = Map.of(
            "A", new long[] {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M},
            "B", new long[] {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M},
            "D", new long[] {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M},
            "E", new long[] {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M,
                512, 512, 512, 512, M});

    /** The public builders: configuration, batch norm, and each one's weights enum. */
    public static List<Builder> builders() {
        return List.of(
                builder("vgg11", "A", false, imagenet("VGG11_Weights")),
                builder("vgg11_bn", "A", true, imagenet("VGG11_BN_Weights")),
                builder("vgg13", "B", false, imagenet("VGG13_Weights")),
                builder("vgg13_bn", "B", true, imagenet("VGG13_BN_Weights")),
                builder("vgg16", "D", false, vgg16Weights()),
                builder("vgg16_bn", "D", true, imagenet("VGG16_BN_Weights")),
                builder("vgg19", "E", false, imagenet("VGG19_Weights")),
                builder("vgg19_bn", "E", true, imagenet("VGG19_BN_Weights")));
    }

    /**
     * {@code VGG16_Weights}: besides the ImageNet classifier, {@code IMAGENET1K_FEATURES} (SSD's backbone), whose
     * {@code categories} is None, so it leaves num_classes alone. SSD takes this enum as its weights_backbone.
     */
    public static Weights vgg16Weights() {
        return new Weights("VGG16_Weights", List.of(
                new Member("IMAGENET1K_V1", Args.IMAGENET, 32),
                new Member("IMAGENET1K_FEATURES", 0, 32)), "IMAGENET1K_V1");
    }

    /** An enum with the one member {@code IMAGENET1K_V1} ({@code _COMMON_META}: ImageNet, min_size 32). */
    private static Weights imagenet(String className) {
        return Weights.of(className, Args.IMAGENET, 32, "IMAGENET1K_V1", "IMAGENET1K_V1");
    }

    /** One builder: torchvision's {@code vggNN[_bn]} calling {@code _vgg(cfg, batch_norm, weights, ...)}. */
    private static Builder builder(String name, String cfg, boolean batchNorm, Weights weights) {
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Args.numClasses(1000),
                Arg.bool("init_weights", true, "initialize the weights (no effect on the tensors)"),
                Arg.real("dropout", 0.5, "dropout rate (no effect on the tensors)"));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args, kwargs -> vgg(cfg, batchNorm, kwargs));
    }

    /**
     * {@code _vgg(cfg, batch_norm, weights, progress, **kwargs)}: weights with categories fix num_classes
     * (their {@code init_weights=False} is a plain assignment, never a conflict, and changes no tensor).
     */
    private static Module vgg(String cfg, boolean batchNorm, Kwargs kwargs) {
        kwargs.weights("weights").filter(w -> w.categories() != 0)
                .ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        try {
            return new VGG(makeLayers(cfg, batchNorm), kwargs.integer("num_classes"), kwargs.real("dropout"));
        } catch (IllegalArgumentException e) {
            throw kwargs.refuse(e.getMessage());
        }
    }

    /** {@code VGG(features, num_classes, dropout=dropout)}: features, avgpool, classifier. */
    VGG(Sequential features, long numClasses, double dropout) {
        add("features", features);
        add("avgpool", adaptiveAvgPool2d(7, 7));
        add("classifier", new Sequential(
                linear(512 * 7 * 7, 4096),
                relu(),
                dropout(dropout),
                linear(4096, 4096),
                relu(),
                dropout(dropout),
                linear(4096, numClasses)));
    }

    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "features", x);
        x = call(t, "avgpool", x);
        x = Reshape.flatten(x, 1, -1);
        x = call(t, "classifier", x);
        return x;
    }

    /**
     * {@code nn.MaxPool2d(kernel_size=2, stride=2)}: no tensors, but a type of its own, because SSD finds the
     * pooling layers of VGG's features as torchvision does, with {@code isinstance(layer, nn.MaxPool2d)}.
     */
    public static final class MaxPool2d extends Module {
        private boolean ceilMode;

        @Override
        public Shape forward(Trace t, Shape x) {
            return Pool.output(x, new long[] {2, 2}, new long[] {2}, new long[] {0}, new long[] {1}, ceilMode);
        }

        /** {@code pool.ceil_mode = value} (SSD patches maxpool3 so); returns this pool. */
        public MaxPool2d ceilMode(boolean value) {
            this.ceilMode = value;
            return this;
        }
    }

    /**
     * {@code make_layers(cfgs[cfg], batch_norm)}: for each entry a {@link MaxPool2d}, or a 3x3 Conv2d (with
     * bias) (padding 1) then BatchNorm2d when {@code batchNorm}, then ReLU. SSD's VGG16 backbone is {@code makeLayers("D", false)}.
     *
     * @param cfg a key of torchvision's {@code cfgs}: {@code A} (vgg11), {@code B} (vgg13), {@code D} (vgg16),
     *            {@code E} (vgg19)
     */
    public static Sequential makeLayers(String cfg, boolean batchNorm) {
        long[] config = CFGS.get(cfg);
        if (config == null) {
            throw new IllegalArgumentException("no VGG configuration " + cfg);
        }
        Sequential layers = new Sequential();
        long inChannels = 3;
        for (long v : config) {
            if (v == M) {
                layers.append(new MaxPool2d());
                continue;
            }
            layers.append(conv2d(inChannels, v, 3).padding(1));
            if (batchNorm) {
                layers.append(batchNorm2d(v));
            }
            layers.append(relu());
            inChannels = v;
        }
        return layers;
    }
}
