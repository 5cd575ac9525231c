package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.model.DType;
import java.util.List;
import java.util.Map;

/**
 * transformers 4.40 {@code models/t5/modeling_t5.py} with {@code T5Config}'s defaults (t5-small). The encoder's
 * and the decoder's {@code embed_tokens} are the {@code shared} embedding itself, so {@code state_dict()} lists
 * it under all three names; the LM head is tied to it when {@code tie_word_embeddings} (the default).
 */
public final class T5 implements HfFamily {
    static final String BASE = "T5Model";
    static final String CONDITIONAL_GENERATION = "T5ForConditionalGeneration";
    static final String ENCODER = "T5EncoderModel";
    static final String SEQUENCE_CLASSIFICATION = "T5ForSequenceClassification";
    static final String TOKEN_CLASSIFICATION = "T5ForTokenClassification";
    static final String QUESTION_ANSWERING = "T5ForQuestionAnswering";
    /** {@code T5PreTrainedModel._keep_in_fp32_modules}. */
    static final List<String> KEEP_IN_FP32_MODULES = List.of("wo");

    @Override
    public String modelType() {
        return "t5";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, CONDITIONAL_GENERATION, ENCODER, SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION,
                QUESTION_ANSWERING);
    }

    /**
     * {@code from_pretrained(torch_dtype=...)}: in float16, parameters under a module named in
     * {@code _keep_in_fp32_modules} ({@code wo}) stay float32, as the library keeps them; other dtypes cast
     * everything. (Every T5 module holding tensors of its own is a leaf, so the walk casts leaves.)
     */
    @Override
    public void toDType(Module model, DType dtype) {
        if (dtype != DType.FLOAT16) {
            model.toDType(dtype);
            return;
        }
        castLeaves(model, dtype);
    }

    private static void castLeaves(Module module, DType dtype) {
        Map<String, Module> children = module.namedChildren();
        if (children.isEmpty()) {
            module.toDType(dtype);
            return;
        }
        children.forEach((name, child) -> {
            if (child != null && !KEEP_IN_FP32_MODULES.contains(name)) {
                castLeaves(child, dtype);
            }
        });
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return t5Model(s);
            }
            case CONDITIONAL_GENERATION -> {
                Module shared = encoderDecoder(s, model);
                Module lmHead = model.add("lm_head", Layers.linear(s.dModel, s.vocab, false));
                Heads.tieWeights(s.tieWordEmbeddings, lmHead, shared);
            }
            case ENCODER -> {
                return encoderModel(s);
            }
            case SEQUENCE_CLASSIFICATION -> {
                model.add("transformer", t5Model(s));
                // T5ClassificationHead
                Module head = model.add("classification_head", new Module());
                head.add("dense", Layers.linear(s.dModel, s.dModel));
                head.add("dropout", dropout(s.classifierDropout));
                head.add("out_proj", Layers.linear(s.dModel, config.numLabels()));
            }
            case TOKEN_CLASSIFICATION -> {
                model.add("transformer", encoderModel(s));
                model.add("dropout", dropout(s.classifierDropout));
                model.add("classifier", Layers.linear(s.dModel, config.numLabels()));
            }
            case QUESTION_ANSWERING -> {
                encoderDecoder(s, model);
                model.add("qa_outputs", Layers.linear(s.dModel, config.numLabels()));
            }
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /**
     * The sizes {@code T5Config} gives, with its defaults. Its {@code attribute_map} aliases
     * ({@code hidden_size}, {@code num_attention_heads}, {@code num_hidden_layers}) are set after
     * {@code __init__} has derived {@code num_decoder_layers}, so {@code num_hidden_layers} alone changes the
     * encoder's depth only, as in the library.
     */
    static final class Sizes {
        final long vocab;
        final long dModel;
        final long dKv;
        final long dFf;
        final long layers;
        final long decoderLayers;
        final long heads;
        final long buckets;
        final boolean gated;
        final boolean tieWordEmbeddings;
        final double classifierDropout;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 32128);
            dKv = c.integer("d_kv", 64);
            dFf = c.integer("d_ff", 2048);
            long numLayers = c.integer("num_layers", 6);
            decoderLayers = c.integer("num_decoder_layers", numLayers);
            buckets = c.integer("relative_attention_num_buckets", 32);
            // attribute_map: the aliases are set last, over the attributes they name
            dModel = c.integer("hidden_size", c.integer("d_model", 512));
            heads = c.integer("num_attention_heads", c.integer("num_heads", 8));
            layers = c.integer("num_hidden_layers", numLayers);
            String feedForwardProj = c.string("feed_forward_proj", "relu");
            String[] actInfo = feedForwardProj.split("-", -1);
            gated = actInfo[0].equals("gated");
            if (actInfo.length > 1 && !gated || actInfo.length > 2) {
                throw new ConfigException("`feed_forward_proj`: " + feedForwardProj + " is not a valid activation "
                        + "function of the dense layer. Please make sure `feed_forward_proj` is of the format "
                        + "`gated-{ACT_FN}` or `{ACT_FN}`, e.g. 'gated-gelu' or 'relu'");
            }
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            classifierDropout = c.real("classifier_dropout", 0.0);
            dropout(c.real("dropout_rate", 0.1)); // every T5Stack's nn.Dropout(config.dropout_rate)
        }
    }

    /** {@code T5Model}: shared, encoder, decoder. */
    private static Module t5Model(Sizes s) {
        Module model = new Module();
        encoderDecoder(s, model);
        return model;
    }

    /** {@code T5EncoderModel}: shared, encoder. */
    private static Module encoderModel(Sizes s) {
        Module model = new Module();
        Module shared = model.add("shared", Layers.embedding(s.vocab, s.dModel));
        model.add("encoder", stack(s, shared, false, s.layers));
        return model;
    }

    /** Registers {@code shared}, {@code encoder} and {@code decoder} on {@code model}; returns shared. */
    private static Module encoderDecoder(Sizes s, Module model) {
        Module shared = model.add("shared", Layers.embedding(s.vocab, s.dModel));
        model.add("encoder", stack(s, shared, false, s.layers));
        model.add("decoder", stack(s, shared, true, s.decoderLayers));
        return shared;
    }

    /**
     * {@code T5Stack(config, embed_tokens)}: the embedding module passed in (registered again under this
     * name), the blocks (the relative attention bias in block 0 only), final_layer_norm.
     */
    private static Module stack(Sizes s, Module embedTokens, boolean decoder, long layers) {
        Module stack = new Module();
        stack.add("embed_tokens", embedTokens);
        Sequential block = stack.add("block", new Sequential());
        for (long i = 0; i < layers; i++) {
            block.append(block(s, decoder, i == 0));
        }
        stack.add("final_layer_norm", layerNorm(s.dModel));
        return stack;
    }

    /** {@code T5Block}: self-attention, cross-attention in the decoder, feed-forward. */
    private static Module block(Sizes s, boolean decoder, boolean relativeAttentionBias) {
        Module block = new Module();
        Sequential layer = block.add("layer", new Sequential());
        Module self = new Module();
        self.add("SelfAttention", attention(s, relativeAttentionBias));
        self.add("layer_norm", layerNorm(s.dModel));
        layer.append(self);
        if (decoder) {
            Module cross = new Module();
            cross.add("EncDecAttention", attention(s, false));
            cross.add("layer_norm", layerNorm(s.dModel));
            layer.append(cross);
        }
        Module ff = new Module();
        Module dense = ff.add("DenseReluDense", new Module());
        if (s.gated) {
            dense.add("wi_0", Layers.linear(s.dModel, s.dFf, false));
            dense.add("wi_1", Layers.linear(s.dModel, s.dFf, false));
        } else {
            dense.add("wi", Layers.linear(s.dModel, s.dFf, false));
        }
        dense.add("wo", Layers.linear(s.dFf, s.dModel, false));
        ff.add("layer_norm", layerNorm(s.dModel));
        layer.append(ff);
        return block;
    }

    /** {@code T5Attention}: bias-free q, k, v, o; the relative attention bias table when it has one. */
    private static Module attention(Sizes s, boolean relativeAttentionBias) {
        Module attention = new Module();
        long inner = Dims.mul(s.heads, s.dKv);
        attention.add("q", Layers.linear(s.dModel, inner, false));
        attention.add("k", Layers.linear(s.dModel, inner, false));
        attention.add("v", Layers.linear(s.dModel, inner, false));
        attention.add("o", Layers.linear(inner, s.dModel, false));
        if (relativeAttentionBias) {
            attention.add("relative_attention_bias", Layers.embedding(s.buckets, s.heads));
        }
        return attention;
    }

    /** {@code T5LayerNorm}: a scale only, no bias. */
    private static Module layerNorm(long hidden) {
        return new Module() {
            {
                parameter("weight", hidden);
            }
        };
    }

    private static Module dropout(double p) {
        return MobileNetV1.dropout(p);
    }
}
