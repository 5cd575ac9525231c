package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.model.DType;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Map;
import dev.modelsummary.memory.KvCache;

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
        Map<String, Module> children = module.childrenWithEmptyPlaces();
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


    /** {@code pruned_heads} is applied (or, for T5, refused) while building. */
    @Override
    public void checkPrunedHeads(HfConfig config) {
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        if (!PrunedHeads.of(config).isEmpty()) {
            // every T5 class builds a T5Stack, a PreTrainedModel whose post_init() prunes config.pruned_heads
            // through its base_model, itself, which has no _prune_heads (T5Model's own looks for encoder.layer)
            throw new ConfigException("'T5Stack' object has no attribute '_prune_heads' (pruned_heads: T5 cannot "
                    + "prune heads)");
        }
        Module model = buildClass(config, architecture, s);
        // tie_weights(): with is_encoder_decoder and tie_encoder_decoder, the base model's encoder takes the
        // decoder's weights (T5EncoderModel and the token classifier set is_encoder_decoder to False)
        if (config.bool("is_encoder_decoder", true) && config.bool("tie_encoder_decoder", false)) {
            Module base = model.childrenWithEmptyPlaces().get("transformer") != null ? model.child("transformer") : model;
            if (base.childrenWithEmptyPlaces().containsKey("decoder")) {
                EncoderDecoderTie.tie(base.child("encoder"), base.child("decoder"));
            }
        }
        return model;
    }

    private Module buildClass(HfConfig config, String architecture, Sizes s) {
        switch (architecture) {
            case BASE -> {
                return t5Model(s);
            }
            case CONDITIONAL_GENERATION -> {
                T5Root model = new T5Root(architecture);
                Module shared = encoderDecoder(s, model);
                Module lmHead = model.add("lm_head", Layers.linear(s.dModel, s.vocab, false));
                Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, shared);
                return model;
            }
            case ENCODER -> {
                return encoderModel(s);
            }
            case SEQUENCE_CLASSIFICATION -> {
                T5Root model = new T5Root(architecture);
                model.add("transformer", t5Model(s));
                model.add("classification_head", new T5ClassificationHead(s, config.numLabels()));
                model.eosTokenId = config.integer("eos_token_id", 1);
                return model;
            }
            case TOKEN_CLASSIFICATION -> {
                T5Root model = new T5Root(architecture);
                model.add("transformer", encoderModel(s));
                model.add("dropout", dropout(s.classifierDropout));
                model.add("classifier", Layers.linear(s.dModel, config.numLabels()));
                return model;
            }
            case QUESTION_ANSWERING -> {
                T5Root model = new T5Root(architecture);
                encoderDecoder(s, model);
                model.add("qa_outputs", Layers.linear(s.dModel, config.numLabels()));
                return model;
            }
            default -> throw new IllegalStateException(architecture);
        }
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
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;
        final boolean tieWordEmbeddings;
        final double classifierDropout;
        /** {@code dense_act_fn}: the part after {@code gated-}; {@code gated-gelu} means {@code gelu_new}. */
        final String denseActFn;

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
            denseActFn = feedForwardProj.equals("gated-gelu") ? "gelu_new" : actInfo[actInfo.length - 1];
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            torchscript = c.bool("torchscript", false);
            classifierDropout = c.real("classifier_dropout", 0.0);
            dropout(c.real("dropout_rate", 0.1)); // every T5Stack's nn.Dropout(config.dropout_rate)
        }
    }

    /** {@code T5Model}: shared, encoder, decoder. */
    private static Module t5Model(Sizes s) {
        T5Root model = new T5Root(BASE);
        encoderDecoder(s, model);
        return model;
    }

    /** {@code T5EncoderModel}: shared, encoder. */
    private static Module encoderModel(Sizes s) {
        T5Root model = new T5Root(ENCODER);
        Module shared = model.add("shared", Layers.embeddingForward(s.vocab, s.dModel));
        model.add("encoder", new T5Stack(s, shared, false, s.layers));
        return model;
    }

    /** Registers {@code shared}, {@code encoder} and {@code decoder} on {@code model}; returns shared. */
    private static Module encoderDecoder(Sizes s, Module model) {
        Module shared = model.add("shared", Layers.embeddingForward(s.vocab, s.dModel));
        model.add("encoder", new T5Stack(s, shared, false, s.layers));
        model.add("decoder", new T5Stack(s, shared, true, s.decoderLayers));
        return shared;
    }

    /**
     * The T5 model classes' forwards (4.40.2, {@code use_cache=False}, {@code decoder_input_ids} of the shape of
     * {@code input_ids}): the encoder stack, the decoder stack over the encoder's last hidden state, then the
     * class's head. Outputs, None skipped: T5Model {@code (last_hidden_state, encoder_last_hidden_state)};
     * T5ForConditionalGeneration {@code (logits, encoder_last_hidden_state)} (the tied {@code * d_model**-0.5}
     * rescale is elementwise, no FLOPs); T5EncoderModel {@code (last_hidden_state)}; T5ForQuestionAnswering
     * {@code (start_logits, end_logits, encoder_last_hidden_state)}; T5ForSequenceClassification
     * {@code (logits, encoder_last_hidden_state)}; T5ForTokenClassification {@code (logits)}.
     */
    static final class T5Root extends Module {
        /** The architecture built: a copy of T5 may rename the class (mT5's {@code MT5Model}), not change it. */
        private final String torchClass;
        /** {@code config.eos_token_id}, for T5ForSequenceClassification. */
        long eosTokenId;

        T5Root(String torchClass) {
            className(torchClass);
            this.torchClass = torchClass;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            Shape decoderInputIds = xs.size() > 1 ? xs.get(1) : inputIds;
            switch (torchClass) {
                case ENCODER -> {
                    return List.of(call(t, "encoder", inputIds));
                }
                case TOKEN_CLASSIFICATION -> {
                    Shape hiddenStates = callOutputs(t, "transformer", inputIds).get(0);
                    hiddenStates = call(t, "dropout", hiddenStates);
                    return List.of(call(t, "classifier", hiddenStates));
                }
                case SEQUENCE_CLASSIFICATION -> {
                    List<Shape> outputs = callOutputs(t, "transformer", List.of(inputIds, decoderInputIds));
                    Shape sequenceOutput = outputs.get(0);
                    // eos_mask = input_ids.eq(eos_token_id): all-zero input_ids hold eos only when it is 0;
                    // sequence_output[eos_mask, :].view(batch_size, -1, hidden_size)[:, -1, :]
                    long batch = sequenceOutput.dim(0);
                    long hidden = sequenceOutput.dim(2);
                    long selected = eosTokenId == 0 ? Exact.mul(batch, sequenceOutput.dim(1)) : 0;
                    long elements = Exact.mul(selected, hidden);
                    if (elements == 0) {
                        throw new ShapeException("cannot reshape tensor of 0 elements into shape [" + batch
                                + ", -1, " + hidden + "] because the unspecified dimension size -1 can be any value "
                                + "and is ambiguous");
                    }
                    Shape sentenceRepresentation = Shape.of(batch, hidden);
                    Shape logits = call(t, "classification_head", sentenceRepresentation);
                    return List.of(logits, outputs.get(1));
                }
                default -> {
                }
            }
            {
                Shape hiddenStates = call(t, "encoder", inputIds);
                Shape sequenceOutput = call(t, "decoder", List.of(decoderInputIds, hiddenStates));
                switch (torchClass) {
                    case BASE -> {
                        return List.of(sequenceOutput, hiddenStates);
                    }
                    case CONDITIONAL_GENERATION -> {
                        return List.of(call(t, "lm_head", sequenceOutput), hiddenStates);
                    }
                    default -> {
                        Shape logits = call(t, "qa_outputs", sequenceOutput);
                        Shape squeezed = Heads.startEndLogits(logits);
                        return List.of(squeezed, squeezed, hiddenStates);
                    }
                }
            }
        }
    }

    /**
     * {@code T5Stack(config, embed_tokens)}: the embedding module passed in (registered again under this
     * name), the blocks (the relative attention bias in block 0 only), final_layer_norm, dropout. Forward:
     * {@code input_ids.view(-1, seq)}, embed_tokens, dropout, each block (block 0 computes the position bias the
     * others reuse; the decoder's also the cross-attention bias), final_layer_norm, dropout. A decoder takes
     * {@code (input_ids, encoder_hidden_states)}.
     */
    static final class T5Stack extends Module {
        T5Stack(Sizes s, Module embedTokens, boolean decoder, long layers) {
            add("embed_tokens", embedTokens);
            Sequential block = add("block", new Sequential());
            for (long i = 0; i < layers; i++) {
                block.append(new T5Block(s, decoder, i == 0));
            }
            add("final_layer_norm", new T5LayerNorm(s.dModel));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return forward(t, List.of(inputIds));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            if (inputIds.rank() == 0) {
                throw new ShapeException("tuple index out of range");
            }
            // input_ids.view(-1, input_shape[-1])
            long last = inputIds.dim(inputIds.rank() - 1);
            long numel = Exact.numel(inputIds);
            Shape viewed = last == 0 ? Shape.of(0, 0) : Shape.of(numel / last, last);
            Shape inputsEmbeds = call(t, "embed_tokens", viewed);
            if (inputIds.rank() < 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            if (inputIds.rank() > 2) {
                throw new ShapeException("too many values to unpack (expected 2)");
            }
            Shape hiddenStates = call(t, "dropout", inputsEmbeds);
            List<Shape> blockInputs = xs.size() > 1 ? List.of(hiddenStates, xs.get(1)) : List.of(hiddenStates);
            for (String i : child("block").childrenWithEmptyPlaces().keySet()) {
                List<Shape> in = new java.util.ArrayList<>(blockInputs);
                in.set(0, hiddenStates);
                hiddenStates = callOutputs(t, "block", i, in).get(0);
            }
            hiddenStates = call(t, "final_layer_norm", hiddenStates);
            return call(t, "dropout", hiddenStates);
        }
    }

    /**
     * {@code T5Block}: layer[0] self-attention, layer[1] cross-attention in the decoder (given encoder states),
     * layer[-1] feed-forward. Outputs (use_cache off): hidden states, the self-attention position bias and, in the
     * decoder, the cross-attention position bias, each {@code (batch, heads, q_len, k_len)} after the mask add.
     */
    static final class T5Block extends Module {
        private final boolean decoder;

        T5Block(Sizes s, boolean decoder, boolean relativeAttentionBias) {
            this.decoder = decoder;
            Sequential layer = add("layer", new Sequential());
            layer.append(new T5LayerSelfAttention(s, relativeAttentionBias, decoder));
            if (decoder) {
                layer.append(new T5LayerCrossAttention(s));
            }
            layer.append(new T5LayerFF(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> selfAttentionOutputs = callOutputs(t, "layer", "0", xs.get(0));
            Shape hiddenStates = selfAttentionOutputs.get(0);
            List<Shape> outputs = new java.util.ArrayList<>();
            Shape positionBias = selfAttentionOutputs.get(1);
            Shape crossBias = null;
            if (decoder && xs.size() > 1) {
                List<Shape> crossAttentionOutputs = callOutputs(t, "layer", "1", List.of(hiddenStates, xs.get(1)));
                hiddenStates = crossAttentionOutputs.get(0);
                crossBias = crossAttentionOutputs.get(1);
            }
            String ff = String.valueOf(child("layer").childrenWithEmptyPlaces().size() - 1);
            hiddenStates = call(t, "layer", ff, hiddenStates);
            outputs.add(hiddenStates);
            outputs.add(positionBias);
            if (crossBias != null) {
                outputs.add(crossBias);
            }
            return outputs;
        }
    }

    /** {@code T5LayerSelfAttention}: layer_norm, SelfAttention, dropout and the residual add. */
    static final class T5LayerSelfAttention extends Module {
        T5LayerSelfAttention(Sizes s, boolean relativeAttentionBias, boolean decoder) {
            add("SelfAttention", new T5Attention(s, relativeAttentionBias, decoder));
            add("layer_norm", new T5LayerNorm(s.dModel));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape normed = call(t, "layer_norm", hiddenStates);
            List<Shape> attentionOutput = callOutputs(t, "SelfAttention", normed);
            hiddenStates = Reshape.broadcast(hiddenStates, call(t, "dropout", attentionOutput.get(0)));
            return List.of(hiddenStates, attentionOutput.get(1));
        }
    }

    /** {@code T5LayerCrossAttention(hidden_states, key_value_states)}: layer_norm, EncDecAttention, dropout, add. */
    static final class T5LayerCrossAttention extends Module {
        T5LayerCrossAttention(Sizes s) {
            add("EncDecAttention", new T5Attention(s, false, true));
            add("layer_norm", new T5LayerNorm(s.dModel));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape normed = call(t, "layer_norm", hiddenStates);
            List<Shape> attentionOutput = callOutputs(t, "EncDecAttention", List.of(normed, xs.get(1)));
            Shape layerOutput = Reshape.broadcast(hiddenStates, call(t, "dropout", attentionOutput.get(0)));
            return List.of(layerOutput, attentionOutput.get(1));
        }
    }

    /** {@code T5LayerFF}: layer_norm, DenseReluDense, dropout and the residual add. */
    static final class T5LayerFF extends Module {
        T5LayerFF(Sizes s) {
            add("DenseReluDense", s.gated ? new T5DenseGatedActDense(s) : new T5DenseActDense(s));
            add("layer_norm", new T5LayerNorm(s.dModel));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape forwarded = call(t, "layer_norm", hiddenStates);
            forwarded = call(t, "DenseReluDense", forwarded);
            return Reshape.broadcast(hiddenStates, call(t, "dropout", forwarded));
        }
    }

    /** {@code T5DenseActDense}: wi, act, dropout, wo. */
    static final class T5DenseActDense extends Module {
        T5DenseActDense(Sizes s) {
            add("wi", Layers.linear(s.dModel, s.dFf, false));
            add("wo", Layers.linear(s.dFf, s.dModel, false));
            add("dropout", Layers.dropout(0.0));
            add("act", Bert.act(s.denseActFn));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            hiddenStates = call(t, "wi", hiddenStates);
            hiddenStates = call(t, "act", hiddenStates);
            hiddenStates = call(t, "dropout", hiddenStates);
            return call(t, "wo", hiddenStates);
        }
    }

    /** {@code T5DenseGatedActDense}: act(wi_0(x)) * wi_1(x), dropout, wo. */
    static final class T5DenseGatedActDense extends Module {
        T5DenseGatedActDense(Sizes s) {
            add("wi_0", Layers.linear(s.dModel, s.dFf, false));
            add("wi_1", Layers.linear(s.dModel, s.dFf, false));
            add("wo", Layers.linear(s.dFf, s.dModel, false));
            add("dropout", Layers.dropout(0.0));
            add("act", Bert.act(s.denseActFn));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape hiddenGelu = call(t, "act", call(t, "wi_0", hiddenStates));
            Shape hiddenLinear = call(t, "wi_1", hiddenStates);
            Shape product = call(t, "dropout", Reshape.broadcast(hiddenGelu, hiddenLinear));
            return call(t, "wo", product);
        }
    }

    /**
     * {@code T5Attention} (eager, no cache): bias-free q, k, v, o; the relative attention bias table when it has
     * one. Forward {@code (hidden_states[, key_value_states])}: q on the hidden states, k and v on the key/value
     * states (cross-attention) or the hidden states, {@code QK^T}, the position bias ({@code compute_bias}: the
     * table's lookup of the (q_len, k_len) buckets, else zeros (1, heads, q_len, k_len)) plus the extended mask
     * (batch, 1, 1 or q_len, k_len), softmax, functional dropout, {@code AV}, o. Outputs: the attention output
     * and the position bias.
     */
    static final class T5Attention extends Module {
        private final long heads;
        private final long dKv;
        private final boolean decoder;

        T5Attention(Sizes s, boolean relativeAttentionBias, boolean decoder) {
            heads = s.heads;
            dKv = s.dKv;
            this.decoder = decoder;
            long inner = Dims.mul(s.heads, s.dKv);
            add("q", Layers.linear(s.dModel, inner, false));
            add("k", Layers.linear(s.dModel, inner, false));
            add("v", Layers.linear(s.dModel, inner, false));
            add("o", Layers.linear(inner, s.dModel, false));
            if (relativeAttentionBias) {
                add("relative_attention_bias", Layers.embeddingForward(s.buckets, s.heads));
            }
        }

        /** {@code states.view(batch_size, -1, n_heads, d_kv).transpose(1, 2)}. */
        private Shape shape(Shape states, long batch) {
            long numel = Exact.numel(states);
            long group = Exact.product(batch, heads, dKv);
            if (group == 0 || numel % group != 0) {
                throw new ShapeException("shape '[" + batch + ", -1, " + heads + ", " + dKv + "]' is invalid for "
                        + "input of size " + numel);
            }
            return Shape.of(batch, heads, numel / group, dKv);
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape keyValueStates = xs.size() > 1 ? xs.get(1) : null;
            long batch = hiddenStates.dim(0);
            long realSeqLength = hiddenStates.dim(1);
            long keyLength = keyValueStates == null ? realSeqLength : keyValueStates.dim(1);
            Shape source = keyValueStates == null ? hiddenStates : keyValueStates;
            Shape queryStates = shape(call(t, "q", hiddenStates), batch);
            Shape keyStates = shape(call(t, "k", source), batch);
            Shape valueStates = shape(call(t, "v", source), batch);
            Shape keyT = Shape.of(batch, heads, dKv, keyStates.dim(2));
            Shape scores = MatMul.matmul(queryStates, keyT);
            t.flops(MatMul.matmulFlops(queryStates, keyT));
            Shape positionBias;
            if (childrenWithEmptyPlaces().containsKey("relative_attention_bias")) {
                Shape values = call(t, "relative_attention_bias", Shape.of(realSeqLength, keyLength));
                positionBias = Shape.of(1, values.dim(2), values.dim(0), values.dim(1));
            } else {
                positionBias = Shape.of(1, heads, realSeqLength, keyLength);
            }
            // + mask: the extended attention mask, (b, 1, 1, k) for the encoder and the cross-attention,
            // (b, 1, q, k) causal for the decoder's self-attention
            Shape mask = decoder && keyValueStates == null ? Shape.of(batch, 1, realSeqLength, keyLength)
                    : Shape.of(batch, 1, 1, keyLength);
            positionBias = Reshape.broadcast(positionBias, mask);
            Shape weights = Reshape.broadcast(scores, positionBias);
            Shape attnOutput = MatMul.matmul(weights, valueStates);
            t.flops(MatMul.matmulFlops(weights, valueStates));
            Shape unshaped = Shape.of(batch, attnOutput.dim(2), Dims.mul(heads, dKv));
            return List.of(call(t, "o", unshaped), positionBias);
        }
    }

    /** {@code T5LayerNorm}: a scale only, no bias; forward keeps the shape (RMS norm, no FLOPs). */
    static final class T5LayerNorm extends Module {
        T5LayerNorm(long hidden) {
            parameter("weight", hidden);
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return x;
        }
    }

    /**
     * {@code T5ClassificationHead(hidden_states)}: dense, dropout, out_proj. Forward: dropout, dense,
     * {@code torch.tanh} (no module), dropout, out_proj.
     */
    static final class T5ClassificationHead extends Module {
        T5ClassificationHead(Sizes s, long labels) {
            add("dense", Layers.linear(s.dModel, s.dModel));
            add("dropout", dropout(s.classifierDropout));
            add("out_proj", Layers.linear(s.dModel, labels));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            hiddenStates = call(t, "dropout", hiddenStates);
            hiddenStates = call(t, "dense", hiddenStates);
            hiddenStates = call(t, "dropout", hiddenStates);
            return call(t, "out_proj", hiddenStates);
        }
    }

    private static Module dropout(double p) {
        return MobileNetV1.dropout(p);
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("T5Block");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: an {@code EncoderDecoderCache}: {@code num_heads x d_kv} per
     * decoder layer, self-attention over the decoded tokens and cross-attention over the encoder output.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        if (architecture.equals(ENCODER) || architecture.equals(TOKEN_CLASSIFICATION)) {
            return null; // encoder only
        }
        Sizes s = new Sizes(config);
        return KvCaches.encoderDecoder(config, s.decoderLayers, s.heads, s.dKv, KvCache.ENCODER_SEQ_LEN);
    }
}
