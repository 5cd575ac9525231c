package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/gpt_neo/modeling_gpt_neo.py} with {@code GPTNeoConfig}'s defaults: GPT-2's
 * block with Linear layers, q/k/v without bias, the attention wrapped as {@code attn.attention} and global or local
 * per {@code attention_layers} (expanded from {@code attention_types}). Each attention's causal {@code bias} (bool,
 * {@code (1, 1, max_positions, max_positions)}, local ones with the window cut out) and {@code masked_bias} are
 * non-persistent buffers, so not in {@code state_dict()} and not here. lm_head is tied to wte.
 */
public final class GptNeo implements HfFamily {
    @Override
    public String modelType() {
        return "gpt_neo";
    }

    @Override
    public List<String> architectures() {
        return List.of("GPTNeoModel", "GPTNeoForCausalLM", "GPTNeoForSequenceClassification",
                "GPTNeoForTokenClassification", "GPTNeoForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case "GPTNeoModel" -> new GPTNeoModel(s);
            case "GPTNeoForCausalLM" -> new GPTNeoForCausalLM(s);
            default -> Heads.generic(architecture, "transformer", "transformer", () -> new GPTNeoModel(s), s.hidden,
                    config.numLabels(), config.optionalInteger("pad_token_id"))
                    .orElseThrow(() -> new IllegalStateException(architecture));
        };
    }

    /** {@code GPTNeoConfig}'s values with its defaults and its check of the attention layers. */
    static final class Sizes {
        final long vocab;
        final long positions;
        final long hidden;
        final long layers;
        final long heads;
        final long inner;
        final String activation;
        final boolean tieWordEmbeddings;
        final boolean torchscript;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 50257);
            positions = c.integer("max_position_embeddings", 2048);
            hidden = c.integer("hidden_size", 2048);
            layers = c.integer("num_layers", 24);
            heads = c.integer("num_heads", 16);
            Long intermediate = c.optionalInteger("intermediate_size");
            inner = intermediate != null ? intermediate : Dims.mul(4, hidden);
            activation = c.string("activation_function", "gelu_new");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            torchscript = c.bool("torchscript", false);
            List<String> expanded = expand(c.node("attention_types"));
            if (expanded.size() != layers) {
                throw new ConfigException("Configuration for convolutional module is incorrect. It is required that "
                        + "`len(config.attention_layers)` == `config.num_layers` but is "
                        + "`len(config.attention_layers) = " + expanded.size() + "`, `config.num_layers = " + layers
                        + "`. `config.attention_layers` is prepared using `config.attention_types`. Please verify "
                        + "the value of `config.attention_types` argument.");
            }
            // an attention_layers key in the config is set over the expanded list by PretrainedConfig's kwargs
            JsonNode given = c.node("attention_layers");
            List<String> attentionLayers = new ArrayList<>(expanded);
            if (given != null && given.isArray()) {
                attentionLayers.clear();
                given.forEach(v -> attentionLayers.add(v.asText()));
            }
            for (long i = 0; i < layers; i++) {
                String type = i < attentionLayers.size() ? attentionLayers.get((int) i) : null;
                if (type == null) {
                    throw new ConfigException("list index out of range (config.attention_layers[" + i + "])");
                }
                if (!type.equals("global") && !type.equals("local")) {
                    throw new ConfigException("Only attn layer types 'global' and 'local' exist, but got "
                            + "`config.attention_layers`: " + attentionLayers + ". Select attn layer types from "
                            + "['global', 'local'] only.");
                }
            }
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (layers > 0 && (hidden / heads) * heads != hidden) {
                throw new ConfigException("embed_dim must be divisible by num_heads (got `embed_dim`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
        }

        /** {@code expand_attention_types_params}: each {@code [types, n]} repeats {@code types} n times. */
        private static List<String> expand(JsonNode types) {
            List<String> out = new ArrayList<>();
            if (types == null || types.isNull()) {
                for (int i = 0; i < 12; i++) {
                    out.add("global");
                    out.add("local");
                }
                return out;
            }
            for (JsonNode item : types) {
                for (long n = 0; n < item.get(1).asLong(); n++) {
                    if (out.size() > 1_000_000) {
                        throw new ConfigException("attention_types expands past a million layers");
                    }
                    item.get(0).forEach(v -> out.add(v.asText()));
                }
            }
            return out;
        }
    }

    /**
     * {@code GPTNeoModel} (eager, {@code use_cache=False}): wte, wpe at {@code cache_position.unsqueeze(0)}
     * {@code (1, seq)}, drop, each block (iterated), ln_f; the last hidden state alone.
     */
    static final class GPTNeoModel extends Module {
        private final long positions;

        GPTNeoModel(Sizes s) {
            positions = s.positions;
            add("wte", Layers.embeddingForward(s.vocab, s.hidden));
            add("wpe", Layers.embeddingForward(s.positions, s.hidden));
            add("drop", Layers.dropout(0.0));
            Sequential h = add("h", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                h.append(new GPTNeoBlock(s));
            }
            add("ln_f", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            long seq = inputIds.dim(1);
            Shape inputsEmbeds = call(t, "wte", inputIds);
            if (seq > positions) {
                throw new ShapeException("index out of range in self");
            }
            Shape positionEmbeds = call(t, "wpe", Shape.of(1, seq));
            Shape hiddenStates = call(t, "drop", Reshape.broadcast(inputsEmbeds, positionEmbeds));
            for (String i : child("h").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = callOutputs(t, "h", i, hiddenStates).get(0);
            }
            return call(t, "ln_f", hiddenStates);
        }
    }

    /** {@code GPTNeoBlock}: ln_1, attn, residual; ln_2, mlp, residual. Outputs the hidden states and attn weights. */
    static final class GPTNeoBlock extends Module {
        GPTNeoBlock(Sizes s) {
            add("ln_1", Layers.layerNormForward(s.hidden));
            add("attn", new GPTNeoAttention(s));
            add("ln_2", Layers.layerNormForward(s.hidden));
            add("mlp", new GPTNeoMLP(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape residual = xs.get(0);
            List<Shape> attn = callOutputs(t, "attn", call(t, "ln_1", residual));
            Shape hiddenStates = Reshape.broadcast(attn.get(0), residual);
            hiddenStates = Reshape.broadcast(hiddenStates, call(t, "mlp", call(t, "ln_2", hiddenStates)));
            return List.of(hiddenStates, attn.get(1));
        }
    }

    /** {@code GPTNeoAttention}: the global or local {@code attention}, called with the same arguments. */
    static final class GPTNeoAttention extends Module {
        GPTNeoAttention(Sizes s) {
            add("attention", new GPTNeoSelfAttention(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            return callOutputs(t, "attention", xs);
        }
    }

    /**
     * {@code GPTNeoSelfAttention} (eager {@code _attn}): q/k/v projections, {@code matmul(q, k^T)} in float32,
     * the causal (or local) mask, softmax, {@code attn_dropout} on the weights, {@code matmul(w, v)}, merge,
     * out_proj, resid_dropout. Outputs the attention output and the weights {@code (batch, heads, seq, seq)}.
     */
    static final class GPTNeoSelfAttention extends Module {
        private final long heads;
        private final long headDim;

        GPTNeoSelfAttention(Sizes s) {
            heads = s.heads;
            headDim = s.hidden / s.heads;
            add("attn_dropout", Layers.dropout(0.0));
            add("resid_dropout", Layers.dropout(0.0));
            add("k_proj", Layers.linear(s.hidden, s.hidden, false));
            add("v_proj", Layers.linear(s.hidden, s.hidden, false));
            add("q_proj", Layers.linear(s.hidden, s.hidden, false));
            add("out_proj", Layers.linear(s.hidden, s.hidden, true));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            call(t, "q_proj", hiddenStates);
            call(t, "k_proj", hiddenStates);
            call(t, "v_proj", hiddenStates);
            long batch = hiddenStates.dim(0);
            long seq = hiddenStates.dim(1);
            return ClassicParts.attentionOutput(this, t, batch, heads, seq, headDim);
        }
    }

    /** {@code GPTNeoMLP}: c_fc, act, c_proj, dropout. */
    static final class GPTNeoMLP extends DecoderParts.TwoLayerMlp {
        GPTNeoMLP(Sizes s) {
            super("c_fc", "act", "c_proj", "dropout");
            add("c_fc", Layers.linear(s.hidden, s.inner));
            add("c_proj", Layers.linear(s.inner, s.hidden));
            add("act", Act457.act(s.activation));
            add("dropout", Layers.dropout(0.0));
        }
    }

    /** {@code GPTNeoForCausalLM}: transformer, lm_head (no bias, tied to wte) on every position. */
    static final class GPTNeoForCausalLM extends Module {
        GPTNeoForCausalLM(Sizes s) {
            Module transformer = add("transformer", new GPTNeoModel(s));
            Module lmHead = add("lm_head", Layers.linear(s.hidden, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, transformer.child("wte"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", Heads.lastHiddenState(this, t, "transformer", inputIds));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("GPTNeoBlock");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: {@code num_heads x hidden / num_heads} on every layer: the local
     * layers' {@code window_size} is a mask, not a cache window.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, s.heads, Math.floorDiv(s.hidden, s.heads));
    }
}
