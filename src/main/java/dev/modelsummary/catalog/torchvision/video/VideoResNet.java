package dev.modelsummary.catalog.torchvision.video;

import static dev.modelsummary.catalog.nn.Layers.batchNorm;
import static dev.modelsummary.catalog.nn.Layers.conv3d;
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
import dev.modelsummary.catalog.torchvision.Args;
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
                builder("r3d_18", simple, VideoResNet::basicStem, "R3D_18_Weights"),
                builder("mc3_18", mixed, VideoResNet::basicStem, "MC3_18_Weights"),
                builder("r2plus1d_18", separated, VideoResNet::r2plus1dStem, "R2Plus1D_18_Weights"));
    }

    /** Every builder takes BasicBlock with [2, 2, 2, 2] blocks; they differ in conv makers and stem. */
    private static Builder builder(String name, ConvMaker[] convMakers, Supplier<Module> stem, String weightsClass) {
        Weights weights = Weights.of(weightsClass, Args.KINETICS400, 1, "KINETICS400_V1", "KINETICS400_V1");
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
        add("avgpool", stateless());
        add("fc", linear(Dims.mul(512, block.expansion), numClasses));
    }

    /**
     * {@code VideoResNet._make_layer}: a 1x1x1 conv + BN downsample on the first block when the stride or the
     * width changes (its stride, from {@code get_downsample_stride}, leaves no trace in the shapes).
     */
    private Sequential makeLayer(Block block, ConvMaker convMaker, long planes, int blocks, long stride) {
        Sequential downsample = null;
        if (stride != 1 || inplanes != planes * block.expansion) {
            downsample = new Sequential(conv3d(inplanes, planes * block.expansion, 1, 1, 1, 1, false),
                    batchNorm(planes * block.expansion));
        }
        Sequential layer = new Sequential(block.make(inplanes, planes, convMaker, downsample));
        inplanes = planes * block.expansion;
        for (int i = 1; i < blocks; i++) {
            layer.append(block.make(inplanes, planes, convMaker, null));
        }
        return layer;
    }

    /** {@code BasicStem}: Conv3d(3, 64, (3, 7, 7)), BatchNorm3d, ReLU. */
    private static Module basicStem() {
        return new Sequential(conv3d(3, 64, 3, 7, 7, 1, false), batchNorm(64), stateless());
    }

    /** {@code R2Plus1dStem}: a (1, 7, 7) conv to 45 channels, then a (3, 1, 1) conv to 64, each with BN, ReLU. */
    private static Module r2plus1dStem() {
        return new Sequential(conv3d(3, 45, 1, 7, 7, 1, false), batchNorm(45), stateless(),
                conv3d(45, 64, 3, 1, 1, 1, false), batchNorm(64), stateless());
    }

    /** The conv builders: {@code Conv3DSimple}, {@code Conv3DNoTemporal}, {@code Conv2Plus1D}. */
    private enum ConvMaker {
        /** {@code Conv3DSimple}: itself an nn.Conv3d with a (3, 3, 3) kernel, no bias. */
        SIMPLE {
            @Override
            Module make(long in, long out, long midplanes) {
                return conv3d(in, out, 3, 3, 3, 1, false);
            }
        },
        /** {@code Conv3DNoTemporal}: itself an nn.Conv3d with a (1, 3, 3) kernel, no bias. */
        NO_TEMPORAL {
            @Override
            Module make(long in, long out, long midplanes) {
                return conv3d(in, out, 1, 3, 3, 1, false);
            }
        },
        /** {@code Conv2Plus1D}: a Sequential of a (1, 3, 3) conv to midplanes, BN, ReLU, a (3, 1, 1) conv. */
        TWO_PLUS_ONE_D {
            @Override
            Module make(long in, long out, long midplanes) {
                return new Sequential(conv3d(in, midplanes, 1, 3, 3, 1, false), batchNorm(midplanes), stateless(),
                        conv3d(midplanes, out, 3, 1, 1, 1, false));
            }
        };

        abstract Module make(long in, long out, long midplanes);
    }

    /** The residual blocks and their {@code expansion}. */
    private enum Block {
        /** {@code BasicBlock}: conv1 (conv, BN, ReLU), conv2 (conv, BN), relu, downsample. */
        BASIC(1) {
            @Override
            Module make(long inplanes, long planes, ConvMaker convMaker, Module downsample) {
                long midplanes = midplanes(inplanes, planes);
                Module block = new Module();
                block.add("conv1", new Sequential(convMaker.make(inplanes, planes, midplanes), batchNorm(planes),
                        stateless()));
                block.add("conv2", new Sequential(convMaker.make(planes, planes, midplanes), batchNorm(planes)));
                block.add("relu", stateless());
                addDownsample(block, downsample);
                return block;
            }
        },
        /**
         * {@code Bottleneck}: 1x1x1 conv1, the conv maker's conv2, 1x1x1 conv3 to {@code planes * 4}, each in a
         * Sequential with its BN (and ReLU but the last), then relu and downsample. No 0.14.1 builder uses it.
         */
        BOTTLENECK(4) {
            @Override
            Module make(long inplanes, long planes, ConvMaker convMaker, Module downsample) {
                long midplanes = midplanes(inplanes, planes);
                Module block = new Module();
                block.add("conv1", new Sequential(conv3d(inplanes, planes, 1, 1, 1, 1, false), batchNorm(planes),
                        stateless()));
                block.add("conv2", new Sequential(convMaker.make(planes, planes, midplanes), batchNorm(planes),
                        stateless()));
                block.add("conv3", new Sequential(conv3d(planes, planes * expansion, 1, 1, 1, 1, false),
                        batchNorm(planes * expansion)));
                block.add("relu", stateless());
                addDownsample(block, downsample);
                return block;
            }
        };

        final long expansion;

        Block(long expansion) {
            this.expansion = expansion;
        }

        abstract Module make(long inplanes, long planes, ConvMaker convMaker, Module downsample);

        /** The (2+1)D width that keeps the parameter count of a full 3x3x3 conv (Python floor division). */
        static long midplanes(long inplanes, long planes) {
            return Math.floorDiv(inplanes * planes * 3 * 3 * 3, inplanes * 3 * 3 + 3 * planes);
        }

        /** {@code self.downsample = downsample}: None registers no child. */
        static void addDownsample(Module block, Module downsample) {
            if (downsample != null) {
                block.add("downsample", downsample);
            }
        }
    }
}
