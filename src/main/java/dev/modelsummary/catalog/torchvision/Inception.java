package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.maxPool2d;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.ArgType;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/inception.py} (0.14.1): the {@code inception_v3} builder and the
 * {@code Inception3} model. The model and its blocks are public and open to subclassing, as in Python, because
 * {@code quantization/inception.py} builds {@code QuantizableInception3} from them.
 */
public final class Inception {
    /** {@code Inception_V3_Weights}: ImageNet, min_size 75, crop 299. */
    public static final Weights WEIGHTS =
            Weights.of("Inception_V3_Weights", Args.IMAGENET, 75, "IMAGENET1K_V1", "IMAGENET1K_V1")
                    .withCropSize(299);

    private Inception() {
    }

    /** The one public builder, {@code inception_v3}: weights, progress, then the model's keyword arguments. */
    public static List<Builder> builders() {
        List<Arg> args = new ArrayList<>(List.of(Args.weights(WEIGHTS), Args.progress()));
        args.addAll(modelArgs());
        return List.of(Builder.of("inception_v3", Task.IMAGE_CLASSIFICATION, args, Inception::inceptionV3));
    }

    /** The keyword arguments of {@code Inception3.__init__} a user can pass through the builder's kwargs. */
    public static List<Arg> modelArgs() {
        return List.of(
                Args.numClasses(1000),
                Arg.bool("aux_logits", true, "the auxiliary classifier AuxLogits"),
                Arg.bool("transform_input", false, "re-normalize the input (no effect on the tensors)"),
                // Optional[bool] = None: None means True.
                new Arg("init_weights", ArgType.BOOL, null, null,
                        "truncated-normal initialization (no effect on the tensors)"),
                Arg.real("dropout", 0.5, "dropout rate (no effect on the tensors)"));
    }

    /**
     * {@code inception_v3(weights, progress, **kwargs)}: weights impose transform_input (unless given),
     * aux_logits=True, init_weights=False and num_classes. Python then drops AuxLogits when the user's
     * aux_logits (default True) was False; with weights that value was already refused by the overwrite, so
     * the model keeps AuxLogits.
     */
    private static Module inceptionV3(Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> {
            if (!kwargs.isGiven("transform_input")) {
                kwargs.overwrite("transform_input", true);
            }
            kwargs.overwrite("aux_logits", true);
            kwargs.overwrite("init_weights", false);
            kwargs.overwrite("num_classes", w.categories());
        });
        return new Inception3(kwargs.integer("num_classes"), kwargs.bool("aux_logits"), DEFAULT_BLOCKS);
    }

    /**
     * Python's {@code inception_blocks=[conv_block, inception_a, inception_b, inception_c, inception_d,
     * inception_e, inception_aux]}.
     */
    public interface Blocks {
        /** {@code conv_block(in_channels, out_channels, kernel_size=(kernelH, kernelW))}. */
        default Module conv(long in, long out, long kernelH, long kernelW) {
            return conv(in, out, kernelH, kernelW, 1, 0, 0);
        }

        /** {@code conv_block(in, out, kernel_size=(kernelH, kernelW), stride=stride, padding=(padH, padW))}. */
        Module conv(long in, long out, long kernelH, long kernelW, long stride, long padH, long padW);

        /** {@code conv_block(in, out, kernel_size=kernel, stride=stride, padding=padding)}. */
        default Module conv(long in, long out, long kernel, long stride, long padding) {
            return conv(in, out, kernel, kernel, stride, padding, padding);
        }

        /** {@code conv_block(in_channels, out_channels, kernel_size=kernel)}. */
        default Module conv(long in, long out, long kernel) {
            return conv(in, out, kernel, kernel);
        }

        Module inceptionA(long in, long poolFeatures);

        Module inceptionB(long in);

        Module inceptionC(long in, long channels7x7);

        Module inceptionD(long in);

        Module inceptionE(long in);

        Module inceptionAux(long in, long numClasses);
    }

    /** The default blocks: {@code [BasicConv2d, InceptionA, ..., InceptionE, InceptionAux]}. */
    public static final Blocks DEFAULT_BLOCKS = new Blocks() {
        @Override
        public Module conv(long in, long out, long kernelH, long kernelW, long stride, long padH, long padW) {
            return new BasicConv2d(in, out, kernelH, kernelW, stride, padH, padW);
        }

        @Override
        public Module inceptionA(long in, long poolFeatures) {
            return new InceptionA(in, poolFeatures, this);
        }

        @Override
        public Module inceptionB(long in) {
            return new InceptionB(in, this);
        }

        @Override
        public Module inceptionC(long in, long channels7x7) {
            return new InceptionC(in, channels7x7, this);
        }

        @Override
        public Module inceptionD(long in) {
            return new InceptionD(in, this);
        }

        @Override
        public Module inceptionE(long in) {
            return new InceptionE(in, this);
        }

        @Override
        public Module inceptionAux(long in, long numClasses) {
            return new InceptionAux(in, numClasses, this);
        }
    };

    /** {@code Inception3(num_classes, aux_logits, inception_blocks=blocks)}. */
    public static class Inception3 extends Module {
        public Inception3(long numClasses, boolean auxLogits, Blocks blocks) {
            add("Conv2d_1a_3x3", blocks.conv(3, 32, 3, 2, 0));
            add("Conv2d_2a_3x3", blocks.conv(32, 32, 3));
            add("Conv2d_2b_3x3", blocks.conv(32, 64, 3, 1, 1));
            add("maxpool1", maxPool2d(3, 2, 0));
            add("Conv2d_3b_1x1", blocks.conv(64, 80, 1));
            add("Conv2d_4a_3x3", blocks.conv(80, 192, 3));
            add("maxpool2", maxPool2d(3, 2, 0));
            add("Mixed_5b", blocks.inceptionA(192, 32));
            add("Mixed_5c", blocks.inceptionA(256, 64));
            add("Mixed_5d", blocks.inceptionA(288, 64));
            add("Mixed_6a", blocks.inceptionB(288));
            add("Mixed_6b", blocks.inceptionC(768, 128));
            add("Mixed_6c", blocks.inceptionC(768, 160));
            add("Mixed_6d", blocks.inceptionC(768, 160));
            add("Mixed_6e", blocks.inceptionC(768, 192));
            // `self.AuxLogits = None` first is a plain attribute; the module, when there is one, registers here.
            if (auxLogits) {
                add("AuxLogits", blocks.inceptionAux(768, numClasses));
            }
            add("Mixed_7a", blocks.inceptionD(768));
            add("Mixed_7b", blocks.inceptionE(1280));
            add("Mixed_7c", blocks.inceptionE(2048));
            add("avgpool", adaptiveAvgPool2d(1, 1));
            add("dropout", dropout(0.0));
            add("fc", linear(2048, numClasses));
        }

        /** {@code _forward} in eval: AuxLogits runs only in training; dropout comes before the flatten. */
        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = x;
            for (String name : List.of("Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1",
                    "Conv2d_3b_1x1", "Conv2d_4a_3x3", "maxpool2", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a",
                    "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c", "avgpool",
                    "dropout")) {
                y = call(t, name, y);
            }
            return call(t, "fc", Reshape.flatten(y, 1, -1));
        }
    }

    /** {@code F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)}: no module call. */
    static Shape avgPool3x3(Shape x) {
        return Pool.output(x, new long[] {3, 3}, new long[] {1}, new long[] {1}, new long[] {1}, false);
    }

    /** {@code F.max_pool2d(x, kernel_size=3, stride=2)}: no module call. */
    static Shape maxPool3x3s2(Shape x) {
        return Pool.output(x, new long[] {3, 3}, new long[] {2}, new long[] {0}, new long[] {1}, false);
    }

    /** {@code BasicConv2d(in, out, kernel_size)}: a bias-free {@code conv}, then {@code bn}. */
    public static class BasicConv2d extends Module {
        public BasicConv2d(long in, long out, long kernelH, long kernelW, long stride, long padH, long padW) {
            add("conv", conv2d(in, out, kernelH, kernelW, 1, false).stride(stride).padding(padH, padW));
            add("bn", batchNorm2d(out));
        }

        /** {@code conv}, {@code bn}, then the functional {@code F.relu} (no call). */
        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "bn", call(t, "conv", x));
        }
    }

    /** {@code InceptionA(in, pool_features)}: 1x1, 5x5 and double-3x3 branches, and a pooled 1x1. */
    public static class InceptionA extends Module {
        public InceptionA(long in, long poolFeatures, Blocks blocks) {
            add("branch1x1", blocks.conv(in, 64, 1));
            add("branch5x5_1", blocks.conv(in, 48, 1));
            add("branch5x5_2", blocks.conv(48, 64, 5, 1, 2));
            add("branch3x3dbl_1", blocks.conv(in, 64, 1));
            add("branch3x3dbl_2", blocks.conv(64, 96, 3, 1, 1));
            add("branch3x3dbl_3", blocks.conv(96, 96, 3, 1, 1));
            add("branch_pool", blocks.conv(in, poolFeatures, 1));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape b1x1 = call(t, "branch1x1", x);
            Shape b5x5 = call(t, "branch5x5_2", call(t, "branch5x5_1", x));
            Shape dbl = call(t, "branch3x3dbl_3", call(t, "branch3x3dbl_2", call(t, "branch3x3dbl_1", x)));
            Shape pool = call(t, "branch_pool", avgPool3x3(x));
            return Reshape.cat(List.of(b1x1, b5x5, dbl, pool), 1);
        }
    }

    /** {@code InceptionB(in)}: a strided 3x3 and a double 3x3 (its pooling branch is functional). */
    public static class InceptionB extends Module {
        public InceptionB(long in, Blocks blocks) {
            add("branch3x3", blocks.conv(in, 384, 3, 2, 0));
            add("branch3x3dbl_1", blocks.conv(in, 64, 1));
            add("branch3x3dbl_2", blocks.conv(64, 96, 3, 1, 1));
            add("branch3x3dbl_3", blocks.conv(96, 96, 3, 2, 0));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape b3x3 = call(t, "branch3x3", x);
            Shape dbl = call(t, "branch3x3dbl_3", call(t, "branch3x3dbl_2", call(t, "branch3x3dbl_1", x)));
            return Reshape.cat(List.of(b3x3, dbl, maxPool3x3s2(x)), 1);
        }
    }

    /** {@code InceptionC(in, channels_7x7)}: factorized 7x7 branches (1x7 and 7x1 kernels) of width c7. */
    public static class InceptionC extends Module {
        public InceptionC(long in, long channels7x7, Blocks blocks) {
            long c7 = channels7x7;
            add("branch1x1", blocks.conv(in, 192, 1));
            add("branch7x7_1", blocks.conv(in, c7, 1));
            add("branch7x7_2", blocks.conv(c7, c7, 1, 7, 1, 0, 3));
            add("branch7x7_3", blocks.conv(c7, 192, 7, 1, 1, 3, 0));
            add("branch7x7dbl_1", blocks.conv(in, c7, 1));
            add("branch7x7dbl_2", blocks.conv(c7, c7, 7, 1, 1, 3, 0));
            add("branch7x7dbl_3", blocks.conv(c7, c7, 1, 7, 1, 0, 3));
            add("branch7x7dbl_4", blocks.conv(c7, c7, 7, 1, 1, 3, 0));
            add("branch7x7dbl_5", blocks.conv(c7, 192, 1, 7, 1, 0, 3));
            add("branch_pool", blocks.conv(in, 192, 1));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape b1x1 = call(t, "branch1x1", x);
            Shape b7 = call(t, "branch7x7_3", call(t, "branch7x7_2", call(t, "branch7x7_1", x)));
            Shape dbl = x;
            for (int i = 1; i <= 5; i++) {
                dbl = call(t, "branch7x7dbl_" + i, dbl);
            }
            Shape pool = call(t, "branch_pool", avgPool3x3(x));
            return Reshape.cat(List.of(b1x1, b7, dbl, pool), 1);
        }
    }

    /** {@code InceptionD(in)}: a 3x3 branch and a 7x7x3 branch (its pooling branch is functional). */
    public static class InceptionD extends Module {
        public InceptionD(long in, Blocks blocks) {
            add("branch3x3_1", blocks.conv(in, 192, 1));
            add("branch3x3_2", blocks.conv(192, 320, 3, 2, 0));
            add("branch7x7x3_1", blocks.conv(in, 192, 1));
            add("branch7x7x3_2", blocks.conv(192, 192, 1, 7, 1, 0, 3));
            add("branch7x7x3_3", blocks.conv(192, 192, 7, 1, 1, 3, 0));
            add("branch7x7x3_4", blocks.conv(192, 192, 3, 2, 0));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape b3x3 = call(t, "branch3x3_2", call(t, "branch3x3_1", x));
            Shape b7 = x;
            for (int i = 1; i <= 4; i++) {
                b7 = call(t, "branch7x7x3_" + i, b7);
            }
            return Reshape.cat(List.of(b3x3, b7, maxPool3x3s2(x)), 1);
        }
    }

    /** {@code InceptionE(in)}: 1x1, split 3x3 (1x3 and 3x1), split double 3x3, and a pooled 1x1. */
    public static class InceptionE extends Module {
        public InceptionE(long in, Blocks blocks) {
            add("branch1x1", blocks.conv(in, 320, 1));
            add("branch3x3_1", blocks.conv(in, 384, 1));
            add("branch3x3_2a", blocks.conv(384, 384, 1, 3, 1, 0, 1));
            add("branch3x3_2b", blocks.conv(384, 384, 3, 1, 1, 1, 0));
            add("branch3x3dbl_1", blocks.conv(in, 448, 1));
            add("branch3x3dbl_2", blocks.conv(448, 384, 3, 1, 1));
            add("branch3x3dbl_3a", blocks.conv(384, 384, 1, 3, 1, 0, 1));
            add("branch3x3dbl_3b", blocks.conv(384, 384, 3, 1, 1, 1, 0));
            add("branch_pool", blocks.conv(in, 192, 1));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape b1x1 = call(t, "branch1x1", x);
            Shape b3x3 = call(t, "branch3x3_1", x);
            b3x3 = Reshape.cat(List.of(call(t, "branch3x3_2a", b3x3), call(t, "branch3x3_2b", b3x3)), 1);
            Shape dbl = call(t, "branch3x3dbl_2", call(t, "branch3x3dbl_1", x));
            dbl = Reshape.cat(List.of(call(t, "branch3x3dbl_3a", dbl), call(t, "branch3x3dbl_3b", dbl)), 1);
            Shape pool = call(t, "branch_pool", avgPool3x3(x));
            return Reshape.cat(List.of(b1x1, b3x3, dbl, pool), 1);
        }
    }

    /** {@code InceptionAux(in, num_classes)}: conv0 (1x1 to 128), conv1 (5x5 to 768), fc. */
    public static class InceptionAux extends Module {
        public InceptionAux(long in, long numClasses, Blocks blocks) {
            add("conv0", blocks.conv(in, 128, 1));
            add("conv1", blocks.conv(128, 768, 5));
            add("fc", linear(768, numClasses));
        }
    }
}
