package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.gelu;
import static dev.modelsummary.catalog.nn.Layers.layerNormForward;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.multiheadAttention;
import static dev.modelsummary.catalog.nn.Layers.tanh;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.Weights.Member;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.Arrays;
import java.util.List;

/** torchvision {@code models/vision_transformer.py} (0.14.1): the five ViT builders. */
public final class VisionTransformer extends Module {
    private static final long IMAGENET = Args.IMAGENET;

    /** The public builders: patch size, layers, heads, hidden and MLP width, and each one's weights enum. */
    public static List<Builder> builders() {
        return List.of(
                builder("vit_b_16", 16, 12, 12, 768, 3072, new Weights("ViT_B_16_Weights", List.of(
                        new Member("IMAGENET1K_V1", IMAGENET, 224, 224),
                        new Member("IMAGENET1K_SWAG_E2E_V1", IMAGENET, 384, 384),
                        new Member("IMAGENET1K_SWAG_LINEAR_V1", IMAGENET, 224, 224)), "IMAGENET1K_V1")),
                builder("vit_b_32", 32, 12, 12, 768, 3072,
                        Weights.of("ViT_B_32_Weights", IMAGENET, 224, "IMAGENET1K_V1", "IMAGENET1K_V1")),
                builder("vit_l_16", 16, 24, 16, 1024, 4096, new Weights("ViT_L_16_Weights", List.of(
                        new Member("IMAGENET1K_V1", IMAGENET, 224, 224),
                        new Member("IMAGENET1K_SWAG_E2E_V1", IMAGENET, 512, 512),
                        new Member("IMAGENET1K_SWAG_LINEAR_V1", IMAGENET, 224, 224)), "IMAGENET1K_V1")),
                builder("vit_l_32", 32, 24, 16, 1024, 4096,
                        Weights.of("ViT_L_32_Weights", IMAGENET, 224, "IMAGENET1K_V1", "IMAGENET1K_V1")),
                builder("vit_h_14", 14, 32, 16, 1280, 5120, new Weights("ViT_H_14_Weights", List.of(
                        new Member("IMAGENET1K_SWAG_E2E_V1", IMAGENET, 518, 518),
                        new Member("IMAGENET1K_SWAG_LINEAR_V1", IMAGENET, 224, 224)), "IMAGENET1K_SWAG_E2E_V1")));
    }

    private static Builder builder(String name, long patchSize, int numLayers, int numHeads, long hiddenDim,
                                   long mlpDim, Weights weights) {
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Arg.integer("image_size", 224, "input image size; sets the length of encoder.pos_embedding"),
                Args.numClasses(1000),
                Arg.optionalInteger("representation_size", "width of an extra pre-logits layer in the head"),
                Arg.real("dropout", 0.0, "dropout rate (no effect on the tensors)"),
                Arg.real("attention_dropout", 0.0, "attention dropout rate (no effect on the tensors)"));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args,
                kwargs -> vit(patchSize, numLayers, numHeads, hiddenDim, mlpDim, kwargs));
    }

    /** {@code _vision_transformer}: weights fix num_classes and image_size; then the model. */
    private static Module vit(long patchSize, int numLayers, int numHeads, long hiddenDim, long mlpDim,
                              Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> {
            kwargs.overwrite("num_classes", w.categories());
            kwargs.overwrite("image_size", w.minSize());
        });
        if (hiddenDim % numHeads != 0) {
            throw kwargs.refuse("embed_dim must be divisible by num_heads");
        }
        return new VisionTransformer(kwargs.integer("image_size"), patchSize, numLayers, numHeads, hiddenDim, mlpDim,
                kwargs.real("dropout"), kwargs.real("attention_dropout"), kwargs.integer("num_classes"),
                kwargs.optionalInteger("representation_size"));
    }

    private final long imageSize;
    private final long patchSize;
    private final long hiddenDim;

    /**
     * {@code VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout,
     * attention_dropout, num_classes, representation_size)} without a conv stem.
     */
    public VisionTransformer(long imageSize, long patchSize, int numLayers, long numHeads, long hiddenDim,
                             long mlpDim, double dropout, double attentionDropout, long numClasses,
                             Long representationSize) {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("Input shape indivisible by patch size!");
        }
        this.imageSize = imageSize;
        this.patchSize = patchSize;
        this.hiddenDim = hiddenDim;
        add("conv_proj", conv2d(3, hiddenDim, patchSize).stride(patchSize, patchSize));
        long seqLength = Math.multiplyExact(imageSize / patchSize, imageSize / patchSize);
        parameter("class_token", 1, 1, hiddenDim);
        seqLength += 1;
        add("encoder", new Encoder(seqLength, numLayers, numHeads, hiddenDim, mlpDim, dropout, attentionDropout));
        Sequential heads = add("heads", new Sequential());
        if (representationSize == null) {
            heads.add("head", linear(hiddenDim, numClasses));
        } else {
            heads.add("pre_logits", linear(hiddenDim, representationSize));
            heads.add("act", tanh());
            heads.add("head", linear(representationSize, numClasses));
        }
    }

    /** {@code forward}: {@code _process_input}, class token first, the encoder, token 0, the heads. */
    @Override
    public Shape forward(Trace t, Shape x) {
        // _process_input: n, c, h, w = x.shape
        if (x.rank() < 4) {
            throw new ShapeException("not enough values to unpack (expected 4, got " + x.rank() + ")");
        }
        if (x.rank() > 4) {
            throw new ShapeException("too many values to unpack (expected 4)");
        }
        long n = x.dim(0);
        if (x.dim(2) != imageSize) {
            throw new ShapeException("Wrong image height! Expected " + imageSize + " but got " + x.dim(2) + "!");
        }
        if (x.dim(3) != imageSize) {
            throw new ShapeException("Wrong image width! Expected " + imageSize + " but got " + x.dim(3) + "!");
        }
        Shape y = call(t, "conv_proj", x);
        long tokens = Exact.product(imageSize / patchSize, imageSize / patchSize);
        y = Shape.of(n, tokens, hiddenDim); // reshape(n, hidden_dim, n_h * n_w).permute(0, 2, 1)
        y = Reshape.cat(List.of(Shape.of(n, 1, hiddenDim), y), 1); // class_token.expand(n, -1, -1), then cat
        y = call(t, "encoder", y);
        y = Shape.of(y.dim(0), y.dim(2)); // x[:, 0]
        return call(t, "heads", y);
    }

    /** {@code Encoder}: {@code pos_embedding}, {@code dropout}, {@code layers} of {@code encoder_layer_i}, {@code ln}. */
    static final class Encoder extends Module {
        private final long seqLength;
        private final long hiddenDim;

        Encoder(long seqLength, int numLayers, long numHeads, long hiddenDim, long mlpDim, double dropout,
                double attentionDropout) {
            this.seqLength = seqLength;
            this.hiddenDim = hiddenDim;
            parameter("pos_embedding", 1, seqLength, hiddenDim);
            add("dropout", dropout(dropout));
            Sequential layers = add("layers", new Sequential());
            for (int i = 0; i < numLayers; i++) {
                layers.add("encoder_layer_" + i,
                        new EncoderBlock(numHeads, hiddenDim, mlpDim, dropout, attentionDropout));
            }
            add("ln", layerNormForward(hiddenDim));
        }

        /** {@code input + pos_embedding}, then {@code ln(layers(dropout(input)))}. */
        @Override
        public Shape forward(Trace t, Shape input) {
            checkRank3(input);
            Shape x = Reshape.broadcast(input, Shape.of(1, seqLength, hiddenDim));
            return call(t, "ln", call(t, "layers", call(t, "dropout", x)));
        }
    }

    /** {@code torch._assert(input.dim() == 3, ...)} of Encoder and EncoderBlock. */
    static void checkRank3(Shape input) {
        if (input.rank() != 3) {
            throw new ShapeException("Expected (batch_size, seq_length, hidden_dim) got torch.Size("
                    + Arrays.toString(input.dims()) + ")");
        }
    }

    /** {@code EncoderBlock}: ln_1, self_attention, dropout, ln_2, and the MLP block. */
    static final class EncoderBlock extends Module {
        EncoderBlock(long numHeads, long hiddenDim, long mlpDim, double dropout, double attentionDropout) {
            add("ln_1", layerNormForward(hiddenDim));
            add("self_attention", multiheadAttention(hiddenDim, numHeads));
            add("dropout", dropout(dropout));
            add("ln_2", layerNormForward(hiddenDim));
            add("mlp", new MLPBlock(hiddenDim, mlpDim, dropout));
        }

        /** {@code x = dropout(self_attention(ln_1(input)))}, {@code x + input}, then {@code x + mlp(ln_2(x))}. */
        @Override
        public Shape forward(Trace t, Shape input) {
            checkRank3(input);
            Shape x = call(t, "ln_1", input);
            x = call(t, "self_attention", x); // self_attention(x, x, x, need_weights=False)[0]
            x = call(t, "dropout", x);
            x = Reshape.broadcast(x, input);
            Shape y = call(t, "ln_2", x);
            y = call(t, "mlp", y);
            return Reshape.broadcast(x, y);
        }
    }

    /** {@code MLPBlock} = {@code MLP(in, [mlp_dim, in], GELU, dropout)}: Linear, GELU, Dropout, Linear, Dropout. */
    static final class MLPBlock extends Sequential {
        MLPBlock(long inDim, long mlpDim, double dropout) {
            append(linear(inDim, mlpDim, true));
            append(gelu());
            append(dropout(dropout));
            append(linear(mlpDim, inDim, true));
            append(dropout(dropout));
        }
    }
}
