package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.batchNorm2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.maxPool2d;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.ArgType;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision {@code models/googlenet.py} (0.14.1): the {@code googlenet} builder and the {@code GoogLeNet}
 * model. The model and its blocks are public and open to subclassing, as in Python, because
 * {@code quantization/googlenet.py} builds {@code QuantizableGoogLeNet} from them; {@link #googlenet} is the
 * builder body both share.
 */
public class GoogLeNet extends Module {
    /** {@code GoogLeNet_Weights}: ImageNet, min_size 15. */
    public static final Weights WEIGHTS =
            Weights.of("GoogLeNet_Weights", Args.IMAGENET, 15, "IMAGENET1K_V1", "IMAGENET1K_V1");

    /** Python's {@code blocks=[conv_block, inception_block, inception_aux_block]}. */
    public interface Blocks {
        /** {@code conv_block(in_channels, out_channels, kernel_size=kernel)}. */
        default Module conv(long in, long out, long kernel) {
            return conv(in, out, kernel, 1, 0);
        }

        /** {@code conv_block(in_channels, out_channels, kernel_size=kernel, stride=stride, padding=padding)}. */
        Module conv(long in, long out, long kernel, long stride, long padding);

        /** {@code inception_block(in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj)}. */
        Module inception(long in, long ch1x1, long ch3x3red, long ch3x3, long ch5x5red, long ch5x5, long poolProj);

        /** {@code inception_aux_block(in_channels, num_classes)}. */
        Module inceptionAux(long in, long numClasses);
    }

    /** The default blocks: {@code [BasicConv2d, Inception, InceptionAux]}. */
    public static final Blocks DEFAULT_BLOCKS = new Blocks() {
        @Override
        public Module conv(long in, long out, long kernel, long stride, long padding) {
            return new BasicConv2d(in, out, kernel, stride, padding);
        }

        @Override
        public Module inception(long in, long ch1x1, long ch3x3red, long ch3x3, long ch5x5red, long ch5x5,
                                long poolProj) {
            return new Inception(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj, this);
        }

        @Override
        public Module inceptionAux(long in, long numClasses) {
            return new InceptionAux(in, numClasses, this);
        }
    };

    /** A model class's constructor: {@code GoogLeNet(num_classes, aux_logits)} or a subclass's. */
    @FunctionalInterface
    public interface Constructor {
        GoogLeNet create(long numClasses, boolean auxLogits);
    }

    /** The one public builder, {@code googlenet}: weights, progress, then the model's keyword arguments. */
    public static List<Builder> builders() {
        List<Arg> args = new ArrayList<>(List.of(Args.weights(WEIGHTS), Args.progress()));
        args.addAll(modelArgs());
        return List.of(Builder.of("googlenet", Task.IMAGE_CLASSIFICATION, args,
                kwargs -> googlenet(kwargs, (numClasses, auxLogits) -> new GoogLeNet(numClasses, auxLogits,
                        DEFAULT_BLOCKS))));
    }

    /** The keyword arguments of {@code GoogLeNet.__init__} a user can pass through the builder's kwargs. */
    public static List<Arg> modelArgs() {
        return List.of(
                Args.numClasses(1000),
                Arg.bool("aux_logits", true, "the two auxiliary classifiers aux1 and aux2"),
                Arg.bool("transform_input", false, "re-normalize the input (no effect on the tensors)"),
                // Optional[bool] = None: None means True.
                new Arg("init_weights", ArgType.BOOL, null, null,
                        "truncated-normal initialization (no effect on the tensors)"),
                Arg.real("dropout", 0.2, "dropout rate (no effect on the tensors)"),
                Arg.real("dropout_aux", 0.7, "auxiliary classifiers' dropout rate (no effect on the tensors)"));
    }

    /**
     * The body of {@code googlenet(weights, progress, **kwargs)} (and of the quantizable one with
     * quantize=False): weights impose transform_input (unless given), aux_logits=True, init_weights=False and
     * num_classes; after loading them, the auxiliary classifiers are dropped unless the user asked for them.
     */
    public static GoogLeNet googlenet(Kwargs kwargs, Constructor constructor) {
        var weights = kwargs.weights("weights");
        // Read before the weights overwrite it: what the user asked for, False when not given.
        boolean originalAuxLogits = kwargs.isGiven("aux_logits") && kwargs.bool("aux_logits");
        weights.ifPresent(w -> {
            if (!kwargs.isGiven("transform_input")) {
                kwargs.overwrite("transform_input", true);
            }
            kwargs.overwrite("aux_logits", true);
            kwargs.overwrite("init_weights", false);
            kwargs.overwrite("num_classes", w.categories());
        });
        GoogLeNet model = constructor.create(kwargs.integer("num_classes"), kwargs.bool("aux_logits"));
        if (weights.isPresent()) {
            if (!originalAuxLogits) {
                model.replace("aux1", null);
                model.replace("aux2", null);
            } else {
                kwargs.warn("auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure"
                        + " to train them");
            }
        }
        return model;
    }

    /**
     * {@code GoogLeNet(num_classes, aux_logits, blocks=blocks)}. Without aux_logits, {@code self.aux1 = None}
     * is a plain attribute, not a child.
     */
    public GoogLeNet(long numClasses, boolean auxLogits, Blocks blocks) {
        add("conv1", blocks.conv(3, 64, 7, 2, 3));
        add("maxpool1", maxPool2d(3, 2, 0, true));
        add("conv2", blocks.conv(64, 64, 1));
        add("conv3", blocks.conv(64, 192, 3, 1, 1));
        add("maxpool2", maxPool2d(3, 2, 0, true));
        add("inception3a", blocks.inception(192, 64, 96, 128, 16, 32, 32));
        add("inception3b", blocks.inception(256, 128, 128, 192, 32, 96, 64));
        add("maxpool3", maxPool2d(3, 2, 0, true));
        add("inception4a", blocks.inception(480, 192, 96, 208, 16, 48, 64));
        add("inception4b", blocks.inception(512, 160, 112, 224, 24, 64, 64));
        add("inception4c", blocks.inception(512, 128, 128, 256, 24, 64, 64));
        add("inception4d", blocks.inception(512, 112, 144, 288, 32, 64, 64));
        add("inception4e", blocks.inception(528, 256, 160, 320, 32, 128, 128));
        add("maxpool4", maxPool2d(2, 2, 0, true));
        add("inception5a", blocks.inception(832, 256, 160, 320, 32, 128, 128));
        add("inception5b", blocks.inception(832, 384, 192, 384, 48, 128, 128));
        if (auxLogits) {
            add("aux1", blocks.inceptionAux(512, numClasses));
            add("aux2", blocks.inceptionAux(528, numClasses));
        }
        add("avgpool", adaptiveAvgPool2d(1, 1));
        add("dropout", dropout(0.0));
        add("fc", linear(1024, numClasses));
    }

    /**
     * {@code _forward} in eval mode: the stem, the inception stages with their ceil_mode max pools (aux1 and aux2
     * run only in training, so they are never called here), avgpool, flatten, dropout, fc. {@code
     * _transform_input} is elementwise and calls no module.
     */
    @Override
    public Shape forward(Trace t, Shape x) {
        Shape y = call(t, "maxpool1", call(t, "conv1", x));
        y = call(t, "maxpool2", call(t, "conv3", call(t, "conv2", y)));
        y = call(t, "maxpool3", call(t, "inception3b", call(t, "inception3a", y)));
        y = call(t, "inception4a", y);
        y = call(t, "inception4d", call(t, "inception4c", call(t, "inception4b", y)));
        y = call(t, "maxpool4", call(t, "inception4e", y));
        y = call(t, "avgpool", call(t, "inception5b", call(t, "inception5a", y)));
        return call(t, "fc", call(t, "dropout", Reshape.flatten(y, 1, -1)));
    }

    /** {@code BasicConv2d(in, out, kernel_size)}: a bias-free {@code conv}, then {@code bn}. */
    public static class BasicConv2d extends Module {
        public BasicConv2d(long in, long out, long kernel, long stride, long padding) {
            add("conv", conv2d(in, out, kernel, 1, false).stride(stride).padding(padding));
            add("bn", batchNorm2d(out));
        }

        /** {@code conv}, {@code bn}, then the functional {@code F.relu} (no call). */
        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "bn", call(t, "conv", x));
        }
    }

    /**
     * {@code Inception(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, conv_block)}: four branches.
     * Branch 3 is named for a 5x5 but torchvision builds a 3x3 there (a known quirk kept for its weights).
     */
    public static class Inception extends Module {
        public Inception(long in, long ch1x1, long ch3x3red, long ch3x3, long ch5x5red, long ch5x5, long poolProj,
                         Blocks blocks) {
            add("branch1", blocks.conv(in, ch1x1, 1));
            add("branch2", new Sequential(blocks.conv(in, ch3x3red, 1), blocks.conv(ch3x3red, ch3x3, 3, 1, 1)));
            add("branch3", new Sequential(blocks.conv(in, ch5x5red, 1), blocks.conv(ch5x5red, ch5x5, 3, 1, 1)));
            // The max pooling comes first in branch 4 and takes index 0.
            add("branch4", new Sequential(maxPool2d(3, 1, 1, true), blocks.conv(in, poolProj, 1)));
        }

        /** {@code torch.cat([branch1(x), branch2(x), branch3(x), branch4(x)], 1)}. */
        @Override
        public Shape forward(Trace t, Shape x) {
            return Reshape.cat(List.of(call(t, "branch1", x), call(t, "branch2", x), call(t, "branch3", x),
                    call(t, "branch4", x)), 1);
        }
    }

    /** {@code InceptionAux(in, num_classes, conv_block)}: a 1x1 conv to 128, fc1 (2048 to 1024), fc2, dropout. */
    public static class InceptionAux extends Module {
        public InceptionAux(long in, long numClasses, Blocks blocks) {
            add("conv", blocks.conv(in, 128, 1));
            add("fc1", linear(2048, 1024));
            add("fc2", linear(1024, numClasses));
            add("dropout", stateless());
        }
    }
}
