package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.maxPool2d;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.ConvNd;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.function.LongFunction;

/**
 * torchvision {@code models/resnet.py} (0.14.1): ResNet, ResNeXt and Wide ResNet. The detection, segmentation
 * and quantization families build their backbones from {@link #ResNet(Variant, long, LongFunction)}.
 */
public final class ResNet extends Module {

    /** {@code BasicBlock} (expansion 1) or {@code Bottleneck} (expansion 4). */
    public enum Block {
        BASIC(1), BOTTLENECK(4);

        private final long expansion;

        Block(long expansion) {
            this.expansion = expansion;
        }

        public long expansion() {
            return expansion;
        }
    }

    /**
     * What a public builder fixes: the block, blocks per stage, and the {@code groups} / {@code width_per_group}
     * it overwrites (ResNeXt, Wide ResNet), with the builder's weights enum.
     */
    public record Variant(String name, Block block, int[] layers, long groups, long widthPerGroup, Weights weights) {
    }

    public static final Variant RESNET18 = new Variant("resnet18", Block.BASIC, new int[] {2, 2, 2, 2}, 1, 64,
            imagenet("ResNet18_Weights", "IMAGENET1K_V1", "IMAGENET1K_V1"));
    public static final Variant RESNET34 = new Variant("resnet34", Block.BASIC, new int[] {3, 4, 6, 3}, 1, 64,
            imagenet("ResNet34_Weights", "IMAGENET1K_V1", "IMAGENET1K_V1"));
    public static final Variant RESNET50 = new Variant("resnet50", Block.BOTTLENECK, new int[] {3, 4, 6, 3}, 1, 64,
            imagenet("ResNet50_Weights", "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2"));
    public static final Variant RESNET101 = new Variant("resnet101", Block.BOTTLENECK, new int[] {3, 4, 23, 3}, 1,
            64, imagenet("ResNet101_Weights", "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2"));
    public static final Variant RESNET152 = new Variant("resnet152", Block.BOTTLENECK, new int[] {3, 8, 36, 3}, 1,
            64, imagenet("ResNet152_Weights", "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2"));
    public static final Variant RESNEXT50_32X4D = new Variant("resnext50_32x4d", Block.BOTTLENECK,
            new int[] {3, 4, 6, 3}, 32, 4,
            imagenet("ResNeXt50_32X4D_Weights", "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2"));
    public static final Variant RESNEXT101_32X8D = new Variant("resnext101_32x8d", Block.BOTTLENECK,
            new int[] {3, 4, 23, 3}, 32, 8,
            imagenet("ResNeXt101_32X8D_Weights", "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2"));
    public static final Variant RESNEXT101_64X4D = new Variant("resnext101_64x4d", Block.BOTTLENECK,
            new int[] {3, 4, 23, 3}, 64, 4, imagenet("ResNeXt101_64X4D_Weights", "IMAGENET1K_V1", "IMAGENET1K_V1"));
    public static final Variant WIDE_RESNET50_2 = new Variant("wide_resnet50_2", Block.BOTTLENECK,
            new int[] {3, 4, 6, 3}, 1, 64 * 2,
            imagenet("Wide_ResNet50_2_Weights", "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2"));
    public static final Variant WIDE_RESNET101_2 = new Variant("wide_resnet101_2", Block.BOTTLENECK,
            new int[] {3, 4, 23, 3}, 1, 64 * 2,
            imagenet("Wide_ResNet101_2_Weights", "IMAGENET1K_V2", "IMAGENET1K_V1", "IMAGENET1K_V2"));

    private static final List<Variant> VARIANTS = List.of(RESNET18, RESNET34, RESNET50, RESNET101, RESNET152,
            RESNEXT50_32X4D, RESNEXT101_32X8D, RESNEXT101_64X4D, WIDE_RESNET50_2, WIDE_RESNET101_2);

    private long inplanes = 64;
    private long dilation = 1;
    private boolean quantizable;

    /** The ten public builders. */
    public static List<Builder> builders() {
        return VARIANTS.stream().map(ResNet::builder).toList();
    }

    /** The keyword arguments every ResNet builder takes: its weights, then {@code ResNet.__init__}'s. */
    public static List<Arg> args(Weights weights) {
        return List.of(
                Args.weights(weights),
                Args.progress(),
                Args.numClasses(1000),
                Arg.bool("zero_init_residual", false, "zero-initialise each block's last BN (no effect on the tensors)"),
                Arg.integer("groups", 1, "groups of the 3x3 convolutions (Bottleneck only)"),
                Arg.integer("width_per_group", 64, "base width of each group (Bottleneck only)"));
    }

    private static Builder builder(Variant variant) {
        return Builder.of(variant.name(), Task.IMAGE_CLASSIFICATION, args(variant.weights()),
                kwargs -> resnet(variant, kwargs));
    }

    /**
     * {@code _resnet(block, layers, weights, progress, **kwargs)} after the builder's own overwrites: weights
     * fix num_classes; ResNeXt and Wide ResNet fix groups and width_per_group.
     */
    public static ResNet resnet(Variant variant, Kwargs kwargs) {
        if (variant.groups() != 1) {
            kwargs.overwrite("groups", variant.groups());
        }
        if (variant.widthPerGroup() != 64) {
            kwargs.overwrite("width_per_group", variant.widthPerGroup());
        }
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        Variant configured = new Variant(variant.name(), variant.block(), variant.layers(), kwargs.integer("groups"),
                kwargs.integer("width_per_group"), variant.weights());
        try {
            return new ResNet(configured, kwargs.integer("num_classes"), Layers::batchNorm2d);
        } catch (IllegalArgumentException e) {
            throw kwargs.refuse(e.getMessage());
        }
    }

    /**
     * {@code ResNet(block, layers, num_classes, groups=..., width_per_group=..., norm_layer=norm)}: the stem,
     * four stages, pooling and {@code fc}.
     */
    public ResNet(Variant variant, long numClasses, LongFunction<Module> norm) {
        this(variant, numClasses, norm, new boolean[] {false, false, false});
    }

    /**
     * The same with {@code replace_stride_with_dilation} (one flag each for layer2, layer3, layer4: that stage
     * keeps stride 1 and dilates its 3x3 convolutions instead), as the segmentation backbones are built. The
     * dilation leaves no trace in the tensors.
     */
    public ResNet(Variant variant, long numClasses, LongFunction<Module> norm, boolean[] replaceStrideWithDilation) {
        if (replaceStrideWithDilation.length != 3) {
            throw new IllegalArgumentException("replace_stride_with_dilation should be None or a 3-element tuple, got "
                    + java.util.Arrays.toString(replaceStrideWithDilation));
        }
        add("conv1", conv2d(3, inplanes, 7, 7, 1, false).stride(2).padding(3));
        add("bn1", norm.apply(inplanes));
        add("relu", relu());
        add("maxpool", maxPool2d(3, 2, 1));
        long[] planes = {64, 128, 256, 512};
        for (int i = 0; i < 4; i++) {
            add("layer" + (i + 1), makeLayer(variant, planes[i], variant.layers()[i], i == 0 ? 1 : 2,
                    i > 0 && replaceStrideWithDilation[i - 1], norm));
        }
        add("avgpool", adaptiveAvgPool2d(1, 1));
        add("fc", linear(Dims.mul(512, variant.block().expansion()), numClasses));
    }

    /**
     * This model as torchvision's {@code QuantizableResNet} ({@code models/quantization/resnet.py}, built with
     * {@code quantize=False}): {@code quant} (QuantStub) and {@code dequant} (DeQuantStub) around
     * {@code _forward_impl}, and every block a {@code QuantizableBasicBlock} / {@code QuantizableBottleneck}. No
     * tensor is added; returns this model.
     */
    public ResNet quantizable() {
        quantizable = true;
        className("QuantizableResNet");
        add("quant", Layers.quantStub());
        add("dequant", Layers.deQuantStub());
        for (int i = 1; i <= 4; i++) {
            for (Module block : child("layer" + i).childrenWithEmptyPlaces().values()) {
                if (block instanceof BasicBlock basic) {
                    basic.quantizable();
                } else {
                    ((Bottleneck) block).quantizable();
                }
            }
        }
        return this;
    }

    /** {@code forward}: {@code _forward_impl}; the quantizable model calls quant before and dequant after. */
    @Override
    public Shape forward(Trace t, Shape x) {
        if (quantizable) {
            x = call(t, "quant", x);
            x = forwardImpl(t, x);
            return call(t, "dequant", x);
        }
        return forwardImpl(t, x);
    }

    /** {@code _forward_impl}. */
    private Shape forwardImpl(Trace t, Shape x) {
        x = call(t, "conv1", x);
        x = call(t, "bn1", x);
        x = call(t, "relu", x);
        x = call(t, "maxpool", x);

        x = call(t, "layer1", x);
        x = call(t, "layer2", x);
        x = call(t, "layer3", x);
        x = call(t, "layer4", x);

        x = call(t, "avgpool", x);
        x = Reshape.flatten(x, 1, -1);
        x = call(t, "fc", x);

        return x;
    }

    /** {@code _make_layer}: a downsample branch where the stride or the width changes, then the blocks. */
    private Sequential makeLayer(Variant variant, long planes, int blocks, long stride, boolean dilate,
                                 LongFunction<Module> norm) {
        long out = Dims.mul(planes, variant.block().expansion());
        Module downsample = null;
        long previousDilation = dilation;
        if (dilate) {
            dilation *= stride;
            stride = 1;
        }
        if (stride != 1 || inplanes != out) {
            downsample = new Sequential(conv1x1(inplanes, out, stride), norm.apply(out));
        }
        Sequential layer = new Sequential(block(variant, inplanes, planes, stride, downsample, previousDilation,
                norm));
        inplanes = out;
        for (int i = 1; i < blocks; i++) {
            layer.append(block(variant, inplanes, planes, 1, null, dilation, norm));
        }
        return layer;
    }

    private static Module block(Variant variant, long inplanes, long planes, long stride, Module downsample,
                                long dilation, LongFunction<Module> norm) {
        return variant.block() == Block.BASIC
                ? new BasicBlock(inplanes, planes, stride, downsample, variant.groups(), variant.widthPerGroup(),
                        dilation, norm)
                : new Bottleneck(inplanes, planes, stride, downsample, variant.groups(), variant.widthPerGroup(),
                        dilation, norm);
    }

    /** {@code conv3x3(in, out, stride, groups, dilation)}: padding = dilation, no bias. */
    private static ConvNd conv3x3(long in, long out, long stride, long groups, long dilation) {
        return conv2d(in, out, 3, 3, groups, false).stride(stride).padding(dilation).dilation(dilation);
    }

    /** {@code conv1x1(in, out, stride)}: no bias. */
    private static ConvNd conv1x1(long in, long out, long stride) {
        return conv2d(in, out, 1, 1, 1, false).stride(stride);
    }

    /** {@code BasicBlock}: two 3x3 convolutions; the downsample branch, when there is one, comes last. */
    static final class BasicBlock extends Module {
        private boolean quantizable;

        BasicBlock(long inplanes, long planes, long stride, Module downsample, long groups, long baseWidth,
                   long dilation, LongFunction<Module> norm) {
            if (groups != 1 || baseWidth != 64) {
                throw new IllegalArgumentException("BasicBlock only supports groups=1 and base_width=64");
            }
            if (dilation > 1) {
                throw new IllegalArgumentException("Dilation > 1 not supported in BasicBlock");
            }
            add("conv1", conv3x3(inplanes, planes, stride, 1, 1));
            add("bn1", norm.apply(planes));
            add("relu", relu());
            add("conv2", conv3x3(planes, planes, 1, 1, 1));
            add("bn2", norm.apply(planes));
            if (downsample != null) {
                add("downsample", downsample);
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape identity = x;

            Shape out = call(t, "conv1", x);
            out = call(t, "bn1", out);
            out = call(t, "relu", out);

            out = call(t, "conv2", out);
            out = call(t, "bn2", out);

            if (childrenWithEmptyPlaces().get("downsample") != null) {
                identity = call(t, "downsample", x);
            }

            if (quantizable) {
                // self.add_relu.add_relu(out, identity): torch.add then relu, one activation_post_process call.
                return call(t, "add_relu", "activation_post_process", Reshape.broadcast(out, identity));
            }
            out = addInPlace(out, identity);
            out = call(t, "relu", out);

            return out;
        }

        /**
         * {@code QuantizableBasicBlock}: adds {@code add_relu}, a FloatFunctional, used instead of relu after the
         * add.
         */
        void quantizable() {
            quantizable = true;
            className("QuantizableBasicBlock");
            add("add_relu", Layers.floatFunctional());
        }
    }

    /**
     * {@code Bottleneck}: 1x1 down to {@code width = int(planes * (base_width / 64.0)) * groups}, a grouped 3x3
     * carrying the stride, and 1x1 up to {@code planes * 4}.
     */
    static final class Bottleneck extends Module {
        private boolean quantizable;

        Bottleneck(long inplanes, long planes, long stride, Module downsample, long groups, long baseWidth,
                   long dilation, LongFunction<Module> norm) {
            long width = Dims.mul(Dims.trunc(planes * (baseWidth / 64.0)), groups);
            long out = Dims.mul(planes, Block.BOTTLENECK.expansion());
            add("conv1", conv1x1(inplanes, width, 1));
            add("bn1", norm.apply(width));
            add("conv2", conv3x3(width, width, stride, groups, dilation));
            add("bn2", norm.apply(width));
            add("conv3", conv1x1(width, out, 1));
            add("bn3", norm.apply(out));
            add("relu", relu());
            if (downsample != null) {
                add("downsample", downsample);
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape identity = x;

            Shape out = call(t, "conv1", x);
            out = call(t, "bn1", out);
            out = call(t, quantizable ? "relu1" : "relu", out);

            out = call(t, "conv2", out);
            out = call(t, "bn2", out);
            out = call(t, quantizable ? "relu2" : "relu", out);

            out = call(t, "conv3", out);
            out = call(t, "bn3", out);

            if (childrenWithEmptyPlaces().get("downsample") != null) {
                identity = call(t, "downsample", x);
            }
            if (quantizable) {
                return call(t, "skip_add_relu", "activation_post_process", Reshape.broadcast(out, identity));
            }

            out = addInPlace(out, identity);
            out = call(t, "relu", out);

            return out;
        }

        /**
         * {@code QuantizableBottleneck}: adds {@code skip_add_relu} (a FloatFunctional), {@code relu1} and
         * {@code relu2}, called instead of relu.
         */
        void quantizable() {
            quantizable = true;
            className("QuantizableBottleneck");
            add("skip_add_relu", Layers.floatFunctional());
            add("relu1", relu());
            add("relu2", relu());
        }
    }

    /** {@code out += identity}: in place, so the result keeps {@code out}'s shape or torch refuses. */
    private static Shape addInPlace(Shape out, Shape identity) {
        Shape result = Reshape.broadcast(out, identity);
        if (!result.equals(out)) {
            throw new dev.modelsummary.compute.ShapeException("output with shape " + out
                    + " doesn't match the broadcast shape " + result);
        }
        return out;
    }

    /** An ImageNet weights enum: its members in declaration order, and the one DEFAULT names. */
    private static Weights imagenet(String weightsClass, String defaultName, String... members) {
        return Weights.of(weightsClass, Args.IMAGENET, 224, defaultName, members);
    }
}
