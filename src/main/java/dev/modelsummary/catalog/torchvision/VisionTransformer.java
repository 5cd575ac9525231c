package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.layerNorm;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.multiheadAttention;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.Weights.Member;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import java.util.List;

/** torchvision {@code models/vision_transformer.py} (0.14.1): the five ViT builders. */
public final class VisionTransformer extends Module {
    private static final long IMAGENET = Args.IMAGENET;

    /** The public builders: patch size, layers, heads, hidden and MLP width, and each one's weights enum. */
    public static List<Builder> builders() {
        return List.of(
                builder("vit_b_16", 16, 12, 12, 768, 3072, new Weights("ViT_B_16_Weights", List.of(
                        new Member("IMAGENET1K_V1", IMAGENET, 224),
                        new Member("IMAGENET1K_SWAG_E2E_V1", IMAGENET, 384),
                        new Member("IMAGENET1K_SWAG_LINEAR_V1", IMAGENET, 224)), "IMAGENET1K_V1")),
                builder("vit_b_32", 32, 12, 12, 768, 3072,
                        Weights.of("ViT_B_32_Weights", IMAGENET, 224, "IMAGENET1K_V1", "IMAGENET1K_V1")),
                builder("vit_l_16", 16, 24, 16, 1024, 4096, new Weights("ViT_L_16_Weights", List.of(
                        new Member("IMAGENET1K_V1", IMAGENET, 224),
                        new Member("IMAGENET1K_SWAG_E2E_V1", IMAGENET, 512),
                        new Member("IMAGENET1K_SWAG_LINEAR_V1", IMAGENET, 224)), "IMAGENET1K_V1")),
                builder("vit_l_32", 32, 24, 16, 1024, 4096,
                        Weights.of("ViT_L_32_Weights", IMAGENET, 224, "IMAGENET1K_V1", "IMAGENET1K_V1")),
                builder("vit_h_14", 14, 32, 16, 1280, 5120, new Weights("ViT_H_14_Weights", List.of(
                        new Member("IMAGENET1K_SWAG_E2E_V1", IMAGENET, 518),
                        new Member("IMAGENET1K_SWAG_LINEAR_V1", IMAGENET, 224)), "IMAGENET1K_SWAG_E2E_V1")));
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
        return new VisionTransformer(kwargs.integer("image_size"), patchSize, numLayers, hiddenDim, mlpDim,
                kwargs.integer("num_classes"), kwargs.optionalInteger("representation_size"));
    }

    /**
     * {@code VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim,
     * num_classes, representation_size)} without a conv stem. Heads and dropout rates leave no trace in
     * the parameters; they are not arguments here.
     */
    public VisionTransformer(long imageSize, long patchSize, int numLayers, long hiddenDim, long mlpDim,
                             long numClasses, Long representationSize) {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("Input shape indivisible by patch size!");
        }
        add("conv_proj", conv2d(3, hiddenDim, patchSize));
        long seqLength = Math.multiplyExact(imageSize / patchSize, imageSize / patchSize);
        parameter("class_token", 1, 1, hiddenDim);
        seqLength += 1;
        add("encoder", new Encoder(seqLength, numLayers, hiddenDim, mlpDim));
        Sequential heads = add("heads", new Sequential());
        if (representationSize == null) {
            heads.add("head", linear(hiddenDim, numClasses));
        } else {
            heads.add("pre_logits", linear(hiddenDim, representationSize));
            heads.add("act", stateless());
            heads.add("head", linear(representationSize, numClasses));
        }
    }

    /** {@code Encoder}: {@code pos_embedding}, then {@code layers} of {@code encoder_layer_i}, then {@code ln}. */
    static final class Encoder extends Module {
        Encoder(long seqLength, int numLayers, long hiddenDim, long mlpDim) {
            parameter("pos_embedding", 1, seqLength, hiddenDim);
            Sequential layers = add("layers", new Sequential());
            for (int i = 0; i < numLayers; i++) {
                layers.add("encoder_layer_" + i, new EncoderBlock(hiddenDim, mlpDim));
            }
            add("ln", layerNorm(hiddenDim));
        }
    }

    /** {@code EncoderBlock}: ln_1, self_attention, ln_2, and the MLP block. */
    static final class EncoderBlock extends Module {
        EncoderBlock(long hiddenDim, long mlpDim) {
            add("ln_1", layerNorm(hiddenDim));
            add("self_attention", multiheadAttention(hiddenDim));
            add("ln_2", layerNorm(hiddenDim));
            add("mlp", mlpBlock(hiddenDim, mlpDim));
        }
    }

    /** {@code MLPBlock} = {@code MLP(in, [mlp_dim, in], GELU)}: Linear, GELU, Dropout, Linear, Dropout. */
    static Sequential mlpBlock(long inDim, long mlpDim) {
        return Misc.mlp(inDim, new long[] {mlpDim, inDim}, null, true);
    }
}
