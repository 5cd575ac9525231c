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
 * transformers 4.40 {@code models/albert/modeling_albert.py} with {@code AlbertConfig}'s defaults: embeddings of
 * {@code embedding_size} mapped up to {@code hidden_size} ({@code embedding_hidden_mapping_in}), and
 * {@code num_hidden_groups} groups of {@code inner_group_num} layers that the {@code num_hidden_layers} passes
 * share, so the layer count does not change the parameters. Non-persistent buffers ({@code position_ids},
 * {@code token_type_ids}) are not in {@code state_dict()}, so not here.
 */
public final class Albert implements HfFamily {
    static final String BASE = "AlbertModel";

    @Override
    public String modelType() {
        return "albert";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "AlbertForPreTraining", "AlbertForMaskedLM", "AlbertForSequenceClassification",
                "AlbertForTokenClassification", "AlbertForQuestionAnswering", "AlbertForMultipleChoice");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return albertModel(s, true);
            }
            case "AlbertForPreTraining" -> {
                Module albert = model.add("albert", albertModel(s, true));
                Module predictions = model.add("predictions", mlmHead(s));
                Module sop = model.add("sop_classifier", new Module());
                sop.add("dropout", new Module());
                sop.add("classifier", Layers.linear(s.hidden, config.numLabels()));
                tieDecoder(s, predictions, albert);
            }
            case "AlbertForMaskedLM" -> {
                Module albert = model.add("albert", albertModel(s, false));
                tieDecoder(s, model.add("predictions", mlmHead(s)), albert);
            }
            case "AlbertForSequenceClassification" -> {
                model.add("albert", albertModel(s, true));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, config.numLabels()));
            }
            case "AlbertForTokenClassification" -> {
                model.add("albert", albertModel(s, false));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, config.numLabels()));
            }
            case "AlbertForQuestionAnswering" -> {
                model.add("albert", albertModel(s, false));
                model.add("qa_outputs", Layers.linear(s.hidden, config.numLabels()));
            }
            case "AlbertForMultipleChoice" -> {
                model.add("albert", albertModel(s, true));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, 1));
            }
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /** The sizes {@code AlbertConfig} gives, with its defaults (those of albert-xxlarge). */
    static final class Sizes {
        final long vocab;
        final long embedding;
        final long hidden;
        final long hiddenGroups;
        final long heads;
        final long intermediate;
        final long innerGroups;
        final long maxPositions;
        final long typeVocab;
        final String positionEmbeddingType;
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 30000);
            embedding = c.integer("embedding_size", 128);
            hidden = c.integer("hidden_size", 4096);
            c.integer("num_hidden_layers", 12); // type-checked; the groups hold the parameters
            hiddenGroups = c.integer("num_hidden_groups", 1);
            heads = c.integer("num_attention_heads", 64);
            intermediate = c.integer("intermediate_size", 16384);
            innerGroups = c.integer("inner_group_num", 1);
            maxPositions = c.integer("max_position_embeddings", 512);
            typeVocab = c.integer("type_vocab_size", 2);
            positionEmbeddingType = c.string("position_embedding_type", "absolute");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            if (heads == 0) {
                // AlbertAttention computes hidden_size % num_attention_heads; its ValueError for a remainder
                // never fires, as an AlbertConfig always has embedding_size
                throw new ConfigException("integer division or modulo by zero");
            }
        }

        /** {@code attention_head_size = hidden_size // num_attention_heads} (Python's floor division). */
        long headSize() {
            return Math.floorDiv(hidden, heads);
        }
    }

    /** {@code AlbertModel(config, add_pooling_layer)}: embeddings, encoder, pooler (a bare Linear). */
    private static Module albertModel(Sizes s, boolean pooling) {
        Module model = new Module();
        model.add("embeddings", embeddings(s));
        model.add("encoder", transformer(s));
        if (pooling) {
            model.add("pooler", Layers.linear(s.hidden, s.hidden));
        }
        return model;
    }

    /** {@code AlbertEmbeddings}: word, position and token-type tables of {@code embedding_size}, LayerNorm. */
    private static Module embeddings(Sizes s) {
        Module embeddings = new Module();
        embeddings.add("word_embeddings", Layers.embedding(s.vocab, s.embedding));
        embeddings.add("position_embeddings", Layers.embedding(s.maxPositions, s.embedding));
        embeddings.add("token_type_embeddings", Layers.embedding(s.typeVocab, s.embedding));
        embeddings.add("LayerNorm", Layers.layerNorm(s.embedding));
        return embeddings;
    }

    /** {@code AlbertTransformer}: the mapping up to {@code hidden_size}, then the layer groups. */
    private static Module transformer(Sizes s) {
        Module transformer = new Module();
        transformer.add("embedding_hidden_mapping_in", Layers.linear(s.embedding, s.hidden));
        Sequential groups = transformer.add("albert_layer_groups", new Sequential());
        for (long g = 0; g < s.hiddenGroups; g++) {
            Module group = new Module(); // AlbertLayerGroup
            Sequential layers = group.add("albert_layers", new Sequential());
            for (long i = 0; i < s.innerGroups; i++) {
                layers.append(albertLayer(s));
            }
            groups.append(group);
        }
        return transformer;
    }

    /** {@code AlbertLayer}: full_layer_layer_norm, attention, ffn, ffn_output. */
    private static Module albertLayer(Sizes s) {
        Module layer = new Module();
        layer.add("full_layer_layer_norm", Layers.layerNorm(s.hidden));
        layer.add("attention", attention(s));
        layer.add("ffn", Layers.linear(s.hidden, s.intermediate));
        layer.add("ffn_output", Layers.linear(s.intermediate, s.hidden));
        return layer;
    }

    /** {@code AlbertAttention}: query, key, value, dense, LayerNorm, and a distance table for relative types. */
    private static Module attention(Sizes s) {
        Module attention = new Module();
        long allHeads = Dims.mul(s.heads, s.headSize());
        attention.add("query", Layers.linear(s.hidden, allHeads));
        attention.add("key", Layers.linear(s.hidden, allHeads));
        attention.add("value", Layers.linear(s.hidden, allHeads));
        attention.add("dense", Layers.linear(s.hidden, s.hidden));
        attention.add("LayerNorm", Layers.layerNorm(s.hidden));
        if (s.positionEmbeddingType.equals("relative_key") || s.positionEmbeddingType.equals("relative_key_query")) {
            attention.add("distance_embedding", Layers.embedding(Dims.span(s.maxPositions), s.headSize()));
        }
        return attention;
    }

    /**
     * {@code AlbertMLMHead}: its own {@code bias} first (a parameter of the head), then LayerNorm, dense and
     * decoder, whose bias is that bias ({@code self.decoder.bias = self.bias}).
     */
    private static Module mlmHead(Sizes s) {
        Module head = new Module() {
            {
                parameter("bias", s.vocab);
            }
        };
        head.add("LayerNorm", Layers.layerNorm(s.embedding));
        head.add("dense", Layers.linear(s.hidden, s.embedding));
        Module decoder = head.add("decoder", Layers.linear(s.embedding, s.vocab));
        decoder.tie("bias", head, "bias");
        return head;
    }

    /** {@code tie_weights()}: the output embeddings are the decoder. */
    private static void tieDecoder(Sizes s, Module predictions, Module albert) {
        Heads.tieWeights(s.tieWordEmbeddings, predictions.child("decoder"),
                albert.child("embeddings").child("word_embeddings"));
    }
}
