package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

/**
 * transformers 4.40 {@code models/bert/modeling_bert.py} with {@code BertConfig}'s defaults. Non-persistent
 * buffers ({@code position_ids}, {@code token_type_ids}) are not in {@code state_dict()}, so not here.
 */
public final class Bert implements HfFamily {
    static final String BASE = "BertModel";

    @Override
    public String modelType() {
        return "bert";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "BertForPreTraining", "BertLMHeadModel", "BertForMaskedLM",
                "BertForNextSentencePrediction", "BertForSequenceClassification", "BertForMultipleChoice",
                "BertForTokenClassification", "BertForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return bertModel(s, true);
            }
            case "BertForPreTraining" -> {
                Module bert = model.add("bert", bertModel(s, true));
                Module cls = model.add("cls", new Module());
                Module predictions = cls.add("predictions", lmPredictionHead(s));
                cls.add("seq_relationship", Layers.linear(s.hidden, 2));
                tieDecoder(s, predictions, bert);
            }
            case "BertLMHeadModel", "BertForMaskedLM" -> {
                Module bert = model.add("bert", bertModel(s, false));
                Module cls = model.add("cls", new Module());
                tieDecoder(s, cls.add("predictions", lmPredictionHead(s)), bert);
            }
            case "BertForNextSentencePrediction" -> {
                model.add("bert", bertModel(s, true));
                model.add("cls", new Module()).add("seq_relationship", Layers.linear(s.hidden, 2));
            }
            case "BertForSequenceClassification" -> {
                model.add("bert", bertModel(s, true));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, config.numLabels()));
            }
            case "BertForMultipleChoice" -> {
                model.add("bert", bertModel(s, true));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, 1));
            }
            case "BertForTokenClassification" -> {
                model.add("bert", bertModel(s, false));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, config.numLabels()));
            }
            case "BertForQuestionAnswering" -> {
                model.add("bert", bertModel(s, false));
                model.add("qa_outputs", Layers.linear(s.hidden, config.numLabels()));
            }
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /** The sizes {@code BertConfig} gives, with its defaults. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long intermediate;
        final long maxPositions;
        final long typeVocab;
        final String positionEmbeddingType;
        final boolean crossAttention;
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 30522);
            hidden = c.integer("hidden_size", 768);
            layers = c.integer("num_hidden_layers", 12);
            heads = c.integer("num_attention_heads", 12);
            intermediate = c.integer("intermediate_size", 3072);
            maxPositions = c.integer("max_position_embeddings", 512);
            typeVocab = c.integer("type_vocab_size", 2);
            positionEmbeddingType = c.string("position_embedding_type", "absolute");
            crossAttention = c.bool("add_cross_attention", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            if (heads <= 0 || hidden % heads != 0) {
                // BertSelfAttention's ValueError (BertConfig has no embedding_size)
                throw new ConfigException("The hidden size (" + hidden + ") is not a multiple of the number of "
                        + "attention heads (" + heads + ")");
            }
        }

        long headSize() {
            return hidden / heads;
        }
    }

    /** {@code BertModel(config, add_pooling_layer)}: embeddings, encoder, pooler. */
    static Module bertModel(Sizes s, boolean pooling) {
        Module model = new Module();
        model.add("embeddings", embeddings(s));
        Module encoder = model.add("encoder", new Module());
        Sequential layer = encoder.add("layer", new Sequential());
        for (long i = 0; i < s.layers; i++) {
            layer.append(bertLayer(s));
        }
        if (pooling) {
            model.add("pooler", new Module()).add("dense", Layers.linear(s.hidden, s.hidden));
        }
        return model;
    }

    /** {@code BertEmbeddings}: word, position and token-type tables, then LayerNorm. */
    private static Module embeddings(Sizes s) {
        Module embeddings = new Module();
        embeddings.add("word_embeddings", Layers.embedding(s.vocab, s.hidden));
        embeddings.add("position_embeddings", Layers.embedding(s.maxPositions, s.hidden));
        embeddings.add("token_type_embeddings", Layers.embedding(s.typeVocab, s.hidden));
        embeddings.add("LayerNorm", Layers.layerNorm(s.hidden));
        return embeddings;
    }

    /** {@code BertLayer}: attention, cross-attention when configured, intermediate, output. */
    private static Module bertLayer(Sizes s) {
        Module layer = new Module();
        layer.add("attention", attention(s, s.positionEmbeddingType));
        if (s.crossAttention) {
            layer.add("crossattention", attention(s, "absolute"));
        }
        layer.add("intermediate", new Module()).add("dense", Layers.linear(s.hidden, s.intermediate));
        Module output = layer.add("output", new Module());
        output.add("dense", Layers.linear(s.intermediate, s.hidden));
        output.add("LayerNorm", Layers.layerNorm(s.hidden));
        return layer;
    }

    /** {@code BertAttention}: {@code BertSelfAttention} and {@code BertSelfOutput}. */
    private static Module attention(Sizes s, String positionEmbeddingType) {
        Module attention = new Module();
        Module self = attention.add("self", new Module());
        long allHeads = Dims.mul(s.heads, s.headSize());
        self.add("query", Layers.linear(s.hidden, allHeads));
        self.add("key", Layers.linear(s.hidden, allHeads));
        self.add("value", Layers.linear(s.hidden, allHeads));
        if (positionEmbeddingType.equals("relative_key") || positionEmbeddingType.equals("relative_key_query")) {
            self.add("distance_embedding", Layers.embedding(Dims.span(s.maxPositions), s.headSize()));
        }
        Module output = attention.add("output", new Module());
        output.add("dense", Layers.linear(s.hidden, s.hidden));
        output.add("LayerNorm", Layers.layerNorm(s.hidden));
        return attention;
    }

    /**
     * {@code BertLMPredictionHead}: its own {@code bias} first, then transform and decoder; the decoder's bias
     * is that bias ({@code self.decoder.bias = self.bias}).
     */
    private static Module lmPredictionHead(Sizes s) {
        Module head = new Module() {
            {
                parameter("bias", s.vocab);
            }
        };
        Module transform = head.add("transform", new Module());
        transform.add("dense", Layers.linear(s.hidden, s.hidden));
        transform.add("LayerNorm", Layers.layerNorm(s.hidden));
        Module decoder = head.add("decoder", Layers.linear(s.hidden, s.vocab, false));
        decoder.tie("bias", head, "bias");
        return head;
    }

    /** {@code tie_weights()}: the output embeddings are the decoder. */
    private static void tieDecoder(Sizes s, Module predictions, Module bert) {
        Heads.tieWeights(s.tieWordEmbeddings, predictions.child("decoder"),
                bert.child("embeddings").child("word_embeddings"));
    }
}
