package dev.modelsummary.catalog.torchvision.video;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool3d;
import static dev.modelsummary.catalog.nn.Layers.batchNorm3d;
import static dev.modelsummary.catalog.nn.Layers.conv3d;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.Args;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.function.Supplier;

/**
 * torchvision {@code models/video/resnet.py} (0.14.1): {@code r3d_18}, {@code mc3_18} and {@code r2plus1d_18},
 * the three {@code VideoResNet} builders.
 */
public final class VideoResNet extends Module {

    /** The public builders: each one's conv makers per layer, its stem, and its weights enum. */
    public static List<Builder> builders() {
        ConvMaker[] simple = {ConvMaker.SIMPLE, ConvMaker.SIMPLE, ConvMaker.SIMPLE, ConvMaker.SIMPLE};
        ConvMaker[] mixed = {ConvMaker.SIMPLE, ConvMaker.NO_TEMPORAL, ConvMaker.NO_TEMPORAL, ConvMaker.NO_TEMPORAL};
        ConvMaker[] separated = {ConvMaker.TWO_PLUS_ONE_D, ConvMaker.TWO_PLUS_ONE_D, ConvMaker.TWO_PLUS_ONE_D,
            ConvMaker.TWO_PLUS_ONE_D};
        return List.of(
                builder("r3d_18", simple, BasicStem::new, "R3D_18_Weights"),
                builder("mc3_18", mixed, BasicStem::new, "MC3_18_Weights"),
                builder("r2plus1d_18", separated, R2Plus1dStem::new, "R2Plus1D_18_Weights"));
    }

    /** Every builder takes BasicBlock with [2, 2, 2, 2] blocks; they differ in conv makers and stem. */
    private static Builder builder(String name, ConvMaker[] convMakers, Supplier<Module> stem, String weightsClass) {
        // VideoClassification(crop_size=(112, 112), resize_size=(128, 171))
        Weights weights = Weights.of(weightsClass, Args.KINETICS400, 1, "KINETICS400_V1", "KINETICS400_V1")
                .withCropSize(112);
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Args.numClasses(400),
                Arg.bool("zero_init_residual", false,
                        "zero-init each Bottleneck's last BN (no effect on the tensors)"));
        return Builder.of(name, Task.VIDEO_CLASSIFICATION, args,
                kwargs -> videoResNet(Block.BASIC, convMakers, new int[] {2, 2, 2, 2}, stem, kwargs));
    }

    /** {@code _video_resnet}: weights fix num_classes; then the model. */
    private static Module videoResNet(Block block, ConvMaker[] convMakers, int[] layers, Supplier<Module> stem,
                                      Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new VideoResNet(block, convMakers, layers, stem, kwargs.integer("num_classes"));
    }

    private long inplanes = 64;

    /** {@code VideoResNet(block, conv_makers, layers, stem, num_classes)}. */
    private VideoResNet(Block block, ConvMaker[] convMakers, int[] layers, Supplier<Module> stem, long numClasses) {
        add("stem", stem.get());
        add("layer1", makeLayer(block, convMakers[0], 64, layers[0], 1));
        add("layer2", makeLayer(block, convMakers[1], 128, layers[1], 2));
        add("layer3", makeLayer(block, convMakers[2], 256, layers[2], 2));
        add("layer4", makeLayer(block, convMakers[3], 512, layers[3], 2));
        add("avgpool", adaptiveAvgPool3d(1, 1, 1));
        add("fc", linear(Dims.mul(512, block.expansion), numClasses));
    }

    /** {@code VideoResNet.forward}. */
    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "stem", x);

        x = call(t, "layer1", x);
        x = call(t, "layer2", x);
        x = call(t, "layer3", x);
        x = call(t, "layer4", x);

        x = call(t, "avgpool", x);
        // Flatten the layer to fc
        x = Reshape.flatten(x, 1, -1);
        x = call(t, "fc", x);

        return x;
    }

    /**
     * {@code VideoResNet._make_layer}: a 1x1x1 conv + BN downsample on the first block when the stride or the
     * width changes, strided by {@code conv_builder.get_downsample_stride(stride)}.
     */
    private Sequential makeLayer(Block block, ConvMaker convMaker, long planes, int blocks, long stride) {
        Sequential downsample = null;
        if (stride != 1 || inplanes != planes * block.expansion) {
            downsample = new Sequential(conv3d(inplanes, planes * block.expansion, 1, 1, 1, 1, false)
                    .stride(convMaker.downsampleStride(stride)), batchNorm3d(planes * block.expansion));
        }
        Sequential layer = new Sequential(block.make(inplanes, planes, convMaker, stride, downsample));
        inplanes = planes * block.expansion;
        for (int i = 1; i < blocks; i++) {
            layer.append(block.make(inplanes, planes, convMaker, 1, null));
        }
        return layer;
    }

    /** {@code BasicStem}: Conv3d(3, 64, (3, 7, 7), stride (1, 2, 2), padding (1, 3, 3)), BatchNorm3d, ReLU. */
    static final class BasicStem extends Sequential {
        BasicStem() {
            super(conv3d(3, 64, 3, 7, 7, 1, false).stride(1, 2, 2).padding(1, 3, 3), batchNorm3d(64), relu());
        }
    }

    /**
     * {@code R2Plus1dStem}: a (1, 7, 7) conv to 45 channels (stride (1, 2, 2), padding (0, 3, 3)), then a
     * (3, 1, 1) conv to 64 (padding (1, 0, 0)), each with BN and ReLU.
     */
    static final class R2Plus1dStem extends Sequential {
        R2Plus1dStem() {
            super(conv3d(3, 45, 1, 7, 7, 1, false).stride(1, 2, 2).padding(0, 3, 3), batchNorm3d(45), relu(),
                    conv3d(45, 64, 3, 1, 1, 1, false).stride(1, 1, 1).padding(1, 0, 0), batchNorm3d(64), relu());
        }
    }

    /**
     * {@code Conv2Plus1D(in, out, midplanes, stride, padding=1)}: an nn.Sequential of a (1, 3, 3) conv to
     * midplanes, BN, ReLU, and a (3, 1, 1) conv carrying the temporal stride.
     */
    static final class Conv2Plus1D extends Sequential {
        Conv2Plus1D(long in, long out, long midplanes, long stride) {
            super(conv3d(in, midplanes, 1, 3, 3, 1, false).stride(1, stride, stride).padding(0, 1, 1),
                    batchNorm3d(midplanes), relu(),
                    conv3d(midplanes, out, 3, 1, 1, 1, false).stride(stride, 1, 1).padding(1, 0, 0));
        }
    }

    /** The conv builders: {@code Conv3DSimple}, {@code Conv3DNoTemporal}, {@code Conv2Plus1D}. */
    private enum ConvMaker {
        /** {@code Conv3DSimple}: itself an nn.Conv3d with a (3, 3, 3) kernel, stride and padding 1 everywhere. */
        SIMPLE {
            @Override
            Module make(long in, long out, long midplanes, long stride) {
                return conv3d(in, out, 3, 3, 3, 1, false).stride(stride).padding(1).className("Conv3DSimple");
            }

            @Override
            long[] downsampleStride(long stride) {
                return new long[] {stride, stride, stride};
            }
        },
        /** {@code Conv3DNoTemporal}: itself an nn.Conv3d with a (1, 3, 3) kernel, no temporal stride or padding. */
        NO_TEMPORAL {
            @Override
            Module make(long in, long out, long midplanes, long stride) {
                return conv3d(in, out, 1, 3, 3, 1, false).stride(1, stride, stride).padding(0, 1, 1)
                        .className("Conv3DNoTemporal");
            }

            @Override
            long[] downsampleStride(long stride) {
                return new long[] {1, stride, stride};
            }
        },
        /** {@code Conv2Plus1D}. */
        TWO_PLUS_ONE_D {
            @Override
            Module make(long in, long out, long midplanes, long stride) {
                return new Conv2Plus1D(in, out, midplanes, stride);
            }

            @Override
            long[] downsampleStride(long stride) {
                return new long[] {stride, stride, stride};
            }
        };

        /** {@code conv_builder(in_planes, out_planes, midplanes, stride)} (padding 1). */
        abstract Module make(long in, long out, long midplanes, long stride);

        /** {@code get_downsample_stride(stride)}. */
        abstract long[] downsampleStride(long stride);
    }

    /** The residual blocks and their {@code expansion}. */
    private enum Block {
        BASIC(1) {
            @Override
            Module make(long inplanes, long planes, ConvMaker convMaker, long stride, Module downsample) {
                return new BasicBlock(inplanes, planes, convMaker, stride, downsample);
            }
        },
        /** No 0.14.1 builder uses it. */
        BOTTLENECK(4) {
            @Override
            Module make(long inplanes, long planes, ConvMaker convMaker, long stride, Module downsample) {
                return new Bottleneck(inplanes, planes, convMaker, stride, downsample);
            }
        };

        final long expansion;

        Block(long expansion) {
            this.expansion = expansion;
        }

        abstract Module make(long inplanes, long planes, ConvMaker convMaker, long stride, Module downsample);
    }

    /** The (2+1)D width that keeps the parameter count of a full 3x3x3 conv (Python floor division). */
    static long midplanes(long inplanes, long planes) {
        return Math.floorDiv(inplanes * planes * 3 * 3 * 3, inplanes * 3 * 3 + 3 * planes);
    }

    /** {@code BasicBlock}: conv1 (conv, BN, ReLU), conv2 (conv, BN), relu, downsample. */
    static final class BasicBlock extends Module {
        BasicBlock(long inplanes, long planes, ConvMaker convMaker, long stride, Module downsample) {
            long midplanes = midplanes(inplanes, planes);
            add("conv1", new Sequential(convMaker.make(inplanes, planes, midplanes, stride), batchNorm3d(planes),
                    relu()));
            add("conv2", new Sequential(convMaker.make(planes, planes, midplanes, 1), batchNorm3d(planes)));
            add("relu", relu());
            if (downsample != null) {
                add("downsample", downsample);
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape residual = x;

            Shape out = call(t, "conv1", x);
            out = call(t, "conv2", out);
            if (childrenWithEmptyPlaces().get("downsample") != null) {
                residual = call(t, "downsample", x);
            }

            out = addInPlace(out, residual);
            out = call(t, "relu", out);

            return out;
        }
    }

    /**
     * {@code Bottleneck}: 1x1x1 conv1, the conv maker's conv2 (carrying the stride), 1x1x1 conv3 to
     * {@code planes * 4}, each in a Sequential with its BN (and ReLU but the last), then relu and downsample.
     */
    static final class Bottleneck extends Module {
        Bottleneck(long inplanes, long planes, ConvMaker convMaker, long stride, Module downsample) {
            long midplanes = midplanes(inplanes, planes);
            long expansion = Block.BOTTLENECK.expansion;
            add("conv1", new Sequential(conv3d(inplanes, planes, 1, 1, 1, 1, false), batchNorm3d(planes), relu()));
            add("conv2", new Sequential(convMaker.make(planes, planes, midplanes, stride), batchNorm3d(planes),
                    relu()));
            add("conv3", new Sequential(conv3d(planes, planes * expansion, 1, 1, 1, 1, false),
                    batchNorm3d(planes * expansion)));
            add("relu", relu());
            if (downsample != null) {
                add("downsample", downsample);
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape residual = x;

            Shape out = call(t, "conv1", x);
            out = call(t, "conv2", out);
            out = call(t, "conv3", out);

            if (childrenWithEmptyPlaces().get("downsample") != null) {
                residual = call(t, "downsample", x);
            }

            out = addInPlace(out, residual);
            out = call(t, "relu", out);

            return out;
        }
    }

    /** {@code out += residual}: in place, so the result keeps {@code out}'s shape or torch refuses. */
    private static Shape addInPlace(Shape out, Shape residual) {
        Shape result = Reshape.broadcast(out, residual);
        if (!result.equals(out)) {
            throw new ShapeException("output with shape " + out + " doesn't match the broadcast shape " + result);
        }
        return out;
    }
}
