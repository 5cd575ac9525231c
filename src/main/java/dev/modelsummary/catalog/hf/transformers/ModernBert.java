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
 * transformers 4.57.6 {@code models/modernbert/modular_modernbert.py} with {@code ModernBertConfig}'s defaults:
 * a pre-norm encoder with no biases by default ({@code norm_bias}, {@code attention_bias}, {@code mlp_bias},
 * {@code classifier_bias} False; {@code decoder_bias} True). Embeddings are {@code tok_embeddings}, norm, drop;
 * each layer is {@code attn_norm} (Identity in layer 0), {@code attn} (fused {@code Wqkv}, its own
 * {@code rotary_emb} with a non-persistent {@code inv_freq}, {@code Wo}, {@code out_drop}), {@code mlp_norm},
 * {@code mlp} (GLU: {@code Wi} to twice the intermediate size, chunked, {@code Wo}); then {@code final_norm}.
 * Every {@code global_attn_every_n_layers}-th layer attends globally ({@code global_rope_theta}), the others in a
 * sliding window of {@code local_attention} ({@code local_rope_theta}): masks and thetas, no shape changes.
 *
 * <p>The forward is the eager one on padded input: with eager (or sdpa) attention and no attention mask nothing
 * is unpadded (only {@code flash_attention_2} unpads), position ids are {@code arange(seq_len)[None]} and each
 * attention calls its rotary embedding on them (one counted {@code inv_freq @ position_ids} matmul per layer).
 */
public final class ModernBert implements HfFamily {
    static final String BASE = "ModernBertModel";

    @Override
    public String modelType() {
        return "modernbert";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "ModernBertForMaskedLM", "ModernBertForSequenceClassification",
                "ModernBertForTokenClassification", "ModernBertForQuestionAnswering", "ModernBertForMultipleChoice");
    }

    /** The sizes and options {@code ModernBertConfig} gives, with its defaults. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long intermediate;
        final long layers;
        final long heads;
        final String hiddenActivation;
        final boolean normBias;
        final boolean attentionBias;
        final double attentionDropout;
        final long globalAttnEveryNLayers;
        final boolean mlpBias;
        final boolean decoderBias;
        final String classifierPooling;
        final boolean classifierBias;
        final String classifierActivation;
        final boolean tieWordEmbeddings;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 50368);
            hidden = c.integer("hidden_size", 768);
            intermediate = c.integer("intermediate_size", 1152);
            layers = c.integer("num_hidden_layers", 22);
            heads = c.integer("num_attention_heads", 12);
            hiddenActivation = c.string("hidden_activation", "gelu");
            normBias = c.bool("norm_bias", false);
            attentionBias = c.bool("attention_bias", false);
            attentionDropout = c.real("attention_dropout", 0.0);
            globalAttnEveryNLayers = c.integer("global_attn_every_n_layers", 3);
            mlpBias = c.bool("mlp_bias", false);
            decoderBias = c.bool("decoder_bias", true);
            classifierPooling = c.string("classifier_pooling", "cls");
            classifierBias = c.bool("classifier_bias", false);
            classifierActivation = c.string("classifier_activation", "gelu");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            if (!classifierPooling.equals("cls") && !classifierPooling.equals("mean")) {
                throw new ConfigException("Invalid value for `classifier_pooling`, should be either \"cls\" or "
                        + "\"mean\", but is " + classifierPooling + ".");
            }
            long pad = c.integer("pad_token_id", 50283);
            if (pad >= vocab || pad < -vocab) {
                throw new ConfigException("Padding_idx must be within num_embeddings");
            }
            if (layers > 0 && heads == 0) {
                throw new ConfigException("integer modulo by zero");
            }
            if (layers > 0 && hidden % heads != 0) {
                // ModernBertAttention.__init__'s ValueError (only built with a layer)
                throw new ConfigException("The hidden size (" + hidden + ") is not a multiple of the number of "
                        + "attention heads (" + heads + ")");
            }
            if (layers > 0 && globalAttnEveryNLayers == 0) {
                // layer_id % config.global_attn_every_n_layers
                throw new ConfigException("integer modulo by zero");
            }
            if (layers == 0) {
                // _init_weights: init_std / math.sqrt(2.0 * num_hidden_layers)
                throw new ConfigException("float division by zero");
            }
        }

        long headDim() {
            return hidden / heads;
        }
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        if (config.has("pruned_heads") && config.node("pruned_heads").size() > 0) {
            // init_weights(): self.prune_heads(config.pruned_heads) -> base_model._prune_heads
            throw new ConfigException("'ModernBertModel' object has no attribute '_prune_heads'");
        }
        long labels = config.numLabels();
        if (architecture.equals(BASE)) {
            return new ModernBertModel(s);
        }
        Head model = new Head(architecture, s.classifierPooling);
        Module base = model.add("model", new ModernBertModel(s));
        model.add("head", new ModernBertPredictionHead(s));
        if (architecture.equals("ModernBertForMaskedLM")) {
            Module decoder = model.add("decoder", Layers.linear(s.hidden, s.vocab, s.decoderBias));
            Heads.tieWeights(s.tieWordEmbeddings, decoder, base.child("embeddings").child("tok_embeddings"));
            return model;
        }
        model.add("drop", Layers.dropout(0.0));
        model.add("classifier", Layers.linear(s.hidden,
                architecture.equals("ModernBertForMultipleChoice") ? 1 : labels));
        return model;
    }

    /** {@code nn.LayerNorm(hidden, eps=norm_eps, bias=norm_bias)}: weight, and bias only with {@code norm_bias}. */
    static Module layerNorm(long hidden, boolean bias) {
        return new Module() {
            {
                parameter("weight", hidden);
                if (bias) {
                    parameter("bias", hidden);
                }
            }
        }.forwardAs("LayerNorm", (trace, x) -> x);
    }

    /** {@code nn.Identity()}. */
    static Module identity() {
        return Layers.stateless().forwardAs("Identity", (trace, x) -> x);
    }

    /**
     * A head class with its forward (no labels): the base's last hidden state, then {@code decoder(head(.))}
     * (MaskedLM), or pooled ({@code classifier_pooling}: the first token or the mean over the sequence) through
     * head, drop, classifier (SequenceClassification, MultipleChoice), or per token (TokenClassification,
     * QuestionAnswering, whose logits split into start and end).
     */
    static final class Head extends Module {
        private final String torchClass;
        private final String pooling;

        Head(String torchClass, String pooling) {
            className(torchClass);
            this.torchClass = torchClass;
            this.pooling = pooling;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            switch (torchClass) {
                case "ModernBertForMaskedLM" -> {
                    return List.of(call(t, "decoder", call(t, "head", call(t, "model", inputIds))));
                }
                case "ModernBertForSequenceClassification" -> {
                    Shape last = call(t, "model", inputIds);
                    Shape pooled = Shape.of(last.dim(0), last.dim(2));
                    return List.of(classify(t, pooled));
                }
                case "ModernBertForTokenClassification" -> {
                    return List.of(classify(t, call(t, "model", inputIds)));
                }
                case "ModernBertForQuestionAnswering" -> {
                    Shape logits = classify(t, call(t, "model", inputIds));
                    Shape squeezed = Heads.startEndLogits(logits);
                    return List.of(squeezed, squeezed);
                }
                case "ModernBertForMultipleChoice" -> {
                    return List.of(Heads.multipleChoice(inputIds, flat -> {
                        Shape hidden = call(t, "model", flat);
                        if (pooling.equals("mean")) {
                            // num_non_pad_tokens = attention_mask.sum(...) with no attention mask given
                            throw new ShapeException("'NoneType' object has no attribute 'sum'");
                        }
                        return classify(t, Shape.of(hidden.dim(0), hidden.dim(2)));
                    }));
                }
                default -> throw new IllegalStateException(torchClass);
            }
        }

        private Shape classify(Trace t, Shape x) {
            return call(t, "classifier", call(t, "drop", call(t, "head", x)));
        }
    }

    /** {@code ModernBertPredictionHead}: {@code norm(act(dense(x)))}. */
    static final class ModernBertPredictionHead extends Module {
        ModernBertPredictionHead(Sizes s) {
            add("dense", Layers.linear(s.hidden, s.hidden, s.classifierBias));
            add("act", Act457.act(s.classifierActivation));
            add("norm", layerNorm(s.hidden, s.normBias));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return call(t, "norm", call(t, "act", call(t, "dense", x)));
        }
    }

    /** {@code ModernBertModel}: embeddings, layers, final_norm; returns the last hidden state. */
    static final class ModernBertModel extends Module {
        ModernBertModel(Sizes s) {
            add("embeddings", new ModernBertEmbeddings(s));
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layers.append(new ModernBertEncoderLayer(s, i));
            }
            add("final_norm", layerNorm(s.hidden, s.normBias));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() < 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            // position_ids = torch.arange(seq_len).unsqueeze(0)
            Shape positionIds = Shape.of(1, inputIds.dim(1));
            Shape hiddenStates = call(t, "embeddings", inputIds);
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = callOutputs(t, "layers", i, List.of(hiddenStates, positionIds)).get(0);
            }
            return call(t, "final_norm", hiddenStates);
        }
    }

    /** {@code ModernBertEmbeddings}: {@code drop(norm(tok_embeddings(input_ids)))}. */
    static final class ModernBertEmbeddings extends Module {
        ModernBertEmbeddings(Sizes s) {
            add("tok_embeddings", Layers.embeddingForward(s.vocab, s.hidden));
            add("norm", layerNorm(s.hidden, s.normBias));
            add("drop", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "drop", call(t, "norm", call(t, "tok_embeddings", inputIds)));
        }
    }

    /** {@code ModernBertEncoderLayer}: pre-norm attention and GLU MLP, each added to the residual. */
    static final class ModernBertEncoderLayer extends Module {
        ModernBertEncoderLayer(Sizes s, long layerId) {
            add("attn_norm", layerId == 0 ? identity() : layerNorm(s.hidden, s.normBias));
            add("attn", new ModernBertAttention(s));
            add("mlp_norm", layerNorm(s.hidden, s.normBias));
            add("mlp", new ModernBertMLP(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape attnOutput = callOutputs(t, "attn", List.of(call(t, "attn_norm", hiddenStates), xs.get(1))).get(0);
            hiddenStates = Reshape.broadcast(hiddenStates, attnOutput);
            Shape mlpOutput = call(t, "mlp", call(t, "mlp_norm", hiddenStates));
            return List.of(Reshape.broadcast(hiddenStates, mlpOutput));
        }
    }

    /**
     * {@code ModernBertAttention} with {@code eager_attention_forward}: Wqkv, view {@code (bs, -1, 3, heads,
     * head_dim)}, {@code rotary_emb(qkv, position_ids)}, {@code QK^T}, mask, softmax, functional dropout,
     * {@code AV}, then Wo and out_drop (Identity without attention dropout); returns {@code (hidden_states,)}.
     */
    static final class ModernBertAttention extends Module {
        private final long heads;
        private final long headDim;

        ModernBertAttention(Sizes s) {
            heads = s.heads;
            headDim = s.headDim();
            long allHeadSize = Dims.mul(headDim, heads);
            add("Wqkv", Layers.linear(s.hidden, Dims.mul(3, allHeadSize), s.attentionBias));
            add("rotary_emb", new Llama.LlamaRotaryEmbedding(headDim, "ModernBert", false));
            add("Wo", Layers.linear(s.hidden, s.hidden, s.attentionBias));
            add("out_drop", s.attentionDropout > 0.0 ? Layers.dropout(s.attentionDropout) : identity());
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape qkv = call(t, "Wqkv", hiddenStates);
            long bs = hiddenStates.dim(0);
            long seq = qkv.dim(1);
            callOutputs(t, "rotary_emb", List.of(qkv, xs.get(1)));
            Shape query = Shape.of(bs, heads, seq, headDim);
            Shape keyT = Shape.of(bs, heads, headDim, seq);
            Shape attnWeights = MatMul.matmul(query, keyT);
            t.flops(MatMul.matmulFlops(query, keyT));
            Shape value = Shape.of(bs, heads, seq, headDim);
            MatMul.matmul(attnWeights, value);
            t.flops(MatMul.matmulFlops(attnWeights, value));
            Shape attnOutput = Shape.of(bs, seq, Dims.mul(heads, headDim));
            return List.of(call(t, "out_drop", call(t, "Wo", attnOutput)));
        }
    }

    /** {@code ModernBertMLP}: {@code input, gate = Wi(x).chunk(2, dim=-1)}; {@code Wo(drop(act(input) * gate))}. */
    static final class ModernBertMLP extends Module {
        private final long intermediate;

        ModernBertMLP(Sizes s) {
            intermediate = s.intermediate;
            add("Wi", Layers.linear(s.hidden, Dims.mul(2, s.intermediate), s.mlpBias));
            add("act", Act457.act(s.hiddenActivation));
            add("drop", Layers.dropout(0.0));
            add("Wo", Layers.linear(s.intermediate, s.hidden, s.mlpBias));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape wi = call(t, "Wi", hiddenStates);
            long[] half = wi.dims().clone();
            half[half.length - 1] = intermediate;
            Shape input = Shape.of(half);
            return call(t, "Wo", call(t, "drop", call(t, "act", input)));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("ModernBertEmbeddings", "ModernBertEncoderLayer");
    }
}
