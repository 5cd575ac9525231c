package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
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


    /** {@code pruned_heads} is applied (or, for T5, refused) while building. */
    @Override
    public void checkPrunedHeads(HfConfig config) {
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        long labels = config.numLabels();
        switch (architecture) {
            case BASE -> {
                return new AlbertModel(s, true);
            }
            case "AlbertForPreTraining" -> {
                Module model = new Bert.EncoderHead(architecture, "albert", Bert.Kind.PREDICTIONS_AND_SOP);
                Module albert = model.add("albert", new AlbertModel(s, true));
                Module predictions = model.add("predictions", new AlbertMLMHead(s));
                Module sop = model.add("sop_classifier", new AlbertSOPHead());
                sop.add("dropout", Layers.dropout(0.0));
                sop.add("classifier", Layers.linear(s.hidden, labels));
                tieDecoder(s, predictions, albert);
                return model;
            }
            case "AlbertForMaskedLM" -> {
                Module model = new Bert.EncoderHead(architecture, "albert", Bert.Kind.SEQUENCE_TO_HEAD, "predictions");
                Module albert = model.add("albert", new AlbertModel(s, false));
                tieDecoder(s, model.add("predictions", new AlbertMLMHead(s)), albert);
                return model;
            }
            case "AlbertForSequenceClassification" -> {
                Module model = new Bert.EncoderHead(architecture, "albert", Bert.Kind.POOLED_CLASSIFIER);
                model.add("albert", new AlbertModel(s, true));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, labels));
                return model;
            }
            case "AlbertForTokenClassification" -> {
                Module model = new Bert.EncoderHead(architecture, "albert", Bert.Kind.TOKEN_CLASSIFIER);
                model.add("albert", new AlbertModel(s, false));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, labels));
                return model;
            }
            case "AlbertForQuestionAnswering" -> {
                Module model = new Bert.EncoderHead(architecture, "albert", Bert.Kind.QUESTION_ANSWERING);
                model.add("albert", new AlbertModel(s, false));
                model.add("qa_outputs", Layers.linear(s.hidden, labels));
                return model;
            }
            case "AlbertForMultipleChoice" -> {
                Module model = new Bert.EncoderHead(architecture, "albert", Bert.Kind.MULTIPLE_CHOICE);
                model.add("albert", new AlbertModel(s, true));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, 1));
                return model;
            }
            default -> throw new IllegalStateException(architecture);
        }
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
        final long numHiddenLayers;
        final String hiddenAct;
        /** {@code pruned_heads}: applied by {@link AlbertModel} as {@code init_weights()} does. */
        final PrunedHeads prunedHeads;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 30000);
            embedding = c.integer("embedding_size", 128);
            hidden = c.integer("hidden_size", 4096);
            numHiddenLayers = c.integer("num_hidden_layers", 12); // the groups hold the parameters
            hiddenAct = c.string("hidden_act", "gelu_new");
            hiddenGroups = c.integer("num_hidden_groups", 1);
            heads = c.integer("num_attention_heads", 64);
            intermediate = c.integer("intermediate_size", 16384);
            innerGroups = c.integer("inner_group_num", 1);
            maxPositions = c.integer("max_position_embeddings", 512);
            typeVocab = c.integer("type_vocab_size", 2);
            positionEmbeddingType = c.string("position_embedding_type", "absolute");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            prunedHeads = PrunedHeads.of(c);
            torchscript = c.bool("torchscript", false);
            // AlbertEmbeddings' nn.Embedding(vocab_size, embedding_size, padding_idx=pad_token_id) comes first
            TorchChecks.paddingIdx(c.integer("pad_token_id", 0), vocab);
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

    /**
     * {@code AlbertModel(config, add_pooling_layer)}: embeddings, encoder, pooler (a bare Linear) and
     * pooler_activation (Tanh). Forward (4.40.2, no mask): BERT's input checks, embeddings, encoder, then
     * {@code pooler_activation(pooler(sequence_output[:, 0]))}; returns (last_hidden_state[, pooler_output]).
     */
    static final class AlbertModel extends Module {
        private final long maxPositions;

        AlbertModel(Sizes s, boolean pooling) {
            maxPositions = s.maxPositions;
            add("embeddings", new AlbertEmbeddings(s));
            add("encoder", new AlbertTransformer(s));
            if (pooling) {
                add("pooler", Layers.linear(s.hidden, s.hidden));
                add("pooler_activation", Layers.tanh());
            }
            // init_weights(): prune_heads(config.pruned_heads) -> AlbertModel._prune_heads: layer l is
            // albert_layer_groups[int(l / inner_group_num)].albert_layers[int(l - group_idx * inner_group_num)]
            Module groups = child("encoder").child("albert_layer_groups");
            for (var entry : s.prunedHeads.entries()) {
                long layer = entry.getKey();
                if (s.innerGroups == 0) {
                    throw new ConfigException("division by zero (inner_group_num is 0, pruned_heads)");
                }
                long groupIdx = (long) ((double) layer / s.innerGroups);
                long innerIdx = layer - groupIdx * s.innerGroups;
                Module group = groups.child(String.valueOf(
                        PrunedHeads.moduleListIndex(groupIdx, groups.childrenWithEmptyPlaces().size())));
                Module layers = group.child("albert_layers");
                Module albertLayer = layers.child(String.valueOf(
                        PrunedHeads.moduleListIndex(innerIdx, layers.childrenWithEmptyPlaces().size())));
                ((AlbertAttention) albertLayer.child("attention")).prune(s, entry.getValue());
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            Bert.checkInputIds(inputIds, maxPositions);
            Shape embeddingOutput = call(t, "embeddings", inputIds);
            Shape sequenceOutput = call(t, "encoder", embeddingOutput);
            if (childrenWithEmptyPlaces().get("pooler") == null) {
                return List.of(sequenceOutput);
            }
            Shape first = Shape.of(sequenceOutput.dim(0), sequenceOutput.dim(2));
            Shape pooledOutput = call(t, "pooler_activation", call(t, "pooler", first));
            return List.of(sequenceOutput, pooledOutput);
        }
    }

    /**
     * {@code AlbertEmbeddings}: word, position and token-type tables of {@code embedding_size}, LayerNorm, dropout;
     * forward as BERT's (position ids the buffer's (1, seq), token types (batch, seq)).
     */
    static final class AlbertEmbeddings extends Module {
        private final String positionEmbeddingType;

        AlbertEmbeddings(Sizes s) {
            positionEmbeddingType = s.positionEmbeddingType;
            add("word_embeddings", Layers.embeddingForward(s.vocab, s.embedding));
            add("position_embeddings", Layers.embeddingForward(s.maxPositions, s.embedding));
            add("token_type_embeddings", Layers.embeddingForward(s.typeVocab, s.embedding));
            add("LayerNorm", Layers.layerNormForward(s.embedding));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            Shape inputsEmbeds = call(t, "word_embeddings", inputIds);
            Shape tokenTypeEmbeddings = call(t, "token_type_embeddings", Shape.of(inputIds.dim(0), inputIds.dim(1)));
            Shape embeddings = Reshape.broadcast(inputsEmbeds, tokenTypeEmbeddings);
            if (positionEmbeddingType.equals("absolute")) {
                embeddings = Reshape.broadcast(embeddings, call(t, "position_embeddings", Shape.of(1, inputIds.dim(1))));
            }
            return call(t, "dropout", call(t, "LayerNorm", embeddings));
        }
    }

    /**
     * {@code AlbertTransformer}: the mapping up to {@code hidden_size}, then the layer groups. Forward: the
     * mapping, then for each of the {@code num_hidden_layers} passes the group
     * {@code int(i / (num_hidden_layers / num_hidden_groups))} (Python's float division), each given its slice
     * {@code head_mask[g * lpg:(g + 1) * lpg]} of the {@code [None] * num_hidden_layers} head mask, with
     * {@code lpg = int(num_hidden_layers / num_hidden_groups)}. A shared group is called once per pass.
     */
    static final class AlbertTransformer extends Module {
        private final long layers;
        private final long groups;

        AlbertTransformer(Sizes s) {
            layers = s.numHiddenLayers;
            groups = s.hiddenGroups;
            add("embedding_hidden_mapping_in", Layers.linear(s.embedding, s.hidden));
            Sequential albertLayerGroups = add("albert_layer_groups", new Sequential());
            for (long g = 0; g < s.hiddenGroups; g++) {
                albertLayerGroups.append(new AlbertLayerGroup(s));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            hiddenStates = call(t, "embedding_hidden_mapping_in", hiddenStates);
            for (long i = 0; i < layers; i++) {
                if (groups == 0) {
                    throw new ShapeException("division by zero");
                }
                long layersPerGroup = (long) ((double) layers / groups);
                long groupIdx = (long) (i / ((double) layers / groups));
                long from = Math.min(groupIdx * layersPerGroup, layers);
                long headMasks = Math.max(0, Math.min((groupIdx + 1) * layersPerGroup, layers) - from);
                Module group = child("albert_layer_groups").childrenWithEmptyPlaces().get(String.valueOf(groupIdx));
                if (group == null) {
                    throw new ShapeException("index " + groupIdx + " is out of range");
                }
                ((AlbertLayerGroup) group).headMasks = headMasks;
                hiddenStates = call(t, "albert_layer_groups", String.valueOf(groupIdx), hiddenStates);
            }
            return hiddenStates;
        }
    }

    /**
     * {@code AlbertLayerGroup}: its {@code inner_group_num} layers in turn, layer {@code k} given
     * {@code head_mask[k]} of the group's slice (an IndexError past its end).
     */
    static final class AlbertLayerGroup extends Module {
        private long headMasks;

        AlbertLayerGroup(Sizes s) {
            Sequential albertLayers = add("albert_layers", new Sequential());
            for (long i = 0; i < s.innerGroups; i++) {
                albertLayers.append(new AlbertLayer(s));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            long layerIndex = 0;
            for (String i : child("albert_layers").childrenWithEmptyPlaces().keySet()) {
                if (layerIndex++ >= headMasks) {
                    throw new ShapeException("list index out of range");
                }
                hiddenStates = call(t, "albert_layers", i, hiddenStates);
            }
            return hiddenStates;
        }
    }

    /**
     * {@code AlbertLayer}: full_layer_layer_norm, attention, ffn, ffn_output, activation, dropout (never called).
     * Forward: attention, then ffn, activation, ffn_output, and full_layer_layer_norm of the residual sum.
     */
    static final class AlbertLayer extends Module {
        AlbertLayer(Sizes s) {
            add("full_layer_layer_norm", Layers.layerNormForward(s.hidden));
            add("attention", new AlbertAttention(s));
            add("ffn", Layers.linear(s.hidden, s.intermediate));
            add("ffn_output", Layers.linear(s.intermediate, s.hidden));
            add("activation", Bert.act(s.hiddenAct));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape attentionOutput = call(t, "attention", hiddenStates);
            Shape ffnOutput = call(t, "ffn", attentionOutput);
            ffnOutput = call(t, "activation", ffnOutput);
            ffnOutput = call(t, "ffn_output", ffnOutput);
            return call(t, "full_layer_layer_norm", Reshape.broadcast(ffnOutput, attentionOutput));
        }
    }

    /**
     * {@code AlbertAttention} (eager): query, key, value, attention_dropout, output_dropout, dense, LayerNorm, and
     * a distance table for relative types. Forward: q, k, v, {@code QK^T}, softmax, attention_dropout,
     * {@code AV}, dense, output_dropout, LayerNorm of the residual sum.
     */
    static final class AlbertAttention extends Module {
        private long heads;
        private PrunedHeads.Attention pruning;
        private final long headSize;
        private final String positionEmbeddingType;

        AlbertAttention(Sizes s) {
            heads = s.heads;
            headSize = s.headSize();
            positionEmbeddingType = s.positionEmbeddingType;
            long allHeads = Dims.mul(s.heads, s.headSize());
            add("query", Layers.linear(s.hidden, allHeads));
            add("key", Layers.linear(s.hidden, allHeads));
            add("value", Layers.linear(s.hidden, allHeads));
            add("attention_dropout", Layers.dropout(0.0));
            add("output_dropout", Layers.dropout(0.0));
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            if (s.positionEmbeddingType.equals("relative_key")
                    || s.positionEmbeddingType.equals("relative_key_query")) {
                add("distance_embedding", Layers.embeddingForward(Dims.span(s.maxPositions), s.headSize()));
            }
        }

        /** {@code x.view(b, s, num_attention_heads, attention_head_size).permute(0, 2, 1, 3)}. */
        private Shape transposeForScores(Shape x) {
            TorchChecks.view(x, x.dim(0), x.dim(1), heads, headSize);
            return Shape.of(x.dim(0), heads, x.dim(1), headSize);
        }

        /**
         * {@code AlbertAttention.prune_heads(heads)}: query/key/value keep the rows of the heads left, dense the
         * matching input columns (new Linear layers in the old places), and fewer heads are counted.
         */
        void prune(Sizes s, List<Long> list) {
            if (pruning == null) {
                pruning = new PrunedHeads.Attention(heads, headSize);
            }
            if (!pruning.prune(list, true)) {
                return;
            }
            heads = pruning.heads;
            for (String name : List.of("query", "key", "value")) {
                replace(name, Layers.linear(s.hidden, pruning.kept));
            }
            replace("dense", Layers.linear(pruning.kept, s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape queryLayer = transposeForScores(call(t, "query", hiddenStates));
            Shape keyLayer = transposeForScores(call(t, "key", hiddenStates));
            Shape valueLayer = transposeForScores(call(t, "value", hiddenStates));
            Shape keyT = Shape.of(keyLayer.dim(0), heads, headSize, keyLayer.dim(2));
            Shape attentionScores = MatMul.matmul(queryLayer, keyT);
            t.flops(MatMul.matmulFlops(queryLayer, keyT));
            Bert.relativePositionScores(this, t, positionEmbeddingType, queryLayer, keyLayer);
            Shape attentionProbs = call(t, "attention_dropout", attentionScores);
            Shape contextLayer = MatMul.matmul(attentionProbs, valueLayer);
            t.flops(MatMul.matmulFlops(attentionProbs, valueLayer));
            // context_layer.transpose(2, 1).flatten(2)
            Shape flat = Shape.of(contextLayer.dim(0), contextLayer.dim(2), Dims.mul(heads, headSize));
            Shape projected = call(t, "dense", flat);
            projected = call(t, "output_dropout", projected);
            return call(t, "LayerNorm", Reshape.broadcast(hiddenStates, projected));
        }
    }

    /**
     * {@code AlbertMLMHead}: its own {@code bias} first (a parameter of the head), then LayerNorm, dense and
     * decoder, whose bias is that bias ({@code self.decoder.bias = self.bias}), and the activation. Forward:
     * dense, activation, LayerNorm, decoder.
     */
    static final class AlbertMLMHead extends Module {
        AlbertMLMHead(Sizes s) {
            parameter("bias", s.vocab);
            add("LayerNorm", Layers.layerNormForward(s.embedding));
            add("dense", Layers.linear(s.hidden, s.embedding));
            Module decoder = add("decoder", Layers.linear(s.embedding, s.vocab));
            decoder.tie("bias", this, "bias");
            add("activation", Bert.act(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            hiddenStates = call(t, "dense", hiddenStates);
            hiddenStates = call(t, "activation", hiddenStates);
            hiddenStates = call(t, "LayerNorm", hiddenStates);
            return call(t, "decoder", hiddenStates);
        }
    }

    /** {@code AlbertSOPHead(pooled_output)}: dropout, classifier. */
    static final class AlbertSOPHead extends Module {
        @Override
        public Shape forward(Trace t, Shape pooledOutput) {
            return call(t, "classifier", call(t, "dropout", pooledOutput));
        }
    }

    /** {@code tie_weights()}: the output embeddings are the decoder. */
    private static void tieDecoder(Sizes s, Module predictions, Module albert) {
        Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, predictions.child("decoder"),
                albert.child("embeddings").child("word_embeddings"));
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of(); // None
    }
}
