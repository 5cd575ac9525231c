package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/falcon/modeling_falcon.py} with {@code FalconConfig}'s defaults (those of
 * falcon-7b). {@code FalconConfig} in 4.40 has no {@code attribute_map}: the RW keys {@code n_head},
 * {@code n_layer}, {@code n_head_kv} are kept as plain attributes and shape nothing; only {@code n_embed} is read
 * (it replaces {@code hidden_size}). The rotary {@code inv_freq}/cos/sin caches are non-persistent buffers and
 * ALiBi has no tensors, so neither leaves anything here.
 */
public final class Falcon implements HfFamily {
    static final String BASE = "FalconModel";

    @Override
    public String modelType() {
        return "falcon";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "FalconForCausalLM", "FalconForSequenceClassification",
                "FalconForTokenClassification", "FalconForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new FalconModel(s);
            case "FalconForCausalLM" -> new FalconForCausalLM(s);
            default -> Heads.generic(architecture, "transformer", "transformer", () -> new FalconModel(s), s.hidden,
                    config.numLabels(), config.optionalInteger("pad_token_id"))
                    .orElseThrow(() -> new IllegalStateException(architecture));
        };
    }

    /** The sizes {@code FalconConfig} gives, with its defaults. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long kvHeads;
        final boolean alibi;
        final boolean newDecoderArchitecture;
        final boolean multiQuery;
        final boolean parallelAttn;
        final boolean bias;
        final boolean tieWordEmbeddings;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;
        /**
         * {@code ffn_hidden_size}, the MLP's width: as given, else {@code 4 * hidden_size} where hidden_size is the
         * argument (default 4544), not an {@code n_embed} that replaced it: FalconConfig computes it from the
         * argument, so an old config spelling {@code n_embed} gets {@code 4 * 4544} whatever its width.
         */
        final long ffnHidden;
        /** The rotary class by {@code rope_scaling}'s type (none, linear, dynamic); unused with ALiBi. */
        final String rotaryClass;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 65024);
            // backward compatibility: an n_embed kwarg replaces hidden_size
            hidden = c.has("n_embed") ? c.integer("n_embed", 4544) : c.integer("hidden_size", 4544);
            layers = c.integer("num_hidden_layers", 32);
            heads = c.integer("num_attention_heads", 71);
            kvHeads = c.integer("num_kv_heads", heads);
            alibi = c.bool("alibi", false);
            newDecoderArchitecture = c.bool("new_decoder_architecture", false);
            multiQuery = c.bool("multi_query", true);
            parallelAttn = c.bool("parallel_attn", true);
            bias = c.bool("bias", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            torchscript = c.bool("torchscript", false);
            Long ffn = c.optionalInteger("ffn_hidden_size");
            ffnHidden = ffn != null ? ffn : Dims.mul(4, c.integer("hidden_size", 4544));
            // 4.57's FalconConfig validates nothing; its rotary embedding looks the type up (see Rope)
            Rope.validate(c, config -> validateRopeScaling(config, alibi), false,
                    heads == 0 ? 0 : hidden / heads);
            rotaryClass = "Falcon" + Rope.legacyClass(c) + "RotaryEmbedding";
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero"); // hidden_size // heads
            }
            if ((hidden / heads) * heads != hidden) {
                // FalconAttention's ValueError
                throw new ConfigException("`hidden_size` must be divisible by num_heads (got `hidden_size`: "
                        + hidden + " and `num_heads`: " + heads + ").");
            }
        }

        long headDim() {
            return hidden / heads;
        }

        /**
         * {@code FalconAttention.num_kv_heads}: {@code num_kv_heads} under the new architecture or without
         * multi-query, else 1.
         */
        long attentionKvHeads() {
            return newDecoderArchitecture || !multiQuery ? kvHeads : 1;
        }
    }

    /**
     * {@code FalconConfig._rope_scaling_validation}: no {@code rope_scaling} with ALiBi, and a dict of exactly
     * {@code type} (linear or dynamic) and {@code factor} (a float above 1). The check of the alibi flag itself
     * reads {@code self.rotary} in some releases; only the refusal both readings share is made here.
     */
    private static void validateRopeScaling(HfConfig c, boolean alibi) {
        JsonNode scaling = c.node("rope_scaling");
        if (scaling == null || scaling.isNull()) {
            return;
        }
        if (alibi) {
            throw new ConfigException("`rope_scaling` is not supported when `alibi` is `True`.");
        }
        if (!scaling.isObject() || scaling.size() != 2) {
            throw new ConfigException("`rope_scaling` must be a dictionary with with two fields, `type` and "
                    + "`factor`, got " + GptNeoX.pythonRepr(scaling));
        }
        JsonNode type = scaling.get("type");
        if (type == null || type.isNull() || !(type.isTextual()
                && (type.textValue().equals("linear") || type.textValue().equals("dynamic")))) {
            throw new ConfigException("`rope_scaling`'s type field must be one of ['linear', 'dynamic'], got "
                    + (type == null ? "None" : GptNeoX.pythonStr(type)));
        }
        JsonNode factor = scaling.get("factor");
        if (factor == null || factor.isNull() || !factor.isFloatingPointNumber() || factor.doubleValue() <= 1.0) {
            throw new ConfigException("`rope_scaling`'s factor field must be an float > 1, got "
                    + (factor == null ? "None" : GptNeoX.pythonStr(factor)));
        }
    }

    /**
     * {@code FalconModel} with its forward (4.40.2, eager, {@code use_cache=False}): word_embeddings, the ALiBi
     * tensor when configured ({@code build_alibi_tensor}: powers, a cumsum and multiplies, no FLOPs, no module),
     * each decoder layer (an iterated {@code nn.ModuleList}), ln_f; the last hidden state alone.
     */
    static final class FalconModel extends Module {
        FalconModel(Sizes s) {
            add("word_embeddings", Layers.embeddingForward(s.vocab, s.hidden));
            Sequential h = add("h", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                h.append(new FalconDecoderLayer(s));
            }
            add("ln_f", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "word_embeddings", inputIds);
            for (String i : child("h").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "h", i, hiddenStates);
            }
            return call(t, "ln_f", hiddenStates);
        }
    }

    /**
     * {@code FalconDecoderLayer}: the new decoder architecture norms twice ({@code ln_attn}, {@code ln_mlp}) and
     * adds attention to the MLP output; the old one norms once ({@code input_layernorm}) and with
     * {@code parallel_attn} feeds the same norm to the MLP (adding attention after), else adds attention to the
     * residual and norms that ({@code post_attention_layernorm}) for the MLP.
     */
    static final class FalconDecoderLayer extends Module {
        private final boolean newDecoderArchitecture;
        private final boolean parallelAttn;

        FalconDecoderLayer(Sizes s) {
            newDecoderArchitecture = s.newDecoderArchitecture;
            parallelAttn = s.parallelAttn;
            add("self_attention", new FalconAttention(s));
            add("mlp", new FalconMLP(s));
            if (s.newDecoderArchitecture) {
                add("ln_attn", Layers.layerNormForward(s.hidden));
                add("ln_mlp", Layers.layerNormForward(s.hidden));
            } else {
                add("input_layernorm", Layers.layerNormForward(s.hidden));
                if (!s.parallelAttn) {
                    add("post_attention_layernorm", Layers.layerNormForward(s.hidden));
                }
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            Shape attentionLayernormOut;
            Shape mlpLayernormOut = null;
            if (newDecoderArchitecture) {
                attentionLayernormOut = call(t, "ln_attn", hiddenStates);
                mlpLayernormOut = call(t, "ln_mlp", hiddenStates);
            } else {
                attentionLayernormOut = call(t, "input_layernorm", hiddenStates);
            }
            Shape attentionOutput = call(t, "self_attention", attentionLayernormOut);
            if (!newDecoderArchitecture) {
                if (parallelAttn) {
                    mlpLayernormOut = attentionLayernormOut;
                } else {
                    residual = Reshape.broadcast(attentionOutput, residual);
                    mlpLayernormOut = call(t, "post_attention_layernorm", residual);
                }
            }
            Shape mlpOutput = call(t, "mlp", mlpLayernormOut);
            if (newDecoderArchitecture || parallelAttn) {
                mlpOutput = Reshape.broadcast(mlpOutput, attentionOutput);
            }
            return Reshape.broadcast(mlpOutput, residual);
        }
    }

    /**
     * {@code FalconAttention} (eager): query_key_value, {@code _split_heads} (new decoder architecture: k/v
     * broadcast to every head; multi-query: one k/v head; else full k and v), then with rotary
     * {@code rotary_emb(value, seq_len)} (4.40.2's cached cos/sin, {@code (seq, head_dim)} each, no matmul),
     * {@code q @ k^T} and {@code scores @ v} (matmuls broadcasting a single k/v head over the heads), dense; with
     * ALiBi the same two matmuls with {@code attention_dropout} called on the probabilities between them.
     */
    static final class FalconAttention extends Module {
        private final long heads;
        private final long headDim;
        private final long kvHeads;
        private final long configKvHeads;
        private final boolean newDecoderArchitecture;
        private final boolean multiQuery;
        private final boolean alibi;

        FalconAttention(Sizes s) {
            heads = s.heads;
            headDim = s.headDim();
            configKvHeads = s.kvHeads;
            newDecoderArchitecture = s.newDecoderArchitecture;
            multiQuery = s.multiQuery;
            alibi = s.alibi;
            kvHeads = s.attentionKvHeads();
            if (!s.alibi) {
                add("rotary_emb", new DecoderParts.CachedRotaryEmbedding(s.rotaryClass, headDim));
            }
            long qkvOut;
            if (s.newDecoderArchitecture) {
                qkvOut = Dims.mul(Dims.add(Dims.mul(s.kvHeads, 2), s.heads), headDim);
            } else if (s.multiQuery) {
                qkvOut = Dims.add(s.hidden, Dims.mul(2, headDim));
            } else {
                qkvOut = Dims.mul(3, s.hidden);
            }
            add("query_key_value", falconLinear(s.hidden, qkvOut, s.bias));
            add("dense", falconLinear(s.hidden, s.hidden, s.bias));
            add("attention_dropout", Layers.dropout(0.0));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape fusedQkv = call(t, "query_key_value", hiddenStates);
            long batch = fusedQkv.dim(0);
            long seq = fusedQkv.dim(1);
            long width = fusedQkv.dim(2);
            long keyHeads;
            if (newDecoderArchitecture) {
                // qkv.view(batch, seq_len, -1, num_heads // num_kv_heads + 2, head_dim); k/v broadcast to q
                long group = Dims.mul(heads / configKvHeads + 2, headDim);
                if (width % group != 0) {
                    throw new ShapeException("shape '[" + batch + ", " + seq + ", -1, " + (heads / configKvHeads + 2)
                            + ", " + headDim + "]' is invalid for input of size " + fusedQkv.numel());
                }
                keyHeads = heads;
            } else if (multiQuery) {
                keyHeads = 1;
            } else {
                // key_layer.transpose(1, 2).reshape(batch, num_kv_heads, seq, head_dim) from (batch, seq, heads, hd)
                if (kvHeads != heads) {
                    throw new ShapeException("shape '[" + batch + ", " + kvHeads + ", " + seq + ", " + headDim
                            + "]' is invalid for input of size " + Dims.mul(Dims.mul(batch, seq), Dims.mul(heads,
                            headDim)));
                }
                keyHeads = heads;
            }
            Shape query = Shape.of(batch, heads, seq, headDim);
            Shape value = Shape.of(batch, keyHeads, seq, headDim);
            if (!alibi) {
                callOutputs(t, "rotary_emb", List.of(value));
            }
            Shape keyT = Shape.of(batch, keyHeads, headDim, seq);
            Shape scores = MatMul.matmul(query, keyT);
            t.flops(MatMul.matmulFlops(query, keyT));
            if (alibi) {
                scores = call(t, "attention_dropout", scores);
            }
            MatMul.matmul(scores, value);
            t.flops(MatMul.matmulFlops(scores, value));
            return call(t, "dense", Shape.of(batch, seq, Dims.mul(heads, headDim)));
        }
    }

    /** {@code FalconMLP}: dense_h_to_4h, act ({@code nn.GELU}), dense_4h_to_h. */
    static final class FalconMLP extends DecoderParts.TwoLayerMlp {
        FalconMLP(Sizes s) {
            super("dense_h_to_4h", "act", "dense_4h_to_h");
            add("dense_h_to_4h", falconLinear(s.hidden, s.ffnHidden, s.bias));
            add("act", Layers.gelu());
            add("dense_4h_to_h", falconLinear(s.ffnHidden, s.hidden, s.bias));
        }
    }

    /**
     * {@code FalconLinear}: an {@code nn.Linear} whose forward is {@code input @ self.weight.T} (+ bias): a matmul
     * folded to one mm, 2*rows*in*out FLOPs.
     */
    static Module falconLinear(long in, long out, boolean bias) {
        Module linear = Layers.linear(in, out, bias);
        return linear.forwardAs("FalconLinear", (trace, x) -> {
            Shape y = dev.modelsummary.compute.Linear.output(x, in, out);
            trace.flops(dev.modelsummary.compute.Linear.flops(x, out));
            return y;
        });
    }

    /** {@code FalconForCausalLM}: transformer, lm_head (tied to word_embeddings) on every position; the logits. */
    static final class FalconForCausalLM extends Module {
        FalconForCausalLM(Sizes s) {
            Module transformer = add("transformer", new FalconModel(s));
            Module lmHead = add("lm_head", Layers.linear(s.hidden, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, transformer.child("word_embeddings"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", Heads.lastHiddenState(this, t, "transformer", inputIds));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("FalconDecoderLayer");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: every query head under the new decoder architecture (its kv heads
     * broadcast), else {@code num_kv_heads} without multi-query and one with it, times {@code hidden / heads}.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        // the new architecture broadcasts its kv heads to every query head before caching them
        return KvCaches.decoder(config, architecture, s.layers, s.newDecoderArchitecture ? s.heads
                : s.attentionKvHeads(), Math.floorDiv(s.hidden, s.heads));
    }
}
