package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

/**
 * transformers 4.40 {@code models/xlnet/modeling_xlnet.py} with {@code XLNetConfig}'s defaults (those of
 * xlnet-large): relative attention whose projections are raw {@code (d_model, n_head, d_head)} parameters,
 * the {@code mask_emb} of the model, and the {@code SequenceSummary}, {@code PoolerStartLogits},
 * {@code PoolerEndLogits} and {@code PoolerAnswerClass} heads of {@code modeling_utils}. XLNet registers no
 * buffers.
 */
public final class XLNet implements HfFamily {
    static final String BASE = "XLNetModel";

    @Override
    public String modelType() {
        return "xlnet";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "XLNetLMHeadModel", "XLNetForSequenceClassification", "XLNetForTokenClassification",
                "XLNetForMultipleChoice", "XLNetForQuestionAnsweringSimple", "XLNetForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return xlnetModel(s);
            }
            case "XLNetLMHeadModel" -> {
                Module transformer = model.add("transformer", xlnetModel(s));
                Module lmLoss = model.add("lm_loss", Layers.linear(s.dModel, s.vocab));
                // tie_weights(): get_output_embeddings() is lm_loss
                Heads.tieWeights(s.tieWordEmbeddings, lmLoss, transformer.child("word_embedding"));
            }
            case "XLNetForSequenceClassification" -> {
                model.add("transformer", xlnetModel(s));
                model.add("sequence_summary", sequenceSummary(s, config));
                model.add("logits_proj", Layers.linear(s.dModel, config.numLabels()));
            }
            case "XLNetForTokenClassification" -> {
                model.add("transformer", xlnetModel(s));
                model.add("classifier", Layers.linear(s.dModel, config.numLabels()));
            }
            case "XLNetForMultipleChoice" -> {
                model.add("transformer", xlnetModel(s));
                model.add("sequence_summary", sequenceSummary(s, config));
                model.add("logits_proj", Layers.linear(s.dModel, 1));
            }
            case "XLNetForQuestionAnsweringSimple" -> {
                model.add("transformer", xlnetModel(s));
                model.add("qa_outputs", Layers.linear(s.dModel, config.numLabels()));
            }
            case "XLNetForQuestionAnswering" -> {
                model.add("transformer", xlnetModel(s));
                // PoolerStartLogits
                model.add("start_logits", new Module()).add("dense", Layers.linear(s.dModel, 1));
                // PoolerEndLogits
                Module end = model.add("end_logits", new Module());
                end.add("dense_0", Layers.linear(Dims.mul(2, s.dModel), s.dModel));
                end.add("activation", new Module());
                end.add("LayerNorm", Layers.layerNorm(s.dModel));
                end.add("dense_1", Layers.linear(s.dModel, 1));
                // PoolerAnswerClass
                Module answer = model.add("answer_class", new Module());
                answer.add("dense_0", Layers.linear(Dims.mul(2, s.dModel), s.dModel));
                answer.add("activation", new Module());
                answer.add("dense_1", Layers.linear(s.dModel, 1, false));
            }
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /**
     * The sizes {@code XLNetConfig} gives, with its defaults and checks. {@code d_head} is always
     * {@code d_model // n_head}; a {@code d_head} in the config must equal it. The {@code attribute_map} names
     * ({@code hidden_size}, {@code num_attention_heads}, {@code num_hidden_layers}, {@code n_token}) are set by
     * {@code PretrainedConfig.__init__}, which XLNetConfig calls last: they win, after the checks.
     */
    static final class Sizes {
        final long vocab;
        final long dModel;
        final long layers;
        final long heads;
        final long dHead;
        final long dInner;
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            long dModel = c.integer("d_model", 1024);
            long heads = c.integer("n_head", 16);
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (Math.floorMod(dModel, heads) != 0) {
                throw new ConfigException("'d_model % n_head' (" + Math.floorMod(dModel, heads)
                        + ") should be equal to 0");
            }
            long dHead = Math.floorDiv(dModel, heads);
            JsonNode given = c.node("d_head");
            if (given != null) {
                Long value = given.isNull() ? null : c.optionalInteger("d_head");
                if (value == null || value != dHead) {
                    throw new ConfigException("`d_head` (" + (value == null ? "None" : value)
                            + ") should be equal to `d_model // n_head` (" + dHead + ")");
                }
            }
            this.dHead = dHead;
            this.vocab = c.integer("n_token", c.integer("vocab_size", 32000));
            this.dModel = c.integer("hidden_size", dModel);
            this.heads = c.integer("num_attention_heads", heads);
            this.layers = c.integer("num_hidden_layers", c.integer("n_layer", 24));
            this.dInner = c.integer("d_inner", 4096);
            this.tieWordEmbeddings = c.bool("tie_word_embeddings", true);
        }
    }

    /** {@code XLNetModel}: mask_emb (its own parameter, so first), word_embedding, layer. */
    private static Module xlnetModel(Sizes s) {
        Module model = new Module() {
            {
                parameter("mask_emb", 1, 1, s.dModel);
            }
        };
        model.add("word_embedding", Layers.embedding(s.vocab, s.dModel));
        Sequential layer = model.add("layer", new Sequential());
        for (long i = 0; i < s.layers; i++) {
            layer.append(xlnetLayer(s));
        }
        return model;
    }

    /** {@code XLNetLayer}: rel_attn, ff. */
    private static Module xlnetLayer(Sizes s) {
        Module layer = new Module();
        layer.add("rel_attn", relativeAttention(s));
        Module ff = layer.add("ff", new Module()); // XLNetFeedForward
        ff.add("layer_norm", Layers.layerNorm(s.dModel));
        ff.add("layer_1", Layers.linear(s.dModel, s.dInner));
        ff.add("layer_2", Layers.linear(s.dInner, s.dModel));
        return layer;
    }

    /**
     * {@code XLNetRelativeAttention}: q, k, v, o, r {@code (d_model, n_head, d_head)}, the biases
     * r_r_bias, r_s_bias, r_w_bias {@code (n_head, d_head)}, seg_embed {@code (2, n_head, d_head)}, layer_norm.
     */
    private static Module relativeAttention(Sizes s) {
        if (s.heads == 0) {
            throw new ConfigException("integer division or modulo by zero");
        }
        if (Math.floorMod(s.dModel, s.heads) != 0) {
            // its own ValueError, reached when hidden_size or num_attention_heads was set after the config's check
            throw new ConfigException("The hidden size (" + s.dModel + ") is not a multiple of the number of "
                    + "attention heads (" + s.heads);
        }
        Module attention = new Module() {
            {
                for (String name : List.of("q", "k", "v", "o", "r")) {
                    parameter(name, s.dModel, s.heads, s.dHead);
                }
                for (String name : List.of("r_r_bias", "r_s_bias", "r_w_bias")) {
                    parameter(name, s.heads, s.dHead);
                }
                parameter("seg_embed", 2, s.heads, s.dHead);
            }
        };
        attention.add("layer_norm", Layers.layerNorm(s.dModel));
        return attention;
    }

    /**
     * {@code SequenceSummary(config)}: a Linear {@code summary} when {@code summary_use_proj} (to
     * {@code num_labels} when {@code summary_proj_to_labels} and there are labels, else to hidden_size);
     * activation and dropouts hold nothing.
     */
    private static Module sequenceSummary(Sizes s, HfConfig config) {
        if (config.string("summary_type", "last").equals("attn")) {
            throw new ConfigException("summary_type 'attn' is not implemented (SequenceSummary raises "
                    + "NotImplementedError)");
        }
        Module summary = new Module();
        if (config.bool("summary_use_proj", true)) {
            long classes = config.bool("summary_proj_to_labels", false) && config.numLabels() > 0
                    ? config.numLabels() : s.dModel;
            summary.add("summary", Layers.linear(s.dModel, classes));
        } else {
            summary.add("summary", new Module()); // Identity
        }
        return summary;
    }
}
