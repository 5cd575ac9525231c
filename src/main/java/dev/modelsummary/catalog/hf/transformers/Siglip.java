package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;

/**
 * transformers 4.57.6 {@code models/siglip/modeling_siglip.py}: {@code SiglipVisionModel} with
 * {@code SiglipVisionConfig}'s defaults, as Gemma 3's {@code vision_tower} ({@code AutoModel.from_config}). Its
 * tensors only: the forward on {@code pixel_values} is not written yet (Gemma 3 on {@code input_ids} alone never
 * calls the tower). {@code position_ids} is a non-persistent buffer; the attention-pooling head exists unless
 * the config says {@code vision_use_head: false}.
 */
final class Siglip {
    private Siglip() {
    }

    /** {@code SiglipVisionModel}: {@code vision_model}, a {@code SiglipVisionTransformer}. */
    static Module visionModel(HfConfig c) {
        long hidden = c.integer("hidden_size", 768);
        long intermediate = c.integer("intermediate_size", 3072);
        long layers = c.integer("num_hidden_layers", 12);
        long heads = c.integer("num_attention_heads", 12);
        long channels = c.integer("num_channels", 3);
        long imageSize = c.integer("image_size", 224);
        long patch = c.integer("patch_size", 16);
        if (heads == 0 || Math.floorDiv(hidden, heads) * heads != hidden) {
            throw new ConfigException("embed_dim must be divisible by num_heads (got `embed_dim`: " + hidden
                    + " and `num_heads`: " + heads + ").");
        }
        if (patch == 0) {
            throw new ConfigException("integer division or modulo by zero (patch_size is 0)");
        }
        Module transformer = new Module();
        Module embeddings = transformer.add("embeddings", new Module());
        embeddings.add("patch_embedding", Layers.conv2d(channels, hidden, patch, patch, 1, true));
        long side = Math.floorDiv(imageSize, patch);
        embeddings.add("position_embedding", Layers.embedding(Dims.mul(side, side), hidden));
        Module encoder = transformer.add("encoder", new Module());
        Sequential list = encoder.add("layers", new Sequential());
        for (long i = 0; i < layers; i++) {
            Module layer = new Module();
            layer.add("layer_norm1", Layers.layerNorm(hidden));
            Module attn = layer.add("self_attn", new Module());
            attn.add("k_proj", Layers.linear(hidden, hidden));
            attn.add("v_proj", Layers.linear(hidden, hidden));
            attn.add("q_proj", Layers.linear(hidden, hidden));
            attn.add("out_proj", Layers.linear(hidden, hidden));
            layer.add("layer_norm2", Layers.layerNorm(hidden));
            layer.add("mlp", mlp(hidden, intermediate));
            list.append(layer);
        }
        transformer.add("post_layernorm", Layers.layerNorm(hidden));
        // use_head = True if not hasattr(config, "vision_use_head") else config.vision_use_head
        if (c.node("vision_use_head") == null || c.bool("vision_use_head", true)) {
            Module head = transformer.add("head", new PoolingHead(hidden));
            head.add("attention", Layers.multiheadAttention(hidden));
            head.add("layernorm", Layers.layerNorm(hidden));
            head.add("mlp", mlp(hidden, intermediate));
        }
        Module model = new Module();
        model.add("vision_model", transformer);
        return model;
    }

    /** {@code SiglipMLP}: {@code fc1}, {@code fc2} (the activation has no tensors). */
    private static Module mlp(long hidden, long intermediate) {
        Module mlp = new Module();
        mlp.add("fc1", Layers.linear(hidden, intermediate));
        mlp.add("fc2", Layers.linear(intermediate, hidden));
        return mlp;
    }

    /** {@code SiglipMultiheadAttentionPoolingHead}: its {@code probe (1, 1, hidden)} first. */
    private static final class PoolingHead extends Module {
        PoolingHead(long hidden) {
            parameter("probe", 1, 1, hidden);
        }
    }
}
