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
                return bertModel(s, true);
            }
            case "BertForPreTraining" -> {
                EncoderHead model = new EncoderHead(architecture, "bert", Kind.PRETRAINING);
                Module bert = model.add("bert", bertModel(s, true));
                Module cls = model.add("cls", new BertPreTrainingHeads());
                Module predictions = cls.add("predictions", new BertLMPredictionHead(s));
                cls.add("seq_relationship", Layers.linear(s.hidden, 2));
                tieDecoder(s, predictions, bert);
                return model;
            }
            case "BertLMHeadModel", "BertForMaskedLM" -> {
                EncoderHead model = new EncoderHead(architecture, "bert", Kind.SEQUENCE_TO_HEAD);
                Module bert = model.add("bert", bertModel(s, false));
                Module cls = model.add("cls", new BertOnlyHead("BertOnlyMLMHead", "predictions"));
                tieDecoder(s, cls.add("predictions", new BertLMPredictionHead(s)), bert);
                return model;
            }
            case "BertForNextSentencePrediction" -> {
                EncoderHead model = new EncoderHead(architecture, "bert", Kind.POOLED_TO_HEAD);
                model.add("bert", bertModel(s, true));
                model.add("cls", new BertOnlyHead("BertOnlyNSPHead", "seq_relationship"))
                        .add("seq_relationship", Layers.linear(s.hidden, 2));
                return model;
            }
            case "BertForSequenceClassification" -> {
                EncoderHead model = new EncoderHead(architecture, "bert", Kind.POOLED_CLASSIFIER);
                model.add("bert", bertModel(s, true));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, labels));
                return model;
            }
            case "BertForMultipleChoice" -> {
                EncoderHead model = new EncoderHead(architecture, "bert", Kind.MULTIPLE_CHOICE);
                model.add("bert", bertModel(s, true));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, 1));
                return model;
            }
            case "BertForTokenClassification" -> {
                EncoderHead model = new EncoderHead(architecture, "bert", Kind.TOKEN_CLASSIFIER);
                model.add("bert", bertModel(s, false));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, labels));
                return model;
            }
            case "BertForQuestionAnswering" -> {
                EncoderHead model = new EncoderHead(architecture, "bert", Kind.QUESTION_ANSWERING);
                model.add("bert", bertModel(s, false));
                model.add("qa_outputs", Layers.linear(s.hidden, labels));
                return model;
            }
            default -> throw new IllegalStateException(architecture);
        }
    }

    /**
     * What an encoder head class's {@code forward(input_ids)} does with its base model's outputs (modeling_bert.py
     * 4.40.2; RoBERTa's and ALBERT's heads copy it with their own attribute names). The dropouts are called
     * modules; no loss (no labels).
     */
    enum Kind {
        /** {@code cls(sequence_output, pooled_output)}: prediction logits and the next-sentence/order logits. */
        PRETRAINING,
        /** ALBERT's pretraining: {@code predictions(sequence_output)}, {@code sop_classifier(pooled_output)}. */
        PREDICTIONS_AND_SOP,
        /** the sequence output through the head named {@code head} (MLM/LM heads; RoBERTa's classifier). */
        SEQUENCE_TO_HEAD,
        /** the pooled output through {@code cls} (next sentence prediction). */
        POOLED_TO_HEAD,
        /** pooled output, {@code dropout}, {@code classifier}. */
        POOLED_CLASSIFIER,
        /** input_ids viewed as {@code (-1, size(-1))}, pooled, dropout, classifier, {@code view(-1, num_choices)}. */
        MULTIPLE_CHOICE,
        /** sequence output, {@code dropout}, {@code classifier}. */
        TOKEN_CLASSIFIER,
        /** {@code qa_outputs}, then {@code split(1, dim=-1)} into start and end logits, each squeezed. */
        QUESTION_ANSWERING
    }

    /**
     * A head class ({@code BertForMaskedLM}, {@code RobertaForQuestionAnswering}, {@code AlbertForPreTraining}
     * ...) with its forward: the base model registered under {@code base}, then what {@link Kind} says.
     */
    static final class EncoderHead extends Module {
        private final String base;
        private final Kind kind;
        private final String head;

        EncoderHead(String torchClass, String base, Kind kind) {
            this(torchClass, base, kind, "cls");
        }

        /** @param head the head module {@link Kind#SEQUENCE_TO_HEAD} and {@link Kind#PRETRAINING} call */
        EncoderHead(String torchClass, String base, Kind kind, String head) {
            className(torchClass);
            this.base = base;
            this.kind = kind;
            this.head = head;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            switch (kind) {
                case PRETRAINING -> {
                    List<Shape> outputs = callOutputs(t, base, inputIds);
                    return callOutputs(t, head, List.of(outputs.get(0), outputs.get(1)));
                }
                case PREDICTIONS_AND_SOP -> {
                    List<Shape> outputs = callOutputs(t, base, inputIds);
                    Shape predictionScores = call(t, "predictions", outputs.get(0));
                    Shape sopScores = call(t, "sop_classifier", outputs.get(1));
                    return List.of(predictionScores, sopScores);
                }
                case SEQUENCE_TO_HEAD -> {
                    return List.of(call(t, head, callOutputs(t, base, inputIds).get(0)));
                }
                case POOLED_TO_HEAD -> {
                    return List.of(call(t, head, callOutputs(t, base, inputIds).get(1)));
                }
                case POOLED_CLASSIFIER -> {
                    Shape pooledOutput = call(t, "dropout", callOutputs(t, base, inputIds).get(1));
                    return List.of(call(t, "classifier", pooledOutput));
                }
                case TOKEN_CLASSIFIER -> {
                    Shape sequenceOutput = call(t, "dropout", callOutputs(t, base, inputIds).get(0));
                    return List.of(call(t, "classifier", sequenceOutput));
                }
                case QUESTION_ANSWERING -> {
                    Shape logits = call(t, "qa_outputs", callOutputs(t, base, inputIds).get(0));
                    // start_logits, end_logits = logits.split(1, dim=-1): one piece per label (one when empty)
                    Shape squeezed = Heads.startEndLogits(logits);
                    return List.of(squeezed, squeezed);
                }
                case MULTIPLE_CHOICE -> {
                    return List.of(Heads.multipleChoice(inputIds, flat ->
                            call(t, "classifier", call(t, "dropout", callOutputs(t, base, flat).get(1)))));
                }
                default -> throw new IllegalStateException(kind.name());
            }
        }
    }

    /** {@code BertPreTrainingHeads(sequence_output, pooled_output)}: predictions, seq_relationship. */
    static final class BertPreTrainingHeads extends Module {
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape predictionScores = call(t, "predictions", xs.get(0));
            Shape seqRelationshipScore = call(t, "seq_relationship", xs.get(1));
            return List.of(predictionScores, seqRelationshipScore);
        }
    }

    /** {@code BertOnlyMLMHead} / {@code BertOnlyNSPHead}: one child called on the input. */
    static final class BertOnlyHead extends Module {
        private final String only;

        BertOnlyHead(String torchClass, String only) {
            className(torchClass);
            this.only = only;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, only, x);
        }
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
        final boolean isDecoder;
        /** The class-name prefix hooks see: {@code Bert}, {@code Roberta}. */
        final String prefix;
        /**
         * RoBERTa's {@code padding_idx} ({@code pad_token_id}), from which its embeddings create the position ids;
         * null for BERT, whose position ids are the buffer's.
         */
        final Long paddingIdx;
        /** {@code pruned_heads}: applied by {@link BertModel} as {@code init_weights()} does. */
        final PrunedHeads prunedHeads;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;
        /**
         * transformers 4.57's eager self-attention (XLM-RoBERTa and the other families ported from 4.57.6): it
         * returns {@code (context_layer, attention_probs)} whatever {@code output_attentions} says, each layer
         * passes the probabilities on after its output, and a decoder returns no (key, value) (the cache is an
         * object). False keeps the 4.40 trace of BERT, RoBERTa and ALBERT.
         */
        boolean attentionProbsOutput;
        /** {@code ACT2FN}: 4.40's ({@link Bert#act}) unless a 4.57 family sets {@link Act457#act}. */
        java.util.function.Function<String, Module> activations = Bert::act;

        Sizes(HfConfig c) {
            this(c, "Bert", null);
        }

        Sizes(HfConfig c, String prefix, Long paddingIdx) {
            this.prefix = prefix;
            this.paddingIdx = paddingIdx;
            isDecoder = c.bool("is_decoder", false);
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
            prunedHeads = PrunedHeads.of(c);
            torchscript = c.bool("torchscript", false);
            // nn.Embedding(vocab_size, hidden_size, padding_idx=pad_token_id) comes first (RoBERTa's default 1)
            TorchChecks.paddingIdx(paddingIdx != null ? paddingIdx : c.integer("pad_token_id", 0), vocab);
            if (paddingIdx != null) {
                // RobertaEmbeddings' position table: nn.Embedding(max_position_embeddings, hidden, padding_idx)
                TorchChecks.paddingIdx(paddingIdx, maxPositions);
            }
            // BertSelfAttention's ValueError, lifted by any embedding_size attribute (even None), as 4.40 does
            boolean embeddingSize = c.node("embedding_size") != null;
            if (heads <= 0 || (hidden % heads != 0 && !embeddingSize)) {
                throw new ConfigException("The hidden size (" + hidden + ") is not a multiple of the number of "
                        + "attention heads (" + heads + ")");
            }
        }

        /** {@code int(hidden_size / num_attention_heads)}. */
        long headSize() {
            return Math.floorDiv(hidden, heads);
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
        private final long maxPositions;

        BertModel(Sizes s, boolean pooling) {
            className(s.prefix + "Model");
            maxPositions = s.maxPositions;
            add("embeddings", new BertEmbeddings(s));
            add("encoder", new BertEncoder(s));
            if (pooling) {
                add("pooler", new BertPooler(s));
            }
            // init_weights(): prune_heads(config.pruned_heads) -> _prune_heads: encoder.layer[l].attention
            Module layers = child("encoder").child("layer");
            for (var entry : s.prunedHeads.entries()) {
                int i = PrunedHeads.moduleListIndex(entry.getKey(), layers.childrenWithEmptyPlaces().size());
                ((BertAttention) layers.child(String.valueOf(i)).child("attention")).prune(s, entry.getValue());
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            checkInputIds(inputIds, maxPositions);
            Shape embeddingOutput = call(t, "embeddings", inputIds);
            Shape sequenceOutput = call(t, "encoder", embeddingOutput);
            if (childrenWithEmptyPlaces().get("pooler") == null) {
                return List.of(sequenceOutput);
            }
            Shape pooledOutput = call(t, "pooler", sequenceOutput);
            return List.of(sequenceOutput, pooledOutput);
        }
    }

    /**
     * {@code BertModel.forward}'s checks of {@code input_ids} before any call: {@code batch_size, seq_length =
     * input_shape}, then the token-type buffer {@code (1, max_position_embeddings)} sliced to the length and
     * expanded to {@code (batch, seq_length)} (RoBERTa's and ALBERT's models copy both).
     */
    static void checkInputIds(Shape inputIds, long maxPositions) {
        if (inputIds.rank() < 2) {
            throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
        }
        if (inputIds.rank() > 2) {
            throw new ShapeException("too many values to unpack (expected 2)");
        }
        long batch = inputIds.dim(0);
        long seqLength = inputIds.dim(1);
        long buffered = Math.min(seqLength, maxPositions);
        if (buffered != seqLength) {
            throw new ShapeException("The expanded size of the tensor (" + seqLength + ") must match the existing "
                    + "size (" + buffered + ") at non-singleton dimension 1.  Target sizes: [" + batch + ", "
                    + seqLength + "].  Tensor sizes: [1, " + buffered + "]");
        }
    }

    /**
     * {@code BertEmbeddings}: word, position and token-type tables, then LayerNorm and dropout. RoBERTa's
     * ({@link Sizes#paddingIdx} set) creates its position ids from {@code input_ids}: with all-zero ids they are
     * {@code padding_idx + 1 .. padding_idx + seq} (all {@code padding_idx} when it is 0), of shape (batch, seq).
     */
    static final class BertEmbeddings extends Module {
        private final String positionEmbeddingType;
        private final Long paddingIdx;
        private final long maxPositions;

        BertEmbeddings(Sizes s) {
            className(s.prefix + "Embeddings");
            positionEmbeddingType = s.positionEmbeddingType;
            paddingIdx = s.paddingIdx;
            maxPositions = s.maxPositions;
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
            if (paddingIdx != null) {
                // create_position_ids_from_input_ids(input_ids, padding_idx): (b, s), of all-zero input_ids
                positionIds = Shape.of(batch, seqLength);
                long first = paddingIdx == 0 ? 0 : paddingIdx + 1;
                long last = paddingIdx == 0 ? 0 : paddingIdx + seqLength;
                if (seqLength > 0 && positionEmbeddingType.equals("absolute")
                        && (first < 0 || last >= maxPositions)) {
                    throw new ShapeException("index out of range in self");
                }
            }
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
            className(s.prefix + "Encoder");
            Sequential layer = add("layer", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layer.append(new BertLayer(s));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            for (String i : child("layer").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = callOutputs(t, "layer", i, hiddenStates).get(0);
            }
            return hiddenStates;
        }
    }

    /** A module of BERT's encoder whose class name hooks see as the family's prefix and a suffix. */
    abstract static class Part extends Module {
        Part(Sizes s, String suffix) {
            className(s.prefix + suffix);
        }
    }

    /**
     * {@code BertLayer}: attention, cross-attention when configured (never called without encoder states),
     * intermediate, output. As a decoder ({@code is_decoder}) it also returns the self-attention's
     * {@code present_key_value} (key, value), which the encoder drops when {@code use_cache} is off.
     */
    static final class BertLayer extends Part {
        private final boolean isDecoder;
        private final boolean attentionProbsOutput;

        BertLayer(Sizes s) {
            super(s, "Layer");
            isDecoder = s.isDecoder;
            attentionProbsOutput = s.attentionProbsOutput;
            add("attention", new BertAttention(s, s.positionEmbeddingType));
            if (s.crossAttention && !s.isDecoder) {
                // BertLayer.__init__'s ValueError (upstream it starts with the layer's repr)
                throw new ConfigException(s.prefix + "Layer should be used as a decoder model if cross attention "
                        + "is added");
            }
            if (s.crossAttention) {
                add("crossattention", new BertAttention(s, "absolute"));
            }
            add("intermediate", new BertIntermediate(s));
            add("output", new BertOutput(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> selfAttentionOutputs = callOutputs(t, "attention", xs.get(0));
            Shape attentionOutput = selfAttentionOutputs.get(0);
            // apply_chunking_to_forward(feed_forward_chunk)
            Shape intermediateOutput = call(t, "intermediate", attentionOutput);
            Shape layerOutput = call(t, "output", List.of(intermediateOutput, attentionOutput));
            if (attentionProbsOutput) {
                // 4.57: outputs = (layer_output,) + self_attention_outputs[1:]
                List<Shape> outputs = new java.util.ArrayList<>(selfAttentionOutputs);
                outputs.set(0, layerOutput);
                return outputs;
            }
            if (isDecoder) {
                return List.of(layerOutput, selfAttentionOutputs.get(1), selfAttentionOutputs.get(2));
            }
            return List.of(layerOutput);
        }
    }

    /** {@code BertAttention}: {@code BertSelfAttention} and {@code BertSelfOutput}. */
    static final class BertAttention extends Part {
        private PrunedHeads.Attention pruning;

        BertAttention(Sizes s, String positionEmbeddingType) {
            super(s, "Attention");
            add("self", new BertSelfAttention(s, positionEmbeddingType));
            add("output", new BertSelfOutput(s));
        }

        /**
         * {@code BertAttention.prune_heads(heads)}: query/key/value keep the rows of the heads left,
         * {@code output.dense} the matching input columns (new Linear layers in the old places), and the
         * self-attention counts fewer heads.
         */
        void prune(Sizes s, List<Long> heads) {
            BertSelfAttention self = (BertSelfAttention) child("self");
            if (pruning == null) {
                pruning = new PrunedHeads.Attention(self.heads, self.headSize);
            }
            if (!pruning.prune(heads, true)) {
                return;
            }
            self.heads = pruning.heads;
            self.outDim = pruning.kept;
            for (String name : List.of("query", "key", "value")) {
                self.replace(name, Layers.linear(s.hidden, pruning.kept));
            }
            child("output").replace("dense", Layers.linear(pruning.kept, s.hidden));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            List<Shape> selfOutputs = callOutputs(t, "self", hiddenStates);
            Shape attentionOutput = call(t, "output", List.of(selfOutputs.get(0), hiddenStates));
            List<Shape> outputs = new java.util.ArrayList<>(selfOutputs);
            outputs.set(0, attentionOutput);
            return outputs;
        }
    }

    /**
     * {@code BertSelfAttention} (eager): q, k, v projections, {@code QK^T}, softmax, dropout, {@code AV}; as a
     * decoder its outputs add {@code past_key_value = (key_layer, value_layer)}.
     */
    static final class BertSelfAttention extends Part {
        private long heads;
        private final long headSize;
        /** The query/key/value output size: {@code all_head_size}, or fewer rows once heads are pruned. */
        private long outDim;
        private final String positionEmbeddingType;
        private final boolean isDecoder;
        private final boolean attentionProbsOutput;

        BertSelfAttention(Sizes s, String positionEmbeddingType) {
            super(s, "SelfAttention");
            attentionProbsOutput = s.attentionProbsOutput;
            heads = s.heads;
            headSize = s.headSize();
            isDecoder = s.isDecoder;
            this.positionEmbeddingType = positionEmbeddingType;
            long allHeads = Dims.mul(s.heads, s.headSize());
            outDim = allHeads;
            add("query", Layers.linear(s.hidden, allHeads));
            add("key", Layers.linear(s.hidden, allHeads));
            add("value", Layers.linear(s.hidden, allHeads));
            add("dropout", Layers.dropout(0.0));
            if (positionEmbeddingType.equals("relative_key") || positionEmbeddingType.equals("relative_key_query")) {
                add("distance_embedding", Layers.embeddingForward(Dims.span(s.maxPositions), s.headSize()));
            }
        }

        /** {@code x.view(b, s, num_attention_heads, attention_head_size).permute(0, 2, 1, 3)}. */
        private Shape transposeForScores(Shape x) {
            TorchChecks.view(x, x.dim(0), x.dim(1), heads, headSize);
            return Shape.of(x.dim(0), heads, x.dim(1), headSize);
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape mixedQueryLayer = call(t, "query", hiddenStates);
            Shape keyLayer = transposeForScores(call(t, "key", hiddenStates));
            Shape valueLayer = transposeForScores(call(t, "value", hiddenStates));
            Shape queryLayer = transposeForScores(mixedQueryLayer);
            Shape keyT = Shape.of(keyLayer.dim(0), heads, headSize, keyLayer.dim(2));
            Shape attentionScores = MatMul.matmul(queryLayer, keyT);
            t.flops(MatMul.matmulFlops(queryLayer, keyT));
            relativePositionScores(this, t, positionEmbeddingType, queryLayer, keyLayer);
            Shape attentionProbs = call(t, "dropout", attentionScores);
            Shape contextLayer = MatMul.matmul(attentionProbs, valueLayer);
            t.flops(MatMul.matmulFlops(attentionProbs, valueLayer));
            Shape context = Shape.of(contextLayer.dim(0), contextLayer.dim(2), Dims.mul(heads, headSize));
            if (attentionProbsOutput) {
                return List.of(context, attentionProbs);
            }
            return isDecoder ? List.of(context, keyLayer, valueLayer) : List.of(context);
        }
    }

    /**
     * The relative position scores of {@code position_embedding_type} relative_key / relative_key_query
     * (BertSelfAttention, copied by ALBERT): {@code distance_embedding} of the (q_len, k_len) distances, then the
     * einsum {@code bhld,lrd->bhlr} with the query (and {@code bhrd,lrd->bhlr} with the key for
     * relative_key_query), each one bmm of {@code 2 * b * heads * q_len * k_len * head_size}. Nothing for absolute;
     * any other type adds nothing either (upstream only tests for these two).
     */
    static void relativePositionScores(Module attention, Trace t, String positionEmbeddingType, Shape queryLayer,
                                       Shape keyLayer) {
        boolean key = positionEmbeddingType.equals("relative_key");
        boolean keyQuery = positionEmbeddingType.equals("relative_key_query");
        if (!key && !keyQuery) {
            return;
        }
        long queryLength = queryLayer.dim(2);
        long keyLength = keyLayer.dim(2);
        Shape positionalEmbedding = attention.call(t, "distance_embedding", Shape.of(queryLength, keyLength));
        long flops = dev.modelsummary.compute.Exact.product(2, queryLayer.dim(0), queryLayer.dim(1), queryLength,
                keyLength, positionalEmbedding.dim(2));
        t.flops(flops);
        if (keyQuery) {
            t.flops(flops);
        }
    }

    /** {@code BertSelfOutput(hidden_states, input_tensor)}: dense, dropout, LayerNorm of the residual sum. */
    static final class BertSelfOutput extends Part {
        BertSelfOutput(Sizes s) {
            super(s, "SelfOutput");
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
    static final class BertIntermediate extends Part {
        BertIntermediate(Sizes s) {
            super(s, "Intermediate");
            add("dense", Layers.linear(s.hidden, s.intermediate));
            add("intermediate_act_fn", s.activations.apply(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            return call(t, "intermediate_act_fn", call(t, "dense", hiddenStates));
        }
    }

    /** {@code BertOutput(hidden_states, input_tensor)}: dense, dropout, LayerNorm of the residual sum. */
    static final class BertOutput extends Part {
        BertOutput(Sizes s) {
            super(s, "Output");
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
    static final class BertPooler extends Part {
        BertPooler(Sizes s) {
            super(s, "Pooler");
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
     * is that bias ({@code self.decoder.bias = self.bias}). Forward: transform, decoder.
     */
    static final class BertLMPredictionHead extends Module {
        BertLMPredictionHead(Sizes s) {
            parameter("bias", s.vocab);
            add("transform", new BertPredictionHeadTransform(s));
            Module decoder = add("decoder", Layers.linear(s.hidden, s.vocab, false));
            decoder.tie("bias", this, "bias");
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            return call(t, "decoder", call(t, "transform", hiddenStates));
        }
    }

    /** {@code BertPredictionHeadTransform}: dense, {@code transform_act_fn} (ACT2FN's module), LayerNorm. */
    static final class BertPredictionHeadTransform extends Module {
        BertPredictionHeadTransform(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("transform_act_fn", act(s.hiddenAct));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            hiddenStates = call(t, "dense", hiddenStates);
            hiddenStates = call(t, "transform_act_fn", hiddenStates);
            return call(t, "LayerNorm", hiddenStates);
        }
    }

    /** {@code tie_weights()}: the output embeddings are the decoder. */
    private static void tieDecoder(Sizes s, Module predictions, Module bert) {
        Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, predictions.child("decoder"),
                bert.child("embeddings").child("word_embeddings"));
    }

    /** {@code _no_split_modules} in transformers 4.57.6 of {@code BertModel (its heads have None)}. */
    @Override
    public List<String> noSplitModules(String architecture) {
        return architecture.equals("BertModel") ? List.of("BertEmbeddings", "BertLayer") : List.of(); // None
    }
}
