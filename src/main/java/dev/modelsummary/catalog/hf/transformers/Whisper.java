package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/whisper/modeling_whisper.py} with {@code WhisperConfig}'s defaults
 * (whisper-tiny's sizes): WhisperModel, WhisperForConditionalGeneration ({@code proj_out} tied to the decoder's
 * {@code embed_tokens}), WhisperForAudioClassification (encoder, projector, classifier; {@code layer_weights} with
 * {@code use_weighted_layer_sum}), WhisperForCausalLM (the decoder in a {@code WhisperDecoderWrapper}, proj_out tied).
 * The encoder's sinusoidal {@code embed_positions} does not require grad.
 *
 * <p>Inputs: {@code input_features} (batch, num_mel_bins, 2 * max_source_positions) (conv1 keeps the length,
 * conv2 halves it) and, for the encoder-decoder classes, {@code decoder_input_ids} (batch, target length):
 * {@link Module#traceAll} with {@code [input_features, decoder_input_ids]}. Traced on one tensor (the command
 * line's {@code --compute}), that tensor is {@code input_features} and {@code decoder_input_ids} is (batch, 1), the
 * decoder start token of one generation step. WhisperForCausalLM takes {@code input_ids} (batch, seq) alone.
 */
public final class Whisper implements HfFamily {
    static final String BASE = "WhisperModel";
    static final String CONDITIONAL_GENERATION = "WhisperForConditionalGeneration";
    static final String AUDIO_CLASSIFICATION = "WhisperForAudioClassification";
    static final String CAUSAL_LM = "WhisperForCausalLM";

    @Override
    public String modelType() {
        return "whisper";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, CONDITIONAL_GENERATION, AUDIO_CLASSIFICATION, CAUSAL_LM);
    }

    @Override
    public Task task(String architecture) {
        // no audio task in the catalog's grouping: audio classification is listed with the base models
        return HfFamily.taskBySuffix(architecture);
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new WhisperModel(s);
            case CONDITIONAL_GENERATION -> new WhisperForConditionalGeneration(s);
            case AUDIO_CLASSIFICATION -> new WhisperForAudioClassification(s, config);
            case CAUSAL_LM -> new WhisperForCausalLM(s);
            default -> throw new IllegalStateException(architecture);
        };
    }

    @Override
    public Shape imageInput(HfConfig config, long batch) {
        Sizes s = new Sizes(config);
        return Shape.of(batch, s.numMelBins, Dims.mul(2, s.maxSourcePositions));
    }

    /** {@code input_features}, not pixels. */
    @Override
    public ModelInput.Kind inputKind() {
        return ModelInput.Kind.AUDIO;
    }

    @Override
    public Shape imageInput(HfConfig config, String architecture, long batch) {
        return architecture.equals(CAUSAL_LM) ? null : imageInput(config, batch);
    }

    /** The sizes {@code WhisperConfig} gives ({@code hidden_size} and {@code num_attention_heads} are aliases). */
    static final class Sizes {
        final long vocab;
        final long numMelBins;
        final long dModel;
        final long encoderLayers;
        final long decoderLayers;
        final long encoderHeads;
        final long decoderHeads;
        final long encoderFfn;
        final long decoderFfn;
        final long maxSourcePositions;
        final long maxTargetPositions;
        final String activation;
        final boolean tieWordEmbeddings;
        /** {@code pad_token_id}, the decoder embedding's padding_idx; null when set to null. */
        final Long padTokenId;

        Sizes(HfConfig c) {
            padTokenId = c.has("pad_token_id") || !c.keys().contains("pad_token_id")
                    ? Long.valueOf(c.integer("pad_token_id", 50256)) : null;
            vocab = c.integer("vocab_size", 51865);
            numMelBins = c.integer("num_mel_bins", 80);
            // attribute_map: hidden_size -> d_model, num_attention_heads -> encoder_attention_heads (set last)
            dModel = c.integer("hidden_size", c.integer("d_model", 384));
            encoderLayers = c.integer("encoder_layers", 4);
            decoderLayers = c.integer("decoder_layers", 4);
            encoderHeads = c.integer("num_attention_heads", c.integer("encoder_attention_heads", 6));
            decoderHeads = c.integer("decoder_attention_heads", 6);
            encoderFfn = c.integer("encoder_ffn_dim", 1536);
            decoderFfn = c.integer("decoder_ffn_dim", 1536);
            maxSourcePositions = c.integer("max_source_positions", 1500);
            maxTargetPositions = c.integer("max_target_positions", 448);
            activation = c.string("activation_function", "gelu");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true) && !c.bool("torchscript", false);
        }
    }

    /** {@code WhisperModel}: encoder, decoder; outputs (last_hidden_state, encoder_last_hidden_state). */
    static final class WhisperModel extends Module {
        WhisperModel(Sizes s) {
            add("encoder", new WhisperEncoder(s));
            add("decoder", new WhisperDecoder(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputFeatures = xs.get(0);
            Shape decoderInputIds = xs.size() > 1 ? xs.get(1) : Shape.of(inputFeatures.dim(0), 1);
            Shape encoderLastHiddenState = callOutputs(t, "encoder", inputFeatures).get(0);
            Shape lastHiddenState = call(t, "decoder", List.of(decoderInputIds, encoderLastHiddenState));
            return List.of(lastHiddenState, encoderLastHiddenState);
        }
    }

    /** {@code WhisperForConditionalGeneration}: model, proj_out (no bias); outputs (logits, encoder state). */
    static final class WhisperForConditionalGeneration extends Module {
        WhisperForConditionalGeneration(Sizes s) {
            Module model = add("model", new WhisperModel(s));
            Module projOut = add("proj_out", Layers.linear(s.dModel, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings, projOut, model.child("decoder").child("embed_tokens"));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> outputs = callOutputs(t, "model", xs);
            return List.of(call(t, "proj_out", outputs.get(0)), outputs.get(1));
        }
    }

    /**
     * {@code WhisperForCausalLM}: {@code model} (a WhisperDecoderWrapper, never called) holding the decoder, which
     * the forward calls directly ({@code self.model.decoder(...)}) without encoder states, then proj_out.
     */
    static final class WhisperForCausalLM extends Module {
        WhisperForCausalLM(Sizes s) {
            Module model = add("model", new WhisperDecoderWrapper());
            model.add("decoder", new WhisperDecoder(s));
            Module projOut = add("proj_out", Layers.linear(s.dModel, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings, projOut, model.child("decoder").child("embed_tokens"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            Shape hiddenStates = call(t, "model", "decoder", inputIds);
            return call(t, "proj_out", hiddenStates);
        }
    }

    /** {@code WhisperDecoderWrapper}: holds {@code decoder}; WhisperForCausalLM calls the decoder itself. */
    static final class WhisperDecoderWrapper extends Module {
    }

    /**
     * {@code WhisperForAudioClassification}: {@code layer_weights} (num_hidden_layers + 1) with
     * {@code use_weighted_layer_sum}, encoder, projector (to classifier_proj_size), the mean over time, classifier.
     */
    static final class WhisperForAudioClassification extends Module {
        private final boolean weightedLayerSum;

        WhisperForAudioClassification(Sizes s, HfConfig c) {
            weightedLayerSum = c.bool("use_weighted_layer_sum", false);
            long projSize = c.integer("classifier_proj_size", 256);
            add("encoder", new WhisperEncoder(s, weightedLayerSum));
            if (weightedLayerSum) {
                parameter("layer_weights", Dims.add(c.integer("num_hidden_layers", s.encoderLayers), 1));
            }
            add("projector", Layers.linear(s.dModel, projSize));
            add("classifier", Layers.linear(projSize, c.numLabels()));
        }

        /** logits, then the encoder's hidden states when the weighted layer sum asked for them. */
        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputFeatures = xs.get(0);
            List<Shape> encoderOutputs = callOutputs(t, "encoder", inputFeatures);
            Shape hiddenStates = encoderOutputs.get(0);
            if (weightedLayerSum) {
                long layers = encoderOutputs.size() - 1;
                long weights = tensors().stream().filter(e -> e.name().equals("layer_weights")).findFirst()
                        .orElseThrow().shape().dim(0);
                if (layers != weights) {
                    throw new ShapeException("shape '[-1, 1, 1]' is invalid for input of size " + weights
                            + " against " + layers + " stacked hidden states");
                }
            }
            Shape projected = call(t, "projector", hiddenStates);
            List<Shape> outputs = new ArrayList<>();
            outputs.add(call(t, "classifier", Shape.of(projected.dim(0), projected.dim(2))));
            outputs.addAll(encoderOutputs.subList(1, encoderOutputs.size()));
            return outputs;
        }
    }

    /**
     * {@code WhisperEncoder}: conv1 (mel bins to d_model, kernel 3, padding 1), conv2 (kernel 3, stride 2,
     * padding 1), {@code embed_positions} (max_source_positions rows, requires_grad False) called on every
     * position, the layers, layer_norm. Refuses features of another length than 2 * max_source_positions in
     * upstream's words; the GELUs are functional.
     */
    static final class WhisperEncoder extends Module {
        private final long expectedSeqLength;
        private final long maxSourcePositions;
        private final boolean hiddenStates;

        WhisperEncoder(Sizes s) {
            this(s, false);
        }

        /** @param hiddenStates output_hidden_states: the embeddings and every layer's output after the last state */
        WhisperEncoder(Sizes s, boolean hiddenStates) {
            this.hiddenStates = hiddenStates;
            maxSourcePositions = s.maxSourcePositions;
            expectedSeqLength = Dims.mul(s.maxSourcePositions, 2);
            add("conv1", Layers.conv1d(s.numMelBins, s.dModel, 3, 1, true).padding(1));
            add("conv2", Layers.conv1d(s.dModel, s.dModel, 3, 1, true).stride(2).padding(1));
            Module embedPositions = add("embed_positions", Layers.embeddingForward(s.maxSourcePositions, s.dModel));
            embedPositions.requiresGrad(false);
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.encoderLayers; i++) {
                layers.append(new WhisperEncoderLayer(s));
            }
            add("layer_norm", Layers.layerNormForward(s.dModel));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputFeatures = xs.get(0);
            long length = inputFeatures.dim(inputFeatures.rank() - 1);
            if (length != expectedSeqLength) {
                throw new ShapeException("Whisper expects the mel input features to be of length "
                        + expectedSeqLength + ", but found " + length + ". Make sure to pad the input mel features to "
                        + expectedSeqLength + ".");
            }
            Shape inputsEmbeds = call(t, "conv2", call(t, "conv1", inputFeatures));
            inputsEmbeds = Shape.of(inputsEmbeds.dim(0), inputsEmbeds.dim(2), inputsEmbeds.dim(1));
            Shape positions = call(t, "embed_positions", Shape.of(maxSourcePositions));
            Shape hidden = Reshape.broadcast(inputsEmbeds, positions);
            List<Shape> states = new ArrayList<>();
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                states.add(hidden);
                hidden = callOutputs(t, "layers", i, hidden).get(0);
            }
            hidden = call(t, "layer_norm", hidden);
            states.add(hidden);
            List<Shape> outputs = new ArrayList<>(List.of(hidden));
            if (hiddenStates) {
                outputs.addAll(states);
            }
            return outputs;
        }
    }

    /**
     * {@code WhisperEncoderLayer} (pre-norm): self_attn_layer_norm, self_attn, residual, final_layer_norm, fc1,
     * activation_fn, fc2, residual; outputs (hidden_states, attn_weights).
     */
    static final class WhisperEncoderLayer extends Module {
        WhisperEncoderLayer(Sizes s) {
            add("self_attn", new WhisperAttention(s.dModel, s.encoderHeads, true));
            add("self_attn_layer_norm", Layers.layerNormForward(s.dModel));
            add("activation_fn", Bert.act(s.activation));
            add("fc1", Layers.linear(s.dModel, s.encoderFfn));
            add("fc2", Layers.linear(s.encoderFfn, s.dModel));
            add("final_layer_norm", Layers.layerNormForward(s.dModel));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape residual = xs.get(0);
            List<Shape> attn = callOutputs(t, "self_attn", call(t, "self_attn_layer_norm", residual));
            Shape hidden = Reshape.broadcast(residual, attn.get(0));
            Shape ff = call(t, "fc2", call(t, "activation_fn", call(t, "fc1", call(t, "final_layer_norm", hidden))));
            return List.of(Reshape.broadcast(hidden, ff), attn.get(1));
        }
    }

    /**
     * {@code WhisperDecoder(input_ids, encoder_hidden_states)}: embed_tokens, embed_positions
     * (WhisperPositionalEmbedding: {@code weight[position_ids]}, (batch, seq, d_model)), the layers (causal mask
     * functional), layer_norm. Without encoder states (WhisperForCausalLM) the cross-attention is not run.
     */
    static final class WhisperDecoder extends Module {
        private final long maxTargetPositions;

        WhisperDecoder(Sizes s) {
            if (s.padTokenId != null && (s.padTokenId >= s.vocab || s.padTokenId < -s.vocab)) {
                // nn.Embedding(vocab_size, d_model, padding_idx)
                throw new ConfigException("Padding_idx must be within num_embeddings");
            }
            maxTargetPositions = s.maxTargetPositions;
            add("embed_tokens", Layers.embeddingForward(s.vocab, s.dModel));
            add("embed_positions", Layers.embedding(s.maxTargetPositions, s.dModel)
                    .forwardAs("WhisperPositionalEmbedding", (t, ids) -> Shape.of(ids.dim(0), ids.dim(1), s.dModel)));
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.decoderLayers; i++) {
                layers.append(new WhisperDecoderLayer(s));
            }
            add("layer_norm", Layers.layerNormForward(s.dModel));
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            long seq = inputIds.dim(inputIds.rank() - 1);
            long rows = seq == 0 ? 0 : dev.modelsummary.compute.Exact.numel(inputIds) / seq;
            Shape ids = Shape.of(rows, seq);
            Shape encoderHiddenStates = xs.size() > 1 ? xs.get(1) : null;
            Shape inputsEmbeds = call(t, "embed_tokens", ids);
            if (seq > maxTargetPositions) {
                throw new ShapeException("index " + maxTargetPositions + " is out of bounds for dimension 0 with size "
                        + maxTargetPositions);
            }
            // position_ids = cache_position.unsqueeze(0).repeat(input_shape[0], 1)
            Shape positions = call(t, "embed_positions", Shape.of(inputIds.rank() == 2 ? inputIds.dim(0) : 1, seq));
            Shape hidden = Reshape.broadcast(inputsEmbeds, positions);
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                List<Shape> in = encoderHiddenStates == null ? List.of(hidden) : List.of(hidden, encoderHiddenStates);
                hidden = callOutputs(t, "layers", i, in).get(0);
            }
            return call(t, "layer_norm", hidden);
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return forward(t, List.of(inputIds));
        }
    }

    /**
     * {@code WhisperDecoderLayer}: self_attn_layer_norm, self_attn (causal), residual; with encoder states
     * encoder_attn_layer_norm, encoder_attn (keys and values from the encoder states), residual; final_layer_norm,
     * fc1, activation_fn, fc2, residual; outputs (hidden_states,).
     */
    static final class WhisperDecoderLayer extends Module {
        WhisperDecoderLayer(Sizes s) {
            add("self_attn", new WhisperAttention(s.dModel, s.decoderHeads, true));
            add("activation_fn", Bert.act(s.activation));
            add("self_attn_layer_norm", Layers.layerNormForward(s.dModel));
            add("encoder_attn", new WhisperAttention(s.dModel, s.decoderHeads, true));
            add("encoder_attn_layer_norm", Layers.layerNormForward(s.dModel));
            add("fc1", Layers.linear(s.dModel, s.decoderFfn));
            add("fc2", Layers.linear(s.decoderFfn, s.dModel));
            add("final_layer_norm", Layers.layerNormForward(s.dModel));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hidden = xs.get(0);
            Shape attn = callOutputs(t, "self_attn", call(t, "self_attn_layer_norm", hidden)).get(0);
            hidden = Reshape.broadcast(hidden, attn);
            if (xs.size() > 1) {
                Shape normed = call(t, "encoder_attn_layer_norm", hidden);
                Shape cross = callOutputs(t, "encoder_attn", List.of(normed, xs.get(1))).get(0);
                hidden = Reshape.broadcast(hidden, cross);
            }
            Shape ff = call(t, "fc2", call(t, "activation_fn", call(t, "fc1", call(t, "final_layer_norm", hidden))));
            return List.of(Reshape.broadcast(hidden, ff));
        }
    }

    /**
     * {@code WhisperAttention} (eager): k_proj without bias, v_proj, q_proj, out_proj (registered so; called q, k,
     * v, out). Self-attention on {@code [hidden_states]}, cross-attention on {@code [hidden_states,
     * key_value_states]}; {@code QK^T} and {@code AV} counted here; outputs (attn_output, attn_weights (b, heads,
     * q_len, k_len)): eager attention returns the weights whether asked or not.
     */
    static final class WhisperAttention extends Module {
        private final long heads;
        private final long headDim;

        WhisperAttention(long embedDim, long heads, boolean bias) {
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (heads < 0 || embedDim % heads != 0) {
                // the classes build only the attentions they have (audio classification: the encoder's)
                throw new ConfigException("embed_dim must be divisible by num_heads (got `embed_dim`: " + embedDim
                        + " and `num_heads`: " + heads + ").");
            }
            this.heads = heads;
            headDim = embedDim / heads;
            add("k_proj", Layers.linear(embedDim, embedDim, false));
            add("v_proj", Layers.linear(embedDim, embedDim, bias));
            add("q_proj", Layers.linear(embedDim, embedDim, bias));
            add("out_proj", Layers.linear(embedDim, embedDim, bias));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            Shape current = xs.size() > 1 ? xs.get(1) : hiddenStates;
            Shape query = call(t, "q_proj", hiddenStates);
            Shape key = call(t, "k_proj", current);
            call(t, "v_proj", current);
            long batch = query.dim(0);
            long queryLength = query.dim(1);
            long keyLength = key.dim(1);
            Shape attnOutput = Vit.eagerAttention(t, batch, heads, queryLength, keyLength, headDim);
            return List.of(call(t, "out_proj", attnOutput), Shape.of(batch, heads, queryLength, keyLength));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("WhisperEncoderLayer", "WhisperDecoderLayer");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: an {@code EncoderDecoderCache}: {@code decoder_attention_heads x
     * d_model / heads} per decoder layer, self-attention, then cross-attention over the encoder output of the default
     * input.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        if (architecture.equals(AUDIO_CLASSIFICATION)) {
            return null; // the encoder alone
        }
        Sizes s = new Sizes(config);
        // the encoder's conv2 (kernel 3, stride 2, padding 1) halves the default input's frames: 3000 -> 1500
        long encoderTokens = Math.floorDiv(imageInput(config, 1).dim(2) - 1, 2) + 1;
        return KvCaches.encoderDecoder(config, s.decoderLayers, s.decoderHeads, Math.floorDiv(s.dModel,
                s.decoderHeads), architecture.equals(CAUSAL_LM) ? 0 : encoderTokens);
    }
}
