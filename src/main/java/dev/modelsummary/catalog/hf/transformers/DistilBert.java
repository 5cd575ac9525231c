package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/distilbert/modeling_distilbert.py} with {@code DistilBertConfig}'s defaults
 * ({@code attribute_map}: {@code hidden_size} is {@code dim}, {@code num_attention_heads} {@code n_heads},
 * {@code num_hidden_layers} {@code n_layers}). BERT without token types or pooler, with its own names:
 * {@code Embeddings} (word and position tables; a non-persistent {@code position_ids} buffer), a
 * {@code Transformer} of {@code TransformerBlock}s (MultiHeadSelfAttention q_lin/k_lin/v_lin/out_lin, post-norm
 * {@code sa_layer_norm}, {@code FFN} lin1/lin2, {@code output_layer_norm}). With {@code sinusoidal_pos_embds} the
 * position table is filled by {@code create_sinusoidal_embeddings}, which sets its {@code requires_grad} False.
 */
public final class DistilBert implements HfFamily {
    static final String BASE = "DistilBertModel";

    /** {@code pruned_heads} is applied while building, as {@code init_weights()} does. */
    @Override
    public void checkPrunedHeads(HfConfig config) {
    }

    @Override
    public String modelType() {
        return "distilbert";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "DistilBertForMaskedLM", "DistilBertForSequenceClassification",
                "DistilBertForQuestionAnswering", "DistilBertForTokenClassification", "DistilBertForMultipleChoice");
    }

    /** The sizes {@code DistilBertConfig} gives, with its defaults. */
    static final class Sizes {
        final long vocab;
        final long dim;
        final long layers;
        final long heads;
        final long hiddenDim;
        final long maxPositions;
        final boolean sinusoidal;
        final String activation;
        final boolean tieWordEmbeddings;
        /** {@code pruned_heads}: per layer index, the distinct heads {@code prune_heads} removes. */
        final java.util.Map<Long, java.util.Set<Long>> prunedHeads = new java.util.HashMap<>();

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 30522);
            dim = c.integer("dim", c.integer("hidden_size", 768));
            layers = c.integer("n_layers", c.integer("num_hidden_layers", 6));
            heads = c.integer("n_heads", c.integer("num_attention_heads", 12));
            hiddenDim = c.integer("hidden_dim", 4 * 768);
            maxPositions = c.integer("max_position_embeddings", 512);
            sinusoidal = c.bool("sinusoidal_pos_embds", false);
            activation = c.string("activation", "gelu");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            long pad = c.integer("pad_token_id", 0);
            if (pad >= vocab || pad < -vocab) {
                // nn.Embedding(vocab_size, dim, padding_idx=pad_token_id)
                throw new ConfigException("Padding_idx must be within num_embeddings");
            }
            if (layers > 0 && heads == 0) {
                throw new ConfigException("integer modulo by zero");
            }
            if (layers > 0 && dim % heads != 0) {
                // TransformerBlock.__init__'s ValueError (only built with a layer)
                throw new ConfigException("config.n_heads " + heads + " must divide config.dim " + dim + " evenly");
            }
            readPrunedHeads(c);
        }

        /**
         * {@code config.pruned_heads} ({@code from_dict} makes its keys ints), applied by {@code init_weights()}:
         * {@code transformer.layer[layer].attention.prune_heads(heads)} for each entry.
         */
        private void readPrunedHeads(HfConfig c) {
            com.fasterxml.jackson.databind.JsonNode node = c.node("pruned_heads");
            if (node == null || !node.isObject()) {
                return;
            }
            node.fields().forEachRemaining(e -> {
                long layer = Long.parseLong(e.getKey().strip());
                if (layer >= layers || layer < -layers) {
                    throw new ConfigException("index " + layer + " is out of range");
                }
                long index = layer < 0 ? layer + layers : layer;
                java.util.Set<Long> set = prunedHeads.computeIfAbsent(index, k -> new java.util.TreeSet<>());
                for (com.fasterxml.jackson.databind.JsonNode h : e.getValue()) {
                    long head = h.asLong();
                    if (head >= heads || head < -heads) {
                        throw new ConfigException("index " + head + " is out of bounds for dimension 0 with size "
                                + heads);
                    }
                    set.add(head < 0 ? head + heads : head);
                }
            });
        }
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        long labels = config.numLabels();
        Head model = new Head(architecture);
        switch (architecture) {
            case BASE -> {
                return new DistilBertModel(s);
            }
            case "DistilBertForMaskedLM" -> {
                model.add("activation", Act457.act(s.activation));
                Module distilbert = model.add("distilbert", new DistilBertModel(s));
                model.add("vocab_transform", Layers.linear(s.dim, s.dim));
                model.add("vocab_layer_norm", Layers.layerNormForward(s.dim));
                Module projector = model.add("vocab_projector", Layers.linear(s.dim, s.vocab));
                Heads.tieWeights(s.tieWordEmbeddings, projector,
                        distilbert.child("embeddings").child("word_embeddings"));
            }
            case "DistilBertForSequenceClassification" -> {
                model.add("distilbert", new DistilBertModel(s));
                model.add("pre_classifier", Layers.linear(s.dim, s.dim));
                model.add("classifier", Layers.linear(s.dim, labels));
                model.add("dropout", Layers.dropout(0.0));
            }
            case "DistilBertForQuestionAnswering" -> {
                model.add("distilbert", new DistilBertModel(s));
                model.add("qa_outputs", Layers.linear(s.dim, labels));
                if (labels != 2) {
                    throw new ConfigException("config.num_labels should be 2, but it is " + labels);
                }
                model.add("dropout", Layers.dropout(0.0));
            }
            case "DistilBertForTokenClassification" -> {
                model.add("distilbert", new DistilBertModel(s));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.dim, labels));
            }
            case "DistilBertForMultipleChoice" -> {
                model.add("distilbert", new DistilBertModel(s));
                model.add("pre_classifier", Layers.linear(s.dim, s.dim));
                model.add("classifier", Layers.linear(s.dim, 1));
                model.add("dropout", Layers.dropout(0.0));
            }
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /**
     * A head class with its forward (no labels, no loss): the base's last hidden state, then the class's head.
     * {@code nn.ReLU()(pooled_output)} is a new module each call, not a child, so hooks never see it.
     */
    static final class Head extends Module {
        private final String torchClass;

        Head(String torchClass) {
            className(torchClass);
            this.torchClass = torchClass;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            switch (torchClass) {
                case "DistilBertForMaskedLM" -> {
                    Shape x = call(t, "vocab_transform", call(t, "distilbert", inputIds));
                    x = call(t, "activation", x);
                    x = call(t, "vocab_layer_norm", x);
                    return List.of(call(t, "vocab_projector", x));
                }
                case "DistilBertForSequenceClassification" -> {
                    Shape pooled = call(t, "pre_classifier", firstToken(call(t, "distilbert", inputIds)));
                    return List.of(call(t, "classifier", call(t, "dropout", pooled)));
                }
                case "DistilBertForQuestionAnswering" -> {
                    Shape hiddenStates = call(t, "dropout", call(t, "distilbert", inputIds));
                    Shape logits = call(t, "qa_outputs", hiddenStates);
                    Shape squeezed = Heads.startEndLogits(logits);
                    return List.of(squeezed, squeezed);
                }
                case "DistilBertForTokenClassification" -> {
                    return List.of(call(t, "classifier", call(t, "dropout", call(t, "distilbert", inputIds))));
                }
                case "DistilBertForMultipleChoice" -> {
                    return List.of(Heads.multipleChoice(inputIds, flat -> {
                        Shape pooled = call(t, "pre_classifier", firstToken(call(t, "distilbert", flat)));
                        return call(t, "classifier", call(t, "dropout", pooled));
                    }));
                }
                default -> throw new IllegalStateException(torchClass);
            }
        }

        /** {@code hidden_state[:, 0]}. */
        private static Shape firstToken(Shape hiddenState) {
            return Shape.of(hiddenState.dim(0), hiddenState.dim(2));
        }
    }

    /** {@code DistilBertModel}: embeddings, transformer; returns the last hidden state. */
    static final class DistilBertModel extends Module {
        DistilBertModel(Sizes s) {
            Module embeddings = add("embeddings", new Embeddings(s));
            add("transformer", new Transformer(s));
            if (s.sinusoidal) {
                // _init_weights: create_sinusoidal_embeddings sets out.requires_grad = False
                embeddings.child("position_embeddings").requiresGrad(false);
            }
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException(inputIds.rank() < 2 ? "IndexError: tuple index out of range"
                        : "too many values to unpack (expected 3)");
            }
            return call(t, "transformer", call(t, "embeddings", inputIds));
        }
    }

    /** {@code Embeddings}: word and position tables, LayerNorm, dropout; position ids are the buffer's slice. */
    static final class Embeddings extends Module {
        private final long maxPositions;

        Embeddings(Sizes s) {
            maxPositions = s.maxPositions;
            add("word_embeddings", Layers.embeddingForward(s.vocab, s.dim));
            add("position_embeddings", Layers.embeddingForward(s.maxPositions, s.dim));
            add("LayerNorm", Layers.layerNormForward(s.dim));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            Shape inputEmbeds = call(t, "word_embeddings", inputIds);
            long seqLength = inputIds.dim(1);
            // position_ids = self.position_ids[:, :seq_length]: at most max_position_embeddings long
            Shape positionEmbeddings = call(t, "position_embeddings", Shape.of(1, Math.min(seqLength, maxPositions)));
            Shape embeddings = Reshape.broadcast(inputEmbeds, positionEmbeddings);
            return call(t, "dropout", call(t, "LayerNorm", embeddings));
        }
    }

    /** {@code Transformer}: the blocks in turn, each giving {@code (hidden_state,)}. */
    static final class Transformer extends Module {
        Transformer(Sizes s) {
            Sequential layer = add("layer", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layer.append(new TransformerBlock(s, s.prunedHeads.getOrDefault(i, java.util.Set.of()).size()));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenState) {
            for (String i : child("layer").childrenWithEmptyPlaces().keySet()) {
                hiddenState = callOutputs(t, "layer", i, hiddenState).get(0);
            }
            return hiddenState;
        }
    }

    /** {@code TransformerBlock}: attention, sa_layer_norm of the residual sum, ffn, output_layer_norm. */
    static final class TransformerBlock extends Module {
        TransformerBlock(Sizes s, long prunedHeads) {
            add("attention", new MultiHeadSelfAttention(s, prunedHeads));
            add("sa_layer_norm", Layers.layerNormForward(s.dim));
            add("ffn", new Ffn(s));
            add("output_layer_norm", Layers.layerNormForward(s.dim));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            Shape saOutput = callOutputs(t, "attention", x).get(0);
            saOutput = call(t, "sa_layer_norm", Reshape.broadcast(saOutput, x));
            Shape ffnOutput = call(t, "ffn", saOutput);
            return List.of(call(t, "output_layer_norm", Reshape.broadcast(ffnOutput, saOutput)));
        }
    }

    /**
     * {@code MultiHeadSelfAttention} (eager): q_lin, k_lin, v_lin, {@code QK^T}, softmax, dropout, {@code AV},
     * out_lin; returns {@code (context,)}. {@code prune_heads} leaves {@code n_heads - pruned} heads of the same
     * size: q/k/v_lin give, and out_lin takes, {@code head_size * n_heads}.
     */
    static final class MultiHeadSelfAttention extends Module {
        private final long heads;
        private final long dim;

        MultiHeadSelfAttention(Sizes s, long prunedHeads) {
            heads = s.heads - prunedHeads;
            dim = Exact.mul(s.dim / s.heads, heads);
            add("dropout", Layers.dropout(0.0));
            add("q_lin", Layers.linear(s.dim, dim));
            add("k_lin", Layers.linear(s.dim, dim));
            add("v_lin", Layers.linear(s.dim, dim));
            add("out_lin", Layers.linear(dim, s.dim));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            long bs = x.dim(0);
            if (heads == 0) {
                // dim_per_head = self.dim // self.n_heads with every head pruned
                throw new ShapeException("integer division or modulo by zero");
            }
            long headDim = dim / heads;
            Shape q = heads(call(t, "q_lin", x), bs, headDim);
            Shape k = heads(call(t, "k_lin", x), bs, headDim);
            Shape v = heads(call(t, "v_lin", x), bs, headDim);
            Shape kT = Shape.of(k.dim(0), k.dim(1), k.dim(3), k.dim(2));
            Shape scores = MatMul.matmul(q, kT);
            t.flops(MatMul.matmulFlops(q, kT));
            Shape weights = call(t, "dropout", scores);
            Shape context = MatMul.matmul(weights, v);
            t.flops(MatMul.matmulFlops(weights, v));
            Shape unshaped = Shape.of(bs, context.dim(2), Exact.mul(heads, headDim));
            return List.of(call(t, "out_lin", unshaped));
        }

        /** {@code x.view(bs, -1, n_heads, dim_per_head).transpose(1, 2)}. */
        private Shape heads(Shape x, long bs, long headDim) {
            return Shape.of(bs, heads, x.dim(1), headDim);
        }
    }

    /** {@code FFN}: lin1, the activation module, lin2, dropout. */
    static final class Ffn extends Module {
        Ffn(Sizes s) {
            className("FFN");
            add("dropout", Layers.dropout(0.0));
            add("lin1", Layers.linear(s.dim, s.hiddenDim));
            add("lin2", Layers.linear(s.hiddenDim, s.dim));
            add("activation", Act457.act(s.activation));
        }

        @Override
        public Shape forward(Trace t, Shape input) {
            Shape x = call(t, "lin1", input);
            x = call(t, "activation", x);
            x = call(t, "lin2", x);
            return call(t, "dropout", x);
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of(); // None
    }
}
