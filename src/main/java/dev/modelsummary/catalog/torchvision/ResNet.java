package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.ops.Misc;
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
            return new ResNet(configured, kwargs.integer("num_classes"), Misc.BATCH_NORM);
        } catch (IllegalArgumentException e) {
            throw kwargs.refuse(e.getMessage());
        }
    }

    /**
     * {@code ResNet(block, layers, num_classes, groups=..., width_per_group=..., norm_layer=norm)}: the stem,
     * four stages, pooling and {@code fc}. Dilation leaves no trace in the tensors.
     */
    public ResNet(Variant variant, long numClasses, LongFunction<Module> norm) {
        add("conv1", conv2d(3, inplanes, 7, 7, 1, false));
        add("bn1", norm.apply(inplanes));
        add("relu", stateless());
        add("maxpool", stateless());
        long[] planes = {64, 128, 256, 512};
        for (int i = 0; i < 4; i++) {
            add("layer" + (i + 1), makeLayer(variant, planes[i], variant.layers()[i], i == 0 ? 1 : 2, norm));
        }
        add("avgpool", stateless());
        add("fc", linear(Dims.mul(512, variant.block().expansion()), numClasses));
    }

    /** {@code _make_layer}: a downsample branch where the stride or the width changes, then the blocks. */
    private Sequential makeLayer(Variant variant, long planes, int blocks, long stride, LongFunction<Module> norm) {
        long out = Dims.mul(planes, variant.block().expansion());
        Module downsample = null;
        if (stride != 1 || inplanes != out) {
            downsample = new Sequential(conv2d(inplanes, out, 1, 1, 1, false), norm.apply(out));
        }
        Sequential layer = new Sequential(block(variant, inplanes, planes, downsample, norm));
        inplanes = out;
        for (int i = 1; i < blocks; i++) {
            layer.append(block(variant, inplanes, planes, null, norm));
        }
        return layer;
    }

    private static Module block(Variant variant, long inplanes, long planes, Module downsample,
                                LongFunction<Module> norm) {
        return variant.block() == Block.BASIC
                ? basicBlock(inplanes, planes, downsample, variant.groups(), variant.widthPerGroup(), norm)
                : bottleneck(inplanes, planes, downsample, variant.groups(), variant.widthPerGroup(), norm);
    }

    /** {@code BasicBlock}: two 3x3 convolutions; the downsample branch, when there is one, comes last. */
    private static Module basicBlock(long inplanes, long planes, Module downsample, long groups, long baseWidth,
                                     LongFunction<Module> norm) {
        if (groups != 1 || baseWidth != 64) {
            throw new IllegalArgumentException("BasicBlock only supports groups=1 and base_width=64");
        }
        Module block = new Module();
        block.add("conv1", conv2d(inplanes, planes, 3, 3, 1, false));
        block.add("bn1", norm.apply(planes));
        block.add("relu", stateless());
        block.add("conv2", conv2d(planes, planes, 3, 3, 1, false));
        block.add("bn2", norm.apply(planes));
        if (downsample != null) {
            block.add("downsample", downsample);
        }
        return block;
    }

    /**
     * {@code Bottleneck}: 1x1 down to {@code width = int(planes * (base_width / 64.0)) * groups}, a grouped 3x3,
     * and 1x1 up to {@code planes * 4}.
     */
    private static Module bottleneck(long inplanes, long planes, Module downsample, long groups, long baseWidth,
                                     LongFunction<Module> norm) {
        long width = Dims.mul(Dims.trunc(planes * (baseWidth / 64.0)), groups);
        long out = Dims.mul(planes, Block.BOTTLENECK.expansion());
        Module block = new Module();
        block.add("conv1", conv2d(inplanes, width, 1, 1, 1, false));
        block.add("bn1", norm.apply(width));
        block.add("conv2", conv2d(width, width, 3, 3, groups, false));
        block.add("bn2", norm.apply(width));
        block.add("conv3", conv2d(width, out, 1, 1, 1, false));
        block.add("bn3", norm.apply(out));
        block.add("relu", stateless());
        if (downsample != null) {
            block.add("downsample", downsample);
        }
        return block;
    }

    /** An ImageNet weights enum: its members in declaration order, and the one DEFAULT names. */
    private static Weights imagenet(String weightsClass, String defaultName, String... members) {
        return Weights.of(weightsClass, Args.IMAGENET, 224, defaultName, members);
    }
}
