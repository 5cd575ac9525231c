package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.layerNorm;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.multiheadAttention;
import static dev.modelsummary.catalog.nn.Layers.stateless;

import dev.modelsummary.catalog.ArchOptions;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;

/** torchvision {@code models/vision_transformer.py} (0.14.1): the five ViT builders. */
public final class VisionTransformer extends Module {

    /** The public builders of {@code vision_transformer.py}: patch size, layers, heads, hidden and MLP width. */
    public static void register(Catalog catalog) {
        catalog.register("vit_b_16", options -> vit(16, 12, 12, 768, 3072, options));
        catalog.register("vit_b_32", options -> vit(32, 12, 12, 768, 3072, options));
        catalog.register("vit_l_16", options -> vit(16, 24, 16, 1024, 4096, options));
        catalog.register("vit_l_32", options -> vit(32, 24, 16, 1024, 4096, options));
        catalog.register("vit_h_14", options -> vit(14, 32, 16, 1280, 5120, options));
    }

    /**
     * {@code VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim,
     * num_classes, representation_size=None)} without a conv stem. Heads and dropout rates leave no trace in
     * the parameters; they are not arguments here.
     */
    public VisionTransformer(long imageSize, long patchSize, int numLayers, long hiddenDim, long mlpDim,
                             long numClasses, Long representationSize) {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("Input shape indivisible by patch size!");
        }
        add("conv_proj", conv2d(3, hiddenDim, patchSize));
        long seqLength = (imageSize / patchSize) * (imageSize / patchSize);
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

    private static Module vit(long patchSize, int numLayers, int numHeads, long hiddenDim, long mlpDim,
                              ArchOptions options) {
        if (hiddenDim % numHeads != 0) {
            throw new IllegalArgumentException("hidden_dim must be divisible by num_heads");
        }
        return new VisionTransformer(options.imageSize(224), patchSize, numLayers, hiddenDim, mlpDim,
                options.numClasses(1000), null);
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
        return new Sequential(linear(inDim, mlpDim), stateless(), stateless(), linear(mlpDim, inDim), stateless());
    }
}
