package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/deberta_v2/modeling_deberta_v2.py} with {@code DebertaV2Config}'s defaults.
 * BERT's layer layout (attention.self/output, intermediate, output) with disentangled self-attention:
 * {@code query_proj}/{@code key_proj}/{@code value_proj}, and with {@code relative_attention} a {@code pos_dropout}
 * and, unless {@code share_att_key}, {@code pos_key_proj} (c2p) and {@code pos_query_proj} (p2c). The encoder holds
 * the relative position table {@code rel_embeddings} ({@code 2 * position_buckets} rows, else
 * {@code 2 * max_relative_positions}, else {@code 2 * max_position_embeddings}), a {@code LayerNorm} when
 * {@code norm_rel_ebd} says {@code layer_norm}, and a {@code ConvLayer} after the first layer when
 * {@code conv_kernel_size > 0}. Embeddings: word (of {@code embedding_size}), position when
 * {@code position_biased_input}, token types when {@code type_vocab_size > 0}, {@code embed_proj} when
 * {@code embedding_size != hidden_size}; a non-persistent {@code position_ids} buffer.
 *
 * <p>Heads: MaskedLM's {@code legacy} head ({@code cls.predictions}, BERT's with the decoder tied and its bias the
 * head's) or the new one ({@code lm_predictions.lm_head}: dense, act, LayerNorm, bias, logits a matmul with the
 * word embeddings), whose {@code get_output_embeddings()} is {@code lm_head.dense}, so {@code tie_weights()} ties
 * that dense layer to the word embeddings (weight {@code (vocab, embedding_size)}, bias padded to vocab), as 4.57.6
 * does (its forward then fails in the LayerNorm); SequenceClassification and MultipleChoice with a
 * {@code ContextPooler}; TokenClassification; QuestionAnswering.
 */
public final class DebertaV2 implements HfFamily {
    static final String BASE = "DebertaV2Model";

    /**
     * Upstream defines {@code _prune_heads} for this family, which this port does not mirror: refused as not
     * supported, rather than listed unpruned.
     */
    @Override
    public void checkPrunedHeads(HfConfig config) {
        if (HfFamily.hasPrunedHeads(config)) {
            throw new ConfigException("pruned_heads is not supported for " + modelType() + " models yet (transformers "
                    + "prunes their attention heads at construction); remove it to list the unpruned model");
        }
    }

    @Override
    public String modelType() {
        return "deberta-v2";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "DebertaV2ForMaskedLM", "DebertaV2ForSequenceClassification",
                "DebertaV2ForTokenClassification", "DebertaV2ForQuestionAnswering", "DebertaV2ForMultipleChoice");
    }

    /** The sizes and options {@code DebertaV2Config} (and the modules' {@code getattr} defaults) give. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long headSize;
        final long intermediate;
        final long maxPositions;
        final long typeVocab;
        final String hiddenAct;
        final boolean relativeAttention;
        final long maxRelativePositions;
        final long positionBuckets;
        final boolean positionBiasedInput;
        final List<String> posAttType;
        final boolean shareAttKey;
        final boolean normRelEbdLayerNorm;
        final long convKernelSize;
        final long convGroups;
        final long embeddingSize;
        final long poolerHiddenSize;
        final boolean legacy;
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 128100);
            hidden = c.integer("hidden_size", 1536);
            layers = c.integer("num_hidden_layers", 24);
            heads = c.integer("num_attention_heads", 24);
            intermediate = c.integer("intermediate_size", 6144);
            maxPositions = c.integer("max_position_embeddings", 512);
            typeVocab = c.integer("type_vocab_size", 0);
            hiddenAct = c.string("hidden_act", "gelu");
            relativeAttention = c.bool("relative_attention", false);
            long maxRel = c.integer("max_relative_positions", -1);
            maxRelativePositions = maxRel < 1 ? maxPositions : maxRel;
            positionBuckets = c.integer("position_buckets", -1);
            positionBiasedInput = c.bool("position_biased_input", true);
            posAttType = posAttType(c.node("pos_att_type"));
            shareAttKey = c.bool("share_att_key", false);
            normRelEbdLayerNorm = List.of(c.string("norm_rel_ebd", "none").toLowerCase().split("\\|")).stream()
                    .map(String::strip).anyMatch("layer_norm"::equals);
            convKernelSize = c.integer("conv_kernel_size", 0);
            convGroups = c.integer("conv_groups", 1);
            embeddingSize = c.integer("embedding_size", hidden);
            poolerHiddenSize = c.integer("pooler_hidden_size", hidden);
            legacy = c.bool("legacy", true);
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            long pad = c.integer("pad_token_id", 0);
            if (pad >= vocab || pad < -vocab) {
                // nn.Embedding(vocab_size, embedding_size, padding_idx=pad_token_id)
                throw new ConfigException("Padding_idx must be within num_embeddings");
            }
            if (layers > 0 && heads == 0) {
                throw new ConfigException("integer modulo by zero");
            }
            if (layers > 0 && hidden % heads != 0) {
                // DisentangledSelfAttention.__init__'s ValueError (only built with a layer)
                throw new ConfigException("The hidden size (" + hidden + ") is not a multiple of the number of "
                        + "attention heads (" + heads + ")");
            }
            headSize = c.integer("attention_head_size", heads == 0 ? 0 : hidden / heads);
        }

        /** {@code pos_att_type}: a list, or a {@code "p2c|c2p"} string the config splits; None is empty. */
        private static List<String> posAttType(JsonNode node) {
            List<String> types = new ArrayList<>();
            if (node == null || node.isNull()) {
                return types;
            }
            if (node.isTextual()) {
                for (String part : node.textValue().toLowerCase().split("\\|")) {
                    types.add(part.strip());
                }
            } else if (node.isArray()) {
                node.forEach(n -> types.add(n.asText()));
            }
            return Collections.unmodifiableList(types);
        }

        /** The attention's {@code pos_ebd_size}: {@code position_buckets}, else {@code max_relative_positions}. */
        long attSpan() {
            return positionBuckets > 0 ? positionBuckets : maxRelativePositions;
        }

        boolean c2p() {
            return posAttType.contains("c2p");
        }

        boolean p2c() {
            return posAttType.contains("p2c");
        }
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        if (config.has("pruned_heads") && config.node("pruned_heads").size() > 0) {
            // init_weights(): self.prune_heads(config.pruned_heads) -> base_model._prune_heads
            throw new ConfigException("The prune function is not implemented in DeBERTa model.");
        }
        long labels = config.numLabels();
        if (architecture.equals(BASE)) {
            return new DebertaV2Model(s);
        }
        Head model = new Head(architecture, s.legacy);
        Module deberta = model.add("deberta", new DebertaV2Model(s));
        Module wordEmbeddings = deberta.child("embeddings").child("word_embeddings");
        switch (architecture) {
            case "DebertaV2ForMaskedLM" -> {
                if (s.legacy) {
                    Module cls = model.add("cls", new Bert.BertOnlyHead("LegacyDebertaV2OnlyMLMHead",
                            "predictions"));
                    Module predictions = cls.add("predictions", new LegacyPredictionHead(s));
                    Heads.tieWeights(s.tieWordEmbeddings, predictions.child("decoder"), wordEmbeddings);
                } else {
                    Module lmPredictions = model.add("lm_predictions", new Bert.BertOnlyHead(
                            "DebertaV2OnlyMLMHead", "lm_head"));
                    LMPredictionHead lmHead = lmPredictions.add("lm_head", new LMPredictionHead(s));
                    if (s.tieWordEmbeddings) {
                        // get_output_embeddings() is lm_head.dense
                        lmHead.tie(wordEmbeddings);
                    }
                }
            }
            case "DebertaV2ForSequenceClassification", "DebertaV2ForMultipleChoice" -> {
                model.add("pooler", new ContextPooler(s));
                model.add("classifier", Layers.linear(s.hidden,
                        architecture.equals("DebertaV2ForMultipleChoice") ? 1 : labels));
                model.add("dropout", Layers.dropout(0.0));
            }
            case "DebertaV2ForTokenClassification" -> {
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, labels));
            }
            case "DebertaV2ForQuestionAnswering" -> model.add("qa_outputs", Layers.linear(s.hidden, labels));
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /** A head class with its forward (no labels): the base's sequence output, then the class's head. */
    static final class Head extends Module {
        private final String torchClass;
        private final boolean legacy;

        Head(String torchClass, boolean legacy) {
            className(torchClass);
            this.torchClass = torchClass;
            this.legacy = legacy;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            switch (torchClass) {
                case "DebertaV2ForMaskedLM" -> {
                    Shape sequenceOutput = call(t, "deberta", inputIds);
                    return List.of(call(t, legacy ? "cls" : "lm_predictions", sequenceOutput));
                }
                case "DebertaV2ForSequenceClassification" -> {
                    Shape pooled = call(t, "dropout", call(t, "pooler", call(t, "deberta", inputIds)));
                    return List.of(call(t, "classifier", pooled));
                }
                case "DebertaV2ForTokenClassification" -> {
                    return List.of(call(t, "classifier", call(t, "dropout", call(t, "deberta", inputIds))));
                }
                case "DebertaV2ForQuestionAnswering" -> {
                    Shape logits = call(t, "qa_outputs", call(t, "deberta", inputIds));
                    Shape squeezed = Heads.startEndLogits(logits);
                    return List.of(squeezed, squeezed);
                }
                case "DebertaV2ForMultipleChoice" -> {
                    return List.of(Heads.multipleChoice(inputIds, flat ->
                            call(t, "classifier", call(t, "dropout", call(t, "pooler", call(t, "deberta", flat))))));
                }
                default -> throw new IllegalStateException(torchClass);
            }
        }
    }

    /**
     * {@code ContextPooler}: dense, dropout; forward {@code hidden_states[:, 0]}, dropout, dense, then
     * {@code ACT2FN[pooler_hidden_act]} (a new module each call, not hooked).
     */
    static final class ContextPooler extends Module {
        ContextPooler(Sizes s) {
            add("dense", Layers.linear(s.poolerHiddenSize, s.poolerHiddenSize));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape contextToken = call(t, "dropout", Shape.of(hiddenStates.dim(0), hiddenStates.dim(2)));
            return call(t, "dense", contextToken);
        }
    }

    /**
     * {@code LegacyDebertaV2LMPredictionHead}: transform (dense to {@code embedding_size}, act, LayerNorm) and a
     * bias-free decoder whose bias becomes the head's {@code bias}; its own parameter lists first.
     */
    static final class LegacyPredictionHead extends Module {
        LegacyPredictionHead(Sizes s) {
            className("LegacyDebertaV2LMPredictionHead");
            Module transform = add("transform", new Module() {
                @Override
                public Shape forward(Trace t, Shape x) {
                    return call(t, "LayerNorm", call(t, "transform_act_fn", call(t, "dense", x)));
                }
            }.className("LegacyDebertaV2PredictionHeadTransform"));
            transform.add("dense", Layers.linear(s.hidden, s.embeddingSize));
            transform.add("transform_act_fn", Act457.act(s.hiddenAct));
            transform.add("LayerNorm", Layers.layerNormForward(s.embeddingSize));
            Module decoder = add("decoder", Layers.linear(s.embeddingSize, s.vocab, false));
            parameter("bias", s.vocab);
            decoder.tie("bias", this, "bias");
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "decoder", call(t, "transform", x));
        }
    }

    /**
     * {@code DebertaV2LMPredictionHead} (legacy False): dense, transform_act_fn, LayerNorm, bias; forward
     * {@code matmul(LayerNorm(act(dense(x))), word_embeddings.weight.t()) + bias}. {@code tie_weights()} makes
     * {@code dense} the word embeddings' weight (vocab, embedding_size) with its bias padded to vocab.
     */
    static final class LMPredictionHead extends Module {
        private final long embeddingSize;
        private final long vocab;

        LMPredictionHead(Sizes s) {
            className("DebertaV2LMPredictionHead");
            embeddingSize = s.embeddingSize;
            vocab = s.vocab;
            add("dense", s.tieWordEmbeddings ? Layers.linear(s.embeddingSize, s.vocab)
                    : Layers.linear(s.hidden, s.hidden));
            add("transform_act_fn", Act457.act(s.hiddenAct));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            parameter("bias", s.vocab);
        }

        /** Ties {@code dense.weight} to the word embeddings, as {@code _tie_or_clone_weights} does. */
        void tie(Module wordEmbeddings) {
            child("dense").tie("weight", wordEmbeddings, "weight");
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape h = call(t, "LayerNorm", call(t, "transform_act_fn", call(t, "dense", x)));
            Shape weightT = Shape.of(embeddingSize, vocab);
            Shape logits = MatMul.matmul(h, weightT);
            t.flops(MatMul.matmulFlops(h, weightT));
            return logits;
        }
    }

    /** {@code DebertaV2Model}: embeddings, encoder; returns the last hidden state. */
    static final class DebertaV2Model extends Module {
        DebertaV2Model(Sizes s) {
            add("embeddings", new DebertaV2Embeddings(s));
            add("encoder", new DebertaV2Encoder(s));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() < 2) {
                throw new ShapeException("tuple index out of range");
            }
            return callOutputs(t, "encoder", call(t, "embeddings", inputIds)).get(0);
        }
    }

    /** {@code DebertaV2Embeddings}: word, position, token-type tables summed, embed_proj, LayerNorm, dropout. */
    static final class DebertaV2Embeddings extends Module {
        private final long maxPositions;

        DebertaV2Embeddings(Sizes s) {
            maxPositions = s.maxPositions;
            add("word_embeddings", Layers.embeddingForward(s.vocab, s.embeddingSize));
            if (s.positionBiasedInput) {
                add("position_embeddings", Layers.embeddingForward(s.maxPositions, s.embeddingSize));
            }
            if (s.typeVocab > 0) {
                add("token_type_embeddings", Layers.embeddingForward(s.typeVocab, s.embeddingSize));
            }
            if (s.embeddingSize != s.hidden) {
                add("embed_proj", Layers.linear(s.embeddingSize, s.hidden, false));
            }
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            long batch = inputIds.dim(0);
            long seqLength = inputIds.dim(1);
            Shape embeddings = call(t, "word_embeddings", inputIds);
            if (childrenWithEmptyPlaces().containsKey("position_embeddings")) {
                // position_ids = self.position_ids[:, :seq_length]
                Shape positionEmbeddings = call(t, "position_embeddings",
                        Shape.of(1, Math.min(seqLength, maxPositions)));
                embeddings = Reshape.broadcast(embeddings, positionEmbeddings);
            }
            if (childrenWithEmptyPlaces().containsKey("token_type_embeddings")) {
                embeddings = Reshape.broadcast(embeddings, call(t, "token_type_embeddings",
                        Shape.of(batch, seqLength)));
            }
            if (childrenWithEmptyPlaces().containsKey("embed_proj")) {
                embeddings = call(t, "embed_proj", embeddings);
            }
            embeddings = call(t, "LayerNorm", embeddings);
            // embeddings * mask (the all-ones attention mask, (batch, seq) unsqueezed)
            embeddings = Reshape.broadcast(embeddings, Shape.of(batch, seqLength, 1));
            return call(t, "dropout", embeddings);
        }
    }

    /**
     * {@code DebertaV2Encoder}: {@code get_rel_embedding()} (the table's weight, through LayerNorm when
     * {@code norm_rel_ebd}), then the layers, the ConvLayer after the first; returns
     * {@code (last_hidden_state, *hidden_states)}, the model asking for every hidden state.
     */
    static final class DebertaV2Encoder extends Module {
        private final boolean relativeAttention;
        private final boolean normRelEbd;

        DebertaV2Encoder(Sizes s) {
            className("DebertaV2Encoder");
            relativeAttention = s.relativeAttention;
            normRelEbd = s.normRelEbdLayerNorm;
            Sequential layer = add("layer", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layer.append(new DebertaV2Layer(s));
            }
            if (s.relativeAttention) {
                add("rel_embeddings", Layers.embeddingForward(Dims.mul(2, s.attSpan()), s.hidden));
            }
            if (s.normRelEbdLayerNorm) {
                add("LayerNorm", Layers.layerNormForward(s.hidden));
            }
            if (s.convKernelSize > 0) {
                add("conv", new ConvLayer(s));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            List<Shape> allHiddenStates = new ArrayList<>(List.of(hiddenStates));
            Shape relEmbeddings = null;
            if (relativeAttention) {
                Module table = child("rel_embeddings");
                relEmbeddings = table.tensors().get(0).shape();
                if (normRelEbd) {
                    relEmbeddings = call(t, "LayerNorm", relEmbeddings);
                }
            }
            Shape outputStates = hiddenStates;
            boolean first = true;
            for (String i : child("layer").childrenWithEmptyPlaces().keySet()) {
                List<Shape> in = relEmbeddings == null ? List.of(outputStates) : List.of(outputStates, relEmbeddings);
                outputStates = callOutputs(t, "layer", i, in).get(0);
                if (first && childrenWithEmptyPlaces().containsKey("conv")) {
                    outputStates = call(t, "conv", List.of(hiddenStates, outputStates));
                }
                first = false;
                allHiddenStates.add(outputStates);
            }
            if (allHiddenStates.size() == 1) {
                // no layer: output_states is never assigned
                throw new ShapeException("cannot access local variable 'output_states' where it is not associated "
                        + "with a value");
            }
            List<Shape> outputs = new ArrayList<>();
            outputs.add(outputStates);
            outputs.addAll(allHiddenStates);
            return outputs;
        }
    }

    /**
     * {@code ConvLayer(hidden_states, residual_states, input_mask)}: Conv1d over the sequence (padding
     * {@code (k - 1) // 2}), masked, the {@code conv_act} function (a new module per call, not hooked), dropout,
     * LayerNorm of the residual sum, times the mask.
     */
    static final class ConvLayer extends Module {
        ConvLayer(Sizes s) {
            add("conv", Layers.conv1d(s.hidden, s.hidden, s.convKernelSize, s.convGroups, true)
                    .padding((s.convKernelSize - 1) / 2));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape permuted = Shape.of(hiddenStates.dim(0), hiddenStates.dim(2), hiddenStates.dim(1));
            Shape conv = call(t, "conv", permuted);
            Shape out = Shape.of(conv.dim(0), conv.dim(2), conv.dim(1));
            if (!out.equals(xs.get(1))) {
                // out.masked_fill_(rmask.unsqueeze(-1).expand(out.size()), 0)
                throw new ShapeException("The expanded size of the tensor (" + out.dim(1) + ") must match the "
                        + "existing size (" + hiddenStates.dim(1) + ") at non-singleton dimension 1.");
            }
            out = call(t, "dropout", out);
            return call(t, "LayerNorm", Reshape.broadcast(xs.get(1), out));
        }
    }

    /** {@code DebertaV2Layer}: attention, intermediate, output; returns {@code (layer_output, None)}. */
    static final class DebertaV2Layer extends Module {
        DebertaV2Layer(Sizes s) {
            add("attention", new DebertaV2Attention(s));
            add("intermediate", new Part("DebertaV2Intermediate", s, true));
            add("output", new Part("DebertaV2Output", s, false));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape attentionOutput = callOutputs(t, "attention", xs).get(0);
            Shape intermediateOutput = call(t, "intermediate", attentionOutput);
            return List.of(call(t, "output", List.of(intermediateOutput, attentionOutput)));
        }
    }

    /** {@code DebertaV2Attention}: self (disentangled) and output ({@code DebertaV2SelfOutput}). */
    static final class DebertaV2Attention extends Module {
        DebertaV2Attention(Sizes s) {
            add("self", new DisentangledSelfAttention(s));
            add("output", new SelfOutput(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape selfOutput = callOutputs(t, "self", xs).get(0);
            return List.of(call(t, "output", List.of(selfOutput, xs.get(0))));
        }
    }

    /** {@code DebertaV2SelfOutput}: dense, dropout, LayerNorm of the residual sum. */
    static final class SelfOutput extends Module {
        SelfOutput(Sizes s) {
            className("DebertaV2SelfOutput");
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("LayerNorm", Layers.layerNormForward(s.hidden));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape hiddenStates = call(t, "dropout", call(t, "dense", xs.get(0)));
            return call(t, "LayerNorm", Reshape.broadcast(hiddenStates, xs.get(1)));
        }
    }

    /**
     * {@code DebertaV2Intermediate} (dense, intermediate_act_fn) or {@code DebertaV2Output} (dense, LayerNorm,
     * dropout; forward dense, dropout, LayerNorm of the residual sum).
     */
    static final class Part extends Module {
        private final boolean intermediate;

        Part(String torchClass, Sizes s, boolean intermediate) {
            className(torchClass);
            this.intermediate = intermediate;
            if (intermediate) {
                add("dense", Layers.linear(s.hidden, s.intermediate));
                add("intermediate_act_fn", Act457.act(s.hiddenAct));
            } else {
                add("dense", Layers.linear(s.intermediate, s.hidden));
                add("LayerNorm", Layers.layerNormForward(s.hidden));
                add("dropout", Layers.dropout(0.0));
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "intermediate_act_fn", call(t, "dense", x));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            if (intermediate) {
                return forward(t, xs.get(0));
            }
            Shape hiddenStates = call(t, "dropout", call(t, "dense", xs.get(0)));
            return call(t, "LayerNorm", Reshape.broadcast(hiddenStates, xs.get(1)));
        }
    }

    /**
     * {@code DisentangledSelfAttention} (eager): q, k, v as {@code (batch * heads, seq, head)};
     * {@code bmm(q, k^T / scale)}; with relative attention {@code pos_dropout(rel_embeddings)}, the position
     * projections of its first {@code 2 * att_span} rows (query_proj/key_proj when {@code share_att_key}, else
     * pos_key_proj for c2p and pos_query_proj for p2c) and one bmm each for c2p ({@code q} with the position keys)
     * and p2c ({@code k} with the position queries); softmax, dropout, {@code bmm} with v. Returns
     * {@code (context, None)}.
     */
    static final class DisentangledSelfAttention extends Module {
        private final Sizes s;

        DisentangledSelfAttention(Sizes s) {
            this.s = s;
            long allHeadSize = Dims.mul(s.heads, s.headSize);
            add("query_proj", Layers.linear(s.hidden, allHeadSize));
            add("key_proj", Layers.linear(s.hidden, allHeadSize));
            add("value_proj", Layers.linear(s.hidden, allHeadSize));
            if (s.relativeAttention) {
                add("pos_dropout", Layers.dropout(0.0));
                if (!s.shareAttKey) {
                    if (s.c2p()) {
                        add("pos_key_proj", Layers.linear(s.hidden, allHeadSize));
                    }
                    if (s.p2c()) {
                        add("pos_query_proj", Layers.linear(s.hidden, allHeadSize));
                    }
                }
            }
            add("dropout", Layers.dropout(0.0));
        }

        /** {@code transpose_for_scores}: {@code (b, n, heads * d)} to {@code (b * heads, n, d)}. */
        private Shape scores(Shape x) {
            long d = x.dim(x.rank() - 1) / s.heads;
            return Shape.of(Exact.mul(x.dim(0), s.heads), x.dim(1), d);
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape queryLayer = scores(call(t, "query_proj", hiddenStates));
            Shape keyLayer = scores(call(t, "key_proj", hiddenStates));
            Shape valueLayer = scores(call(t, "value_proj", hiddenStates));
            Shape keyT = Shape.of(keyLayer.dim(0), keyLayer.dim(2), keyLayer.dim(1));
            Shape attentionScores = MatMul.bmm(queryLayer, keyT);
            t.flops(MatMul.bmmFlops(queryLayer, keyT));
            if (s.relativeAttention) {
                Shape relEmbeddings = call(t, "pos_dropout", xs.get(1));
                long rows = Math.min(relEmbeddings.dim(0), Dims.mul(2, s.attSpan()));
                Shape sliced = Shape.of(1, rows, relEmbeddings.dim(1));
                long repeat = queryLayer.dim(0) / s.heads;
                Shape posQueryLayer = null;
                Shape posKeyLayer = null;
                if (s.shareAttKey) {
                    posQueryLayer = repeated(call(t, "query_proj", sliced), repeat);
                    posKeyLayer = repeated(call(t, "key_proj", sliced), repeat);
                } else {
                    if (s.c2p()) {
                        posKeyLayer = repeated(call(t, "pos_key_proj", sliced), repeat);
                    }
                    if (s.p2c()) {
                        posQueryLayer = repeated(call(t, "pos_query_proj", sliced), repeat);
                    }
                }
                if (s.c2p()) {
                    Shape posKeyT = Shape.of(posKeyLayer.dim(0), posKeyLayer.dim(2), posKeyLayer.dim(1));
                    MatMul.bmm(queryLayer, posKeyT);
                    t.flops(MatMul.bmmFlops(queryLayer, posKeyT));
                }
                if (s.p2c()) {
                    Shape posQueryT = Shape.of(posQueryLayer.dim(0), posQueryLayer.dim(2), posQueryLayer.dim(1));
                    MatMul.bmm(keyLayer, posQueryT);
                    t.flops(MatMul.bmmFlops(keyLayer, posQueryT));
                }
            }
            long batch = hiddenStates.dim(0);
            Shape probs = call(t, "dropout", Shape.of(batch, s.heads, attentionScores.dim(1),
                    attentionScores.dim(2)));
            Shape flatProbs = Shape.of(Exact.mul(batch, s.heads), probs.dim(2), probs.dim(3));
            Shape context = MatMul.bmm(flatProbs, valueLayer);
            t.flops(MatMul.bmmFlops(flatProbs, valueLayer));
            return List.of(Shape.of(batch, context.dim(1), Exact.mul(s.heads, context.dim(2))));
        }

        /** {@code transpose_for_scores(proj(rel_embeddings)).repeat(n, 1, 1)}. */
        private Shape repeated(Shape projected, long n) {
            Shape x = scores(projected);
            return Shape.of(Exact.mul(x.dim(0), n), x.dim(1), x.dim(2));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of(); // None
    }
}
