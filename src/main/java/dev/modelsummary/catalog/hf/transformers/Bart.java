package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/bart/modeling_bart.py} with {@code BartConfig}'s defaults and its
 * {@code attribute_map} ({@code hidden_size} names {@code d_model}, {@code num_attention_heads} names
 * {@code encoder_attention_heads}). {@code shared} is a {@code BartScaledWordEmbedding} (times sqrt(d_model) with
 * {@code scale_embedding}, elementwise); the encoder's and decoder's {@code embed_tokens} take its weight in their
 * constructors, so one parameter under three names (under {@code torchscript} with tied embeddings,
 * {@code _tie_or_clone_weights} clones them apart). Learned positions have the offset of 2, post-norm layers,
 * {@code layernorm_embedding} after the embeddings. BartForConditionalGeneration adds the persistent
 * {@code final_logits_bias} buffer {@code (1, vocab)} and lm_head tied to shared; BartForCausalLM is the decoder alone
 * ({@code BartDecoderWrapper}) with its own embed_tokens and lm_head tied to it.
 */
public final class Bart implements HfFamily {
    @Override
    public String modelType() {
        return "bart";
    }

    @Override
    public List<String> architectures() {
        return List.of("BartModel", "BartForConditionalGeneration", "BartForSequenceClassification",
                "BartForQuestionAnswering", "BartForCausalLM");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case "BartModel" -> new BartModel(s);
            case "BartForConditionalGeneration" -> new BartRoot(architecture, s, config);
            case "BartForSequenceClassification" -> new BartRoot(architecture, s, config);
            case "BartForQuestionAnswering" -> new BartRoot(architecture, s, config);
            case "BartForCausalLM" -> new BartForCausalLM(s);
            default -> throw new IllegalStateException(architecture);
        };
    }

    /** {@code BartConfig}'s values with its defaults; an {@code attribute_map} alias wins when set. */
    static final class Sizes {
        final long vocab;
        final long positions;
        final long dModel;
        final long encoderLayers;
        final long decoderLayers;
        final long encoderFfn;
        final long decoderFfn;
        final long encoderHeads;
        final long decoderHeads;
        final String activation;
        final boolean tieWordEmbeddings;
        final boolean torchscript;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 50265);
            positions = c.integer("max_position_embeddings", 1024);
            dModel = c.has("hidden_size") ? c.integer("hidden_size", 1024) : c.integer("d_model", 1024);
            encoderLayers = c.integer("encoder_layers", 12);
            decoderLayers = c.integer("decoder_layers", 12);
            encoderFfn = c.integer("encoder_ffn_dim", 4096);
            decoderFfn = c.integer("decoder_ffn_dim", 4096);
            encoderHeads = c.has("num_attention_heads") ? c.integer("num_attention_heads", 16)
                    : c.integer("encoder_attention_heads", 16);
            decoderHeads = c.integer("decoder_attention_heads", 16);
            activation = c.string("activation_function", "gelu");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            torchscript = c.bool("torchscript", false);
            check(encoderLayers, encoderHeads);
            check(decoderLayers, decoderHeads);
        }

        /** {@code BartAttention}'s check, made by each layer's attention. */
        private void check(long layers, long heads) {
            if (layers <= 0) {
                return;
            }
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if ((dModel / heads) * heads != dModel) {
                throw new ConfigException("embed_dim must be divisible by num_heads (got `embed_dim`: " + dModel
                        + " and `num_heads`: " + heads + ").");
            }
        }
    }

    /** {@code BartConfig.num_labels}: {@code PretrainedConfig}'s, with BartConfig's default of 3. */
    static long numLabels(HfConfig config) {
        return config.has("num_labels") || config.has("id2label") ? config.numLabels() : 3;
    }

    /** {@code BartScaledWordEmbedding}: an {@code nn.Embedding} whose lookup is scaled (elementwise, no FLOPs). */
    static Module scaledWordEmbedding(long vocab, long dim) {
        return Layers.embeddingForward(vocab, dim).forwardAs("BartScaledWordEmbedding", (t, x) -> {
            long[] out = java.util.Arrays.copyOf(x.dims(), x.rank() + 1);
            out[x.rank()] = dim;
            return Shape.of(out);
        });
    }

    /**
     * {@code BartModel}: shared, encoder, decoder (both embed_tokens sharing shared's weight). Forward with
     * {@code decoder_input_ids} of the shape of {@code input_ids}: the encoder, then the decoder over its output;
     * outputs {@code (last_hidden_state, encoder_last_hidden_state)}.
     */
    static final class BartModel extends Module {
        BartModel(Sizes s) {
            Module shared = add("shared", scaledWordEmbedding(s.vocab, s.dModel));
            BartEncoder encoder = add("encoder", new BartEncoder(s));
            BartDecoder decoder = add("decoder", new BartDecoder(s, false));
            if (!(s.tieWordEmbeddings && s.torchscript)) {
                encoder.child("embed_tokens").tie("weight", shared, "weight");
                decoder.child("embed_tokens").tie("weight", shared, "weight");
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            Shape decoderInputIds = xs.size() > 1 ? xs.get(1) : inputIds;
            Shape encoderHidden = call(t, "encoder", inputIds);
            Shape decoderHidden = call(t, "decoder", List.of(decoderInputIds, encoderHidden));
            return List.of(decoderHidden, encoderHidden);
        }
    }

    /**
     * {@code BartEncoder}: embed_tokens, embed_positions at {@code (batch, seq)}, layernorm_embedding, each layer
     * (iterated); the last hidden state.
     */
    static final class BartEncoder extends Module {
        BartEncoder(Sizes s) {
            add("embed_tokens", scaledWordEmbedding(s.vocab, s.dModel));
            add("embed_positions", new ClassicParts.LearnedPositionalEmbedding("BartLearnedPositionalEmbedding",
                    s.positions, s.dModel));
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.encoderLayers; i++) {
                layers.append(new BartEncoderLayer(s));
            }
            add("layernorm_embedding", Layers.layerNormForward(s.dModel));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() < 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            long seq = inputIds.dim(inputIds.rank() - 1);
            Shape ids = Shape.of(inputIds.numel() / Math.max(seq, 1), seq);
            Shape inputsEmbeds = call(t, "embed_tokens", ids);
            Shape embedPos = call(t, "embed_positions", inputIds);
            Shape hiddenStates = call(t, "layernorm_embedding", Reshape.broadcast(inputsEmbeds, embedPos));
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = callOutputs(t, "layers", i, hiddenStates).get(0);
            }
            return hiddenStates;
        }
    }

    /**
     * {@code BartDecoder}: embed_tokens, embed_positions at {@code cache_position} ({@code (1, seq)}),
     * layernorm_embedding, each layer (with cross-attention on the encoder's states when given); the last hidden
     * state. Takes {@code (input_ids[, encoder_hidden_states])}.
     */
    static final class BartDecoder extends Module {
        BartDecoder(Sizes s, boolean decoderOnly) {
            add("embed_tokens", scaledWordEmbedding(s.vocab, s.dModel));
            add("embed_positions", new ClassicParts.LearnedPositionalEmbedding("BartLearnedPositionalEmbedding",
                    s.positions, s.dModel));
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.decoderLayers; i++) {
                layers.append(new BartDecoderLayer(s));
            }
            add("layernorm_embedding", Layers.layerNormForward(s.dModel));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return forward(t, List.of(inputIds));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            if (inputIds.rank() < 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            long seq = inputIds.dim(inputIds.rank() - 1);
            Shape ids = Shape.of(inputIds.numel() / Math.max(seq, 1), seq);
            Shape inputsEmbeds = call(t, "embed_tokens", ids);
            Shape positions = call(t, "embed_positions", Shape.of(1, seq));
            Shape hiddenStates = call(t, "layernorm_embedding", Reshape.broadcast(inputsEmbeds, positions));
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                List<Shape> in = xs.size() > 1 ? List.of(hiddenStates, xs.get(1)) : List.of(hiddenStates);
                hiddenStates = callOutputs(t, "layers", i, in).get(0);
            }
            return hiddenStates;
        }
    }

    /**
     * {@code BartEncoderLayer} (post-norm): self_attn, residual, self_attn_layer_norm; fc1, activation_fn, fc2,
     * residual, final_layer_norm. Outputs the hidden states alone.
     */
    static final class BartEncoderLayer extends Module {
        BartEncoderLayer(Sizes s) {
            add("self_attn", new BartAttention(s.dModel, s.encoderHeads));
            add("self_attn_layer_norm", Layers.layerNormForward(s.dModel));
            add("activation_fn", Act457.act(s.activation));
            add("fc1", Layers.linear(s.dModel, s.encoderFfn));
            add("fc2", Layers.linear(s.encoderFfn, s.dModel));
            add("final_layer_norm", Layers.layerNormForward(s.dModel));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            hiddenStates = callOutputs(t, "self_attn", hiddenStates).get(0);
            hiddenStates = call(t, "self_attn_layer_norm", Reshape.broadcast(residual, hiddenStates));
            residual = hiddenStates;
            hiddenStates = call(t, "fc2", call(t, "activation_fn", call(t, "fc1", hiddenStates)));
            return call(t, "final_layer_norm", Reshape.broadcast(residual, hiddenStates));
        }
    }

    /**
     * {@code BartDecoderLayer} (post-norm): self_attn (causal), self_attn_layer_norm; with encoder states
     * encoder_attn and encoder_attn_layer_norm; fc1, activation_fn, fc2, final_layer_norm.
     */
    static final class BartDecoderLayer extends Module {
        BartDecoderLayer(Sizes s) {
            add("self_attn", new BartAttention(s.dModel, s.decoderHeads));
            add("activation_fn", Act457.act(s.activation));
            add("self_attn_layer_norm", Layers.layerNormForward(s.dModel));
            add("encoder_attn", new BartAttention(s.dModel, s.decoderHeads));
            add("encoder_attn_layer_norm", Layers.layerNormForward(s.dModel));
            add("fc1", Layers.linear(s.dModel, s.decoderFfn));
            add("fc2", Layers.linear(s.decoderFfn, s.dModel));
            add("final_layer_norm", Layers.layerNormForward(s.dModel));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape residual = hiddenStates;
            hiddenStates = callOutputs(t, "self_attn", hiddenStates).get(0);
            hiddenStates = call(t, "self_attn_layer_norm", Reshape.broadcast(residual, hiddenStates));
            if (xs.size() > 1) {
                residual = hiddenStates;
                hiddenStates = callOutputs(t, "encoder_attn", List.of(hiddenStates, xs.get(1))).get(0);
                hiddenStates = call(t, "encoder_attn_layer_norm", Reshape.broadcast(residual, hiddenStates));
            }
            residual = hiddenStates;
            hiddenStates = call(t, "fc2", call(t, "activation_fn", call(t, "fc1", hiddenStates)));
            return call(t, "final_layer_norm", Reshape.broadcast(residual, hiddenStates));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            return forward(t, List.of(hiddenStates));
        }
    }

    /**
     * {@code BartAttention} (eager): q_proj on the hidden states, k_proj and v_proj on the key-value states (the
     * encoder's for cross-attention), the eager function's two products, out_proj. Outputs the attention output
     * and the weights {@code (batch, heads, tgt, src)}.
     */
    static final class BartAttention extends Module {
        private final long heads;
        private final long headDim;

        BartAttention(long embedDim, long heads) {
            this.heads = heads;
            this.headDim = heads == 0 ? 0 : embedDim / heads;
            add("k_proj", Layers.linear(embedDim, embedDim));
            add("v_proj", Layers.linear(embedDim, embedDim));
            add("q_proj", Layers.linear(embedDim, embedDim));
            add("out_proj", Layers.linear(embedDim, embedDim));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape current = xs.size() > 1 ? xs.get(1) : hiddenStates;
            long bsz = hiddenStates.dim(0);
            long tgt = hiddenStates.dim(1);
            long src = current.dim(1);
            call(t, "q_proj", hiddenStates);
            call(t, "k_proj", current);
            call(t, "v_proj", current);
            ClassicParts.eagerAttention(t, bsz, heads, tgt, src, headDim);
            Shape out = call(t, "out_proj", Shape.of(bsz, tgt, heads * headDim));
            return List.of(out, Shape.of(bsz, heads, tgt, src));
        }
    }

    /** {@code BartClassificationHead}: dropout, dense, tanh, dropout (called twice), out_proj. */
    static final class BartClassificationHead extends Module {
        BartClassificationHead(long inputDim, long innerDim, long numClasses) {
            add("dense", Layers.linear(inputDim, innerDim));
            add("dropout", Layers.dropout(0.0));
            add("out_proj", Layers.linear(innerDim, numClasses));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            hiddenStates = call(t, "dense", call(t, "dropout", hiddenStates));
            return call(t, "out_proj", call(t, "dropout", hiddenStates));
        }
    }

    /**
     * BartForConditionalGeneration (model, the {@code final_logits_bias} buffer, lm_head tied to shared; outputs
     * logits and the encoder's last hidden state), BartForSequenceClassification (model, classification_head on the
     * last {@code eos_token_id} position of each row; outputs logits and the encoder's state) and
     * BartForQuestionAnswering (model, qa_outputs to {@code num_labels}, split in start and end logits).
     */
    static final class BartRoot extends Module {
        private final String torchClass;
        private final long eosTokenId;

        BartRoot(String torchClass, Sizes s, HfConfig config) {
            className(torchClass);
            this.torchClass = torchClass;
            this.eosTokenId = config.integer("eos_token_id", 2);
            Module model = add("model", new BartModel(s));
            switch (torchClass) {
                case "BartForConditionalGeneration" -> {
                    buffer("final_logits_bias", DType.FLOAT32, 1, s.vocab);
                    Module lmHead = add("lm_head", Layers.linear(s.dModel, s.vocab, false));
                    Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, model.child("shared"));
                }
                case "BartForSequenceClassification" -> add("classification_head",
                        new BartClassificationHead(s.dModel, s.dModel, numLabels(config)));
                // BartForQuestionAnswering sets config.num_labels = 2 before building
                default -> add("qa_outputs", Layers.linear(s.dModel, 2));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            List<Shape> outputs = callOutputs(t, "model", List.of(inputIds, xs.size() > 1 ? xs.get(1) : inputIds));
            Shape hiddenStates = outputs.get(0);
            switch (torchClass) {
                case "BartForConditionalGeneration" -> {
                    return List.of(call(t, "lm_head", hiddenStates), outputs.get(1));
                }
                case "BartForSequenceClassification" -> {
                    // eos_mask = input_ids.eq(eos_token_id): all-zero input_ids hold eos only when it is 0
                    long batch = hiddenStates.dim(0);
                    long hidden = hiddenStates.dim(2);
                    if (eosTokenId != 0) {
                        throw new ShapeException("index -1 is out of bounds for dimension 1 with size 0");
                    }
                    Shape logits = call(t, "classification_head", Shape.of(batch, hidden));
                    return List.of(logits, outputs.get(1));
                }
                default -> {
                    Shape logits = call(t, "qa_outputs", hiddenStates);
                    Shape squeezed = Heads.startEndLogits(logits);
                    return List.of(squeezed, squeezed, outputs.get(1));
                }
            }
        }
    }

    /**
     * {@code BartForCausalLM}: model ({@code BartDecoderWrapper} holding a decoder with its own embed_tokens),
     * lm_head tied to it. Its forward calls {@code self.model.decoder} directly (no cross-attention).
     */
    static final class BartForCausalLM extends Module {
        BartForCausalLM(Sizes s) {
            Module wrapper = add("model", new Module().className("BartDecoderWrapper"));
            Module decoder = wrapper.add("decoder", new BartDecoder(s, true));
            Module lmHead = add("lm_head", Layers.linear(s.dModel, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, decoder.child("embed_tokens"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", call(t, "model", "decoder", inputIds));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("BartEncoderLayer", "BartDecoderLayer");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: an {@code EncoderDecoderCache}: {@code decoder_attention_heads x
     * d_model / heads} per decoder layer, self-attention, then cross-attention over the encoder output tokens.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        // BartForCausalLM runs the decoder alone: its cross-attention cache stays empty
        return KvCaches.encoderDecoder(config, s.decoderLayers, s.decoderHeads, Math.floorDiv(s.dModel,
                s.decoderHeads), architecture.equals("BartForCausalLM") ? 0 : KvCache.ENCODER_SEQ_LEN);
    }
}
