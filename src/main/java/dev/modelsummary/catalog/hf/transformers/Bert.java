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
        final String hiddenAct;

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
            hiddenAct = c.string("hidden_act", "gelu");
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
        return new BertModel(s, pooling);
    }

    /**
     * {@code BertModel.forward(input_ids)} (no mask, no past): embeddings, encoder, pooler; returns
     * {@code (last_hidden_state, pooler_output)}.
     */
    static final class BertModel extends Module {
        BertModel(Sizes s, boolean pooling) {
            add("embeddings", new BertEmbeddings(s));
            add("encoder", new BertEncoder(s));
            if (pooling) {
                add("pooler", new BertPooler(s));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape embeddingOutput = call(t, "embeddings", inputIds);
            Shape sequenceOutput = call(t, "encoder", embeddingOutput);
            if (namedChildren().get("pooler") == null) {
                return List.of(sequenceOutput);
            }
            Shape pooledOutput = call(t, "pooler", sequenceOutput);
            return List.of(sequenceOutput, pooledOutput);
        }
    }

    /** {@code BertEmbeddings}: word, position and token-type tables, then LayerNorm and dropout. */
    static final class BertEmbeddings extends Module {
        private final String positionEmbeddingType;

        BertEmbeddings(Sizes s) {
            positionEmbeddingType = s.positionEmbeddingType;
            add("word_embeddings", Layers.embeddingForward(s.vocab, s.hidden));
            add("position_embeddings", Layers.embeddingForward(s.maxPositions, s.hidden));
            add("token_type_embeddings", Layers.embeddingForward(s.typeVocab, s.hidden));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            long batch = inputIds.dim(0);
            long seqLength = inputIds.dim(1);
            // position_ids = self.position_ids[:, 0:seq_length]; token_type_ids = buffered.expand(batch, seq)
            Shape positionIds = Shape.of(1, seqLength);
            Shape tokenTypeIds = Shape.of(batch, seqLength);
            Shape inputsEmbeds = call(t, "word_embeddings", inputIds);
            Shape tokenTypeEmbeddings = call(t, "token_type_embeddings", tokenTypeIds);
            Shape embeddings = Reshape.broadcast(inputsEmbeds, tokenTypeEmbeddings);
            if (positionEmbeddingType.equals("absolute")) {
                Shape positionEmbeddings = call(t, "position_embeddings", positionIds);
                embeddings = Reshape.broadcast(embeddings, positionEmbeddings);
            }
            embeddings = call(t, "LayerNorm", embeddings);
            return call(t, "dropout", embeddings);
        }
    }

    /** {@code BertEncoder}: the layers in turn (an iterated {@code nn.ModuleList}). */
    static final class BertEncoder extends Module {
        BertEncoder(Sizes s) {
            Sequential layer = add("layer", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layer.append(new BertLayer(s));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            for (String i : child("layer").namedChildren().keySet()) {
                hiddenStates = call(t, "layer", i, hiddenStates);
            }
            return hiddenStates;
        }
    }

    /** {@code BertLayer}: attention, cross-attention when configured, intermediate, output. */
    static final class BertLayer extends Module {
        BertLayer(Sizes s) {
            add("attention", new BertAttention(s, s.positionEmbeddingType));
            if (s.crossAttention) {
                add("crossattention", new BertAttention(s, "absolute"));
            }
            add("intermediate", new BertIntermediate(s));
            add("output", new BertOutput(s));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape attentionOutput = call(t, "attention", hiddenStates);
            // not a decoder: crossattention is never called; apply_chunking_to_forward(feed_forward_chunk)
            Shape intermediateOutput = call(t, "intermediate", attentionOutput);
            return call(t, "output", List.of(intermediateOutput, attentionOutput));
        }
    }

    /** {@code BertAttention}: {@code BertSelfAttention} and {@code BertSelfOutput}. */
    static final class BertAttention extends Module {
        BertAttention(Sizes s, String positionEmbeddingType) {
            add("self", new BertSelfAttention(s, positionEmbeddingType));
            add("output", new BertSelfOutput(s));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape selfOutputs = call(t, "self", hiddenStates);
            return call(t, "output", List.of(selfOutputs, hiddenStates));
        }
    }

    /** {@code BertSelfAttention} (eager): q, k, v projections, {@code QK^T}, softmax, dropout, {@code AV}. */
    static final class BertSelfAttention extends Module {
        private final long heads;
        private final long headSize;
        private final String positionEmbeddingType;

        BertSelfAttention(Sizes s, String positionEmbeddingType) {
            heads = s.heads;
            headSize = s.headSize();
            this.positionEmbeddingType = positionEmbeddingType;
            long allHeads = Dims.mul(s.heads, s.headSize());
            add("query", Layers.linear(s.hidden, allHeads));
            add("key", Layers.linear(s.hidden, allHeads));
            add("value", Layers.linear(s.hidden, allHeads));
            add("dropout", Layers.dropout(0.0));
            if (positionEmbeddingType.equals("relative_key") || positionEmbeddingType.equals("relative_key_query")) {
                add("distance_embedding", Layers.embeddingForward(Dims.span(s.maxPositions), s.headSize()));
            }
        }

        private Shape transposeForScores(Shape x) {
            return Shape.of(x.dim(0), heads, x.dim(1), headSize);
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            if (!positionEmbeddingType.equals("absolute")) {
                throw new UnsupportedOperationException("BertSelfAttention with position_embedding_type "
                        + positionEmbeddingType + " has no forward pass yet");
            }
            Shape mixedQueryLayer = call(t, "query", hiddenStates);
            Shape keyLayer = transposeForScores(call(t, "key", hiddenStates));
            Shape valueLayer = transposeForScores(call(t, "value", hiddenStates));
            Shape queryLayer = transposeForScores(mixedQueryLayer);
            Shape keyT = Shape.of(keyLayer.dim(0), heads, headSize, keyLayer.dim(2));
            Shape attentionScores = MatMul.matmul(queryLayer, keyT);
            t.flops(MatMul.matmulFlops(queryLayer, keyT));
            Shape attentionProbs = call(t, "dropout", attentionScores);
            Shape contextLayer = MatMul.matmul(attentionProbs, valueLayer);
            t.flops(MatMul.matmulFlops(attentionProbs, valueLayer));
            return Shape.of(contextLayer.dim(0), contextLayer.dim(2), Dims.mul(heads, headSize));
        }
    }

    /** {@code BertSelfOutput(hidden_states, input_tensor)}: dense, dropout, LayerNorm of the residual sum. */
    static final class BertSelfOutput extends Module {
        BertSelfOutput(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape hiddenStates = call(t, "dense", xs.get(0));
            hiddenStates = call(t, "dropout", hiddenStates);
            return call(t, "LayerNorm", Reshape.broadcast(hiddenStates, xs.get(1)));
        }
    }

    /** {@code BertIntermediate}: dense, then the {@code hidden_act} module. */
    static final class BertIntermediate extends Module {
        BertIntermediate(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.intermediate));
            add("intermediate_act_fn", act(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            return call(t, "intermediate_act_fn", call(t, "dense", hiddenStates));
        }
    }

    /** {@code BertOutput(hidden_states, input_tensor)}: dense, dropout, LayerNorm of the residual sum. */
    static final class BertOutput extends Module {
        BertOutput(Sizes s) {
            add("dense", Layers.linear(s.intermediate, s.hidden));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape hiddenStates = call(t, "dense", xs.get(0));
            hiddenStates = call(t, "dropout", hiddenStates);
            return call(t, "LayerNorm", Reshape.broadcast(hiddenStates, xs.get(1)));
        }
    }

    /** {@code BertPooler}: the first token through dense and Tanh. */
    static final class BertPooler extends Module {
        BertPooler(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("activation", Layers.tanh());
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape firstTokenTensor = Shape.of(hiddenStates.dim(0), hiddenStates.dim(2));
            return call(t, "activation", call(t, "dense", firstTokenTensor));
        }
    }

    /** {@code ACT2FN[hidden_act]}: the activation module transformers 4.40 builds, by its class name. */
    static Module act(String hiddenAct) {
        return Layers.activation(switch (hiddenAct) {
            case "gelu" -> "GELUActivation";
            case "gelu_new" -> "NewGELUActivation";
            case "gelu_fast" -> "FastGELUActivation";
            case "gelu_pytorch_tanh" -> "PytorchGELUTanh";
            case "quick_gelu" -> "QuickGELUActivation";
            case "relu" -> "ReLU";
            case "relu6" -> "ReLU6";
            case "silu", "swish" -> "SiLU";
            case "tanh" -> "Tanh";
            case "sigmoid" -> "Sigmoid";
            case "mish" -> "MishActivation";
            case "linear" -> "LinearActivation";
            default -> "GELUActivation";
        });
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
