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
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/gpt2/modeling_gpt2.py} with {@code GPT2Config}'s defaults and its
 * {@code attribute_map} ({@code hidden_size}, {@code max_position_embeddings}, {@code num_attention_heads},
 * {@code num_hidden_layers} name {@code n_embd}, {@code n_positions}, {@code n_head}, {@code n_layer}). The
 * attention's causal {@code bias} and {@code masked_bias} buffers are non-persistent, so not here.
 */
public final class Gpt2 implements HfFamily {
    static final String BASE = "GPT2Model";

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "GPT2LMHeadModel", "GPT2DoubleHeadsModel", "GPT2ForSequenceClassification",
                "GPT2ForTokenClassification", "GPT2ForQuestionAnswering");
    }


    /** {@code pruned_heads} is applied (or, for T5, refused) while building. */
    @Override
    public void checkPrunedHeads(HfConfig config) {
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case BASE -> new GPT2Model(s);
            case "GPT2LMHeadModel" -> new GPT2LMHeadModel(s);
            // config.num_labels = 1 before SequenceSummary(config)
            case "GPT2DoubleHeadsModel" -> new GPT2DoubleHeadsModel(config, s);
            default -> Heads.generic(architecture, "transformer", "transformer", () -> new GPT2Model(s), s.hidden,
                    config.numLabels(), config.optionalInteger("pad_token_id"))
                    .orElseThrow(() -> new IllegalStateException(architecture));
        };
    }

    /** The sizes {@code GPT2Config} gives, with its defaults; an {@code attribute_map} alias wins when set. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long heads;
        final long positions;
        final Long inner;
        final boolean crossAttention;
        final boolean tieWordEmbeddings;
        /** {@code activation_function} (the MLP's {@code act}). */
        final String activation;
        /** {@code pruned_heads}: applied by {@link GPT2Model} as {@code init_weights()} does. */
        final PrunedHeads prunedHeads;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;

        Sizes(HfConfig c) {
            activation = c.string("activation_function", "gelu_new");
            vocab = c.integer("vocab_size", 50257);
            hidden = aliased(c, "hidden_size", "n_embd", 768);
            layers = aliased(c, "num_hidden_layers", "n_layer", 12);
            heads = aliased(c, "num_attention_heads", "n_head", 12);
            positions = aliased(c, "max_position_embeddings", "n_positions", 1024);
            inner = c.optionalInteger("n_inner");
            crossAttention = c.bool("add_cross_attention", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            prunedHeads = PrunedHeads.of(c);
            torchscript = c.bool("torchscript", false);
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero"); // embed_dim // num_heads
            }
            if (hidden % heads != 0) {
                // GPT2Attention's ValueError (head_dim * num_heads != embed_dim)
                throw new ConfigException("`embed_dim` must be divisible by num_heads (got `embed_dim`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
        }

        /**
         * {@code GPT2Config(**config)}: the argument sets the attribute, then an alias among the extra kwargs is
         * set through {@code attribute_map} after it, so the alias wins.
         */
        private static long aliased(HfConfig c, String alias, String attribute, long defaultValue) {
            return c.has(alias) ? c.integer(alias, defaultValue) : c.integer(attribute, defaultValue);
        }
    }

    /**
     * {@code GPT2Model} with its forward (4.40.2, eager, {@code use_cache=False}): {@code wte(input_ids)} plus
     * {@code wpe(position_ids)} with position ids {@code (1, seq)} (an arange), {@code drop}, each block (an
     * iterated {@code nn.ModuleList}), {@code ln_f}. The output is the last hidden state alone.
     */
    static final class GPT2Model extends Module {
        private final long positions;

        GPT2Model(Sizes s) {
            positions = s.positions;
            add("wte", Layers.embeddingForward(s.vocab, s.hidden));
            add("wpe", Layers.embeddingForward(s.positions, s.hidden));
            add("drop", Layers.dropout(0.0));
            Sequential h = add("h", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                h.append(new GPT2Block(s));
            }
            add("ln_f", Layers.layerNormForward(s.hidden));
            // init_weights(): prune_heads(config.pruned_heads) -> GPT2Model._prune_heads: h[layer].attn
            for (var entry : s.prunedHeads.entries()) {
                int i = PrunedHeads.moduleListIndex(entry.getKey(), h.childrenWithEmptyPlaces().size());
                ((GPT2Attention) h.child(String.valueOf(i)).child("attn")).prune(s, entry.getValue());
            }
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() < 1) {
                throw new ShapeException("tuple index out of range");
            }
            long seq = inputIds.dim(inputIds.rank() - 1);
            // input_ids.view(-1, input_shape[-1])
            Shape ids = Shape.of(inputIds.numel() / Math.max(seq, 1), seq);
            Shape inputsEmbeds = call(t, "wte", ids);
            if (seq > positions) {
                // position_ids = arange(seq) indexes wpe past its rows
                throw new ShapeException("index out of range in self");
            }
            Shape positionEmbeds = call(t, "wpe", Shape.of(1, seq));
            Shape hiddenStates = call(t, "drop", Reshape.broadcast(inputsEmbeds, positionEmbeds));
            for (String i : child("h").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "h", i, hiddenStates);
            }
            hiddenStates = call(t, "ln_f", hiddenStates);
            // hidden_states.view(input_shape + (hidden,))
            long[] out = java.util.Arrays.copyOf(inputIds.dims(), inputIds.rank() + 1);
            out[inputIds.rank()] = hiddenStates.dim(hiddenStates.rank() - 1);
            return Shape.of(out);
        }
    }

    /**
     * {@code GPT2Block}: ln_1, attn, ln_2, cross-attention and its LayerNorm when configured (never called without
     * encoder states), mlp; residual adds after attn and mlp.
     */
    static final class GPT2Block extends Module {
        GPT2Block(Sizes s) {
            long innerDim = s.inner != null ? s.inner : Dims.mul(4, s.hidden);
            add("ln_1", Layers.layerNormForward(s.hidden));
            add("attn", new GPT2Attention(s, false));
            add("ln_2", Layers.layerNormForward(s.hidden));
            if (s.crossAttention) {
                add("crossattention", new GPT2Attention(s, true));
                add("ln_cross_attn", Layers.layerNormForward(s.hidden));
            }
            add("mlp", new GPT2MLP(s, innerDim));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            hiddenStates = Reshape.broadcast(call(t, "attn", call(t, "ln_1", hiddenStates)), residual);
            residual = hiddenStates;
            return Reshape.broadcast(residual, call(t, "mlp", call(t, "ln_2", hiddenStates)));
        }
    }

    /**
     * {@code GPT2Attention} (eager {@code _attn}; {@code _upcast_and_reordered_attn}'s baddbmm counts the same):
     * c_attn split into q, k, v of {@code (batch, heads, seq, head_dim)}, {@code matmul(q, k^T)}, the causal mask
     * and softmax (no FLOPs), {@code attn_dropout} on the weights, {@code matmul(w, v)}, merge, c_proj,
     * {@code resid_dropout}. Both matmuls count in this call.
     */
    static final class GPT2Attention extends Module {
        private long heads;
        private final long headDim;
        /** {@code split_size}, the width of each of q, k, v: {@code embed_dim}, less once heads are pruned. */
        private long splitSize;
        private PrunedHeads.Attention pruning;

        GPT2Attention(Sizes s, boolean crossAttention) {
            heads = s.heads;
            headDim = s.hidden / s.heads;
            splitSize = s.hidden;
            if (crossAttention) {
                add("c_attn", new Conv1D(Dims.mul(2, s.hidden), s.hidden));
                add("q_attn", new Conv1D(s.hidden, s.hidden));
            } else {
                add("c_attn", new Conv1D(Dims.mul(3, s.hidden), s.hidden));
            }
            add("c_proj", new Conv1D(s.hidden, s.hidden));
            add("attn_dropout", Layers.dropout(0.0));
            add("resid_dropout", Layers.dropout(0.0));
        }

        /**
         * {@code GPT2Attention.prune_heads(heads)} (nothing for an empty list): c_attn keeps the q, k and v
         * columns of the heads left ({@code prune_conv1d_layer(dim=1)}, bias too), c_proj the matching input rows
         * ({@code dim=0}, bias whole); {@code split_size} and {@code num_heads} shrink.
         */
        void prune(Sizes s, List<Long> list) {
            if (pruning == null) {
                pruning = new PrunedHeads.Attention(heads, headDim);
            }
            if (!pruning.prune(list, true)) {
                return;
            }
            replace("c_attn", new Conv1D(Dims.mul(3, pruning.kept), s.hidden));
            replace("c_proj", new Conv1D(s.hidden, pruning.kept));
            splitSize = Math.floorDiv(splitSize, heads) * pruning.heads;
            heads = pruning.heads;
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape qkv = call(t, "c_attn", hiddenStates);
            long batch = qkv.dim(0);
            long seq = qkv.dim(1);
            // query, key, value = c_attn(x).split(split_size, dim=2); _split_heads views each as heads x head_dim
            long width = qkv.dim(qkv.rank() - 1);
            if (width != Dims.mul(3, splitSize)) {
                long pieces = splitSize == 0 ? 1 : Math.max(1, (width + splitSize - 1) / splitSize);
                throw new ShapeException(pieces > 3 ? "too many values to unpack (expected 3)"
                        : "not enough values to unpack (expected 3, got " + pieces + ")");
            }
            TorchChecks.view(Shape.of(batch, seq, splitSize), batch, seq, heads, headDim);
            Shape query = Shape.of(batch, heads, seq, headDim);
            Shape keyT = Shape.of(batch, heads, headDim, seq);
            Shape weights = MatMul.matmul(query, keyT);
            t.flops(MatMul.matmulFlops(query, keyT));
            weights = call(t, "attn_dropout", weights);
            Shape value = Shape.of(batch, heads, seq, headDim);
            MatMul.matmul(weights, value);
            t.flops(MatMul.matmulFlops(weights, value));
            Shape merged = Shape.of(batch, seq, Dims.mul(heads, headDim));
            return call(t, "resid_dropout", call(t, "c_proj", merged));
        }
    }

    /** {@code GPT2MLP}: c_fc, act ({@code ACT2FN[activation_function]}), c_proj, dropout. */
    static final class GPT2MLP extends DecoderParts.TwoLayerMlp {
        GPT2MLP(Sizes s, long innerDim) {
            super("c_fc", "act", "c_proj", "dropout");
            add("c_fc", new Conv1D(innerDim, s.hidden));
            add("c_proj", new Conv1D(s.hidden, innerDim));
            add("act", Bert.act(s.activation));
            add("dropout", Layers.dropout(0.0));
        }
    }

    /**
     * {@code pytorch_utils.Conv1D(nf, nx)}: a transposed Linear, {@code weight (nx, nf)}, {@code bias (nf,)};
     * forward {@code addmm(bias, x.view(-1, nx), weight)} viewed back to {@code (..., nf)}: 2*rows*nx*nf FLOPs.
     */
    static final class Conv1D extends Module {
        private final long nf;
        private final long nx;

        Conv1D(long nf, long nx) {
            this.nf = nf;
            this.nx = nx;
            parameter("weight", nx, nf);
            parameter("bias", nf);
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = dev.modelsummary.compute.Linear.output(x, nx, nf);
            t.flops(dev.modelsummary.compute.Linear.flops(x, nf));
            return y;
        }
    }

    /** {@code GPT2LMHeadModel}: transformer, then lm_head (tied to wte) on every position; the logits alone. */
    static final class GPT2LMHeadModel extends Module {
        GPT2LMHeadModel(Sizes s) {
            Module transformer = add("transformer", new GPT2Model(s));
            tieLmHead(s, add("lm_head", Layers.linear(s.hidden, s.vocab, false)), transformer);
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", Heads.lastHiddenState(this, t, "transformer", inputIds));
        }
    }

    /**
     * {@code GPT2DoubleHeadsModel} without {@code mc_token_ids}: lm_head logits, then
     * {@code multiple_choice_head(hidden_states).squeeze(-1)}; outputs the logits and the mc logits.
     */
    static final class GPT2DoubleHeadsModel extends Module {
        GPT2DoubleHeadsModel(HfConfig c, Sizes s) {
            Module transformer = add("transformer", new GPT2Model(s));
            tieLmHead(s, add("lm_head", Layers.linear(s.hidden, s.vocab, false)), transformer);
            add("multiple_choice_head", new SequenceSummary(c, s, 1));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = Heads.lastHiddenState(this, t, "transformer", xs.get(0));
            Shape lmLogits = call(t, "lm_head", hiddenStates);
            Shape mc = call(t, "multiple_choice_head", hiddenStates);
            if (mc.rank() > 0 && mc.dim(mc.rank() - 1) == 1) {
                mc = Shape.of(java.util.Arrays.copyOf(mc.dims(), mc.rank() - 1));
            }
            return List.of(lmLogits, mc);
        }
    }

    /**
     * {@code modeling_utils.SequenceSummary}: {@code summary} (with {@code summary_use_proj} a Linear to
     * {@code num_labels} when {@code summary_proj_to_labels} and there are labels, or to the hidden size; else an
     * Identity), {@code activation}, {@code first_dropout}, {@code last_dropout} (Identity unless a rate is set).
     * Forward: the token picked by {@code summary_type} ({@code cls_index} without indices: the last one;
     * {@code last}, {@code first}, {@code mean}), then first_dropout, summary, activation, last_dropout.
     */
    static final class SequenceSummary extends Module {
        private final String summaryType;

        SequenceSummary(HfConfig c, Sizes s, long numLabels) {
            summaryType = c.string("summary_type", "cls_index");
            if (c.bool("summary_use_proj", true)) {
                long classes = c.bool("summary_proj_to_labels", true) && numLabels > 0 ? numLabels : s.hidden;
                add("summary", Layers.linear(s.hidden, classes));
            } else {
                add("summary", Layers.activation("Identity"));
            }
            String activation = c.string("summary_activation", null);
            add("activation", activation == null || activation.isEmpty() ? Layers.activation("Identity")
                    : Bert.act(activation));
            add("first_dropout", c.real("summary_first_dropout", 0.1) > 0 ? Layers.dropout(0.0)
                    : Layers.activation("Identity"));
            add("last_dropout", c.real("summary_last_dropout", 0.0) > 0 ? Layers.dropout(0.0)
                    : Layers.activation("Identity"));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            if (summaryType.equals("attn")) {
                throw new UnsupportedOperationException("SequenceSummary summary_type 'attn' raises NotImplementedError");
            }
            // hidden_states[:, -1], [:, 0], .mean(dim=1) or gather(-2, cls_index).squeeze(-2)
            long[] dims = hiddenStates.dims();
            long[] out = new long[dims.length - 1];
            int j = 0;
            int drop = summaryType.equals("cls_index") ? dims.length - 2 : 1;
            for (int i = 0; i < dims.length; i++) {
                if (i != drop) {
                    out[j++] = dims[i];
                }
            }
            Shape output = call(t, "first_dropout", Shape.of(out));
            output = call(t, "summary", output);
            output = call(t, "activation", output);
            return call(t, "last_dropout", output);
        }
    }

    /** {@code tie_weights()}: the output embeddings are lm_head. */
    private static void tieLmHead(Sizes s, Module lmHead, Module transformer) {
        Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead, transformer.child("wte"));
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("GPT2Block");
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code n_head x hidden / n_head} per layer, every layer full. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, s.heads, Math.floorDiv(s.hidden, s.heads));
    }
}
