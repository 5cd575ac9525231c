package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

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

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return gpt2Model(s);
            }
            case "GPT2LMHeadModel" -> {
                Module transformer = model.add("transformer", gpt2Model(s));
                tieLmHead(s, model.add("lm_head", Layers.linear(s.hidden, s.vocab, false)), transformer);
            }
            case "GPT2DoubleHeadsModel" -> {
                // config.num_labels = 1 before SequenceSummary(config)
                Module transformer = model.add("transformer", gpt2Model(s));
                tieLmHead(s, model.add("lm_head", Layers.linear(s.hidden, s.vocab, false)), transformer);
                model.add("multiple_choice_head", sequenceSummary(config, s, 1));
            }
            default -> {
                return Heads.classification(architecture, "transformer", "transformer", () -> gpt2Model(s),
                        s.hidden, config.numLabels()).orElseThrow(() -> new IllegalStateException(architecture));
            }
        }
        return model;
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

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 50257);
            hidden = aliased(c, "hidden_size", "n_embd", 768);
            layers = aliased(c, "num_hidden_layers", "n_layer", 12);
            heads = aliased(c, "num_attention_heads", "n_head", 12);
            positions = aliased(c, "max_position_embeddings", "n_positions", 1024);
            inner = c.optionalInteger("n_inner");
            crossAttention = c.bool("add_cross_attention", false);
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
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

    /** {@code GPT2Model}: token and position tables, the blocks, final LayerNorm. */
    static Module gpt2Model(Sizes s) {
        Module model = new Module();
        model.add("wte", Layers.embedding(s.vocab, s.hidden));
        model.add("wpe", Layers.embedding(s.positions, s.hidden));
        Sequential h = model.add("h", new Sequential());
        for (long i = 0; i < s.layers; i++) {
            h.append(block(s));
        }
        model.add("ln_f", Layers.layerNorm(s.hidden));
        return model;
    }

    /** {@code GPT2Block}: ln_1, attn, ln_2, cross-attention and its LayerNorm when configured, mlp. */
    private static Module block(Sizes s) {
        long innerDim = s.inner != null ? s.inner : Dims.mul(4, s.hidden);
        Module block = new Module();
        block.add("ln_1", Layers.layerNorm(s.hidden));
        block.add("attn", attention(s, false));
        block.add("ln_2", Layers.layerNorm(s.hidden));
        if (s.crossAttention) {
            block.add("crossattention", attention(s, true));
            block.add("ln_cross_attn", Layers.layerNorm(s.hidden));
        }
        Module mlp = block.add("mlp", new Module());
        mlp.add("c_fc", conv1D(innerDim, s.hidden));
        mlp.add("c_proj", conv1D(s.hidden, innerDim));
        return block;
    }

    /** {@code GPT2Attention}: fused c_attn (k and v only, plus q_attn, for cross-attention), c_proj. */
    private static Module attention(Sizes s, boolean crossAttention) {
        Module attention = new Module();
        if (crossAttention) {
            attention.add("c_attn", conv1D(Dims.mul(2, s.hidden), s.hidden));
            attention.add("q_attn", conv1D(s.hidden, s.hidden));
        } else {
            attention.add("c_attn", conv1D(Dims.mul(3, s.hidden), s.hidden));
        }
        attention.add("c_proj", conv1D(s.hidden, s.hidden));
        return attention;
    }

    /** {@code pytorch_utils.Conv1D(nf, nx)}: a transposed Linear, {@code weight (nx, nf)}, {@code bias (nf,)}. */
    private static Module conv1D(long nf, long nx) {
        return new Module() {
            {
                parameter("weight", nx, nf);
                parameter("bias", nf);
            }
        };
    }

    /**
     * {@code modeling_utils.SequenceSummary}: with {@code summary_use_proj} a Linear to {@code num_labels} (when
     * {@code summary_proj_to_labels} and there are labels) or to the hidden size; else nothing.
     */
    private static Module sequenceSummary(HfConfig c, Sizes s, long numLabels) {
        Module summary = new Module();
        if (c.bool("summary_use_proj", true)) {
            long classes = c.bool("summary_proj_to_labels", true) && numLabels > 0 ? numLabels : s.hidden;
            summary.add("summary", Layers.linear(s.hidden, classes));
        }
        return summary;
    }

    /** {@code tie_weights()}: the output embeddings are lm_head. */
    private static void tieLmHead(Sizes s, Module lmHead, Module transformer) {
        Heads.tieWeights(s.tieWordEmbeddings, lmHead, transformer.child("wte"));
    }
}
