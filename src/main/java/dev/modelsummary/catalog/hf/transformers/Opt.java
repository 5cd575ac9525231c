package dev.modelsummary.catalog.hf.transformers;

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
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/opt/modeling_opt.py} with {@code OPTConfig}'s defaults: a decoder with learned
 * positions (offset 2), {@code project_in}/{@code project_out} when {@code word_embed_proj_dim} differs from
 * {@code hidden_size}, pre- or post-norm layers ({@code do_layer_norm_before}), a {@code final_layer_norm} only with
 * pre-norm (and not {@code _remove_final_layer_norm}). No buffers. The heads work in {@code word_embed_proj_dim}.
 */
public final class Opt implements HfFamily {
    @Override
    public String modelType() {
        return "opt";
    }

    @Override
    public List<String> architectures() {
        return List.of("OPTModel", "OPTForCausalLM", "OPTForSequenceClassification", "OPTForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return switch (architecture) {
            case "OPTModel" -> new OPTModel(s);
            case "OPTForCausalLM" -> new OPTForCausalLM(s);
            case "OPTForSequenceClassification" -> new Heads.SequenceClassification(architecture, "model",
                    new OPTModel(s), s.wordEmbedProjDim, config.numLabels(), config.optionalInteger("pad_token_id"));
            case "OPTForQuestionAnswering" -> new Heads.QuestionAnswering(architecture, "model", new OPTModel(s),
                    s.wordEmbedProjDim);
            default -> throw new IllegalStateException(architecture);
        };
    }

    /** {@code OPTConfig}'s values with its defaults. */
    static final class Sizes {
        final long vocab;
        final long hidden;
        final long layers;
        final long ffn;
        final long positions;
        final long heads;
        final long wordEmbedProjDim;
        final boolean doLayerNormBefore;
        final boolean removeFinalLayerNorm;
        final boolean enableBias;
        final boolean layerNormAffine;
        final String activation;
        final boolean tieWordEmbeddings;
        final boolean torchscript;

        Sizes(HfConfig c) {
            vocab = c.integer("vocab_size", 50272);
            hidden = c.integer("hidden_size", 768);
            layers = c.integer("num_hidden_layers", 12);
            ffn = c.integer("ffn_dim", 3072);
            positions = c.integer("max_position_embeddings", 2048);
            heads = c.integer("num_attention_heads", 12);
            Long proj = c.optionalInteger("word_embed_proj_dim");
            wordEmbedProjDim = proj != null ? proj : hidden;
            doLayerNormBefore = c.bool("do_layer_norm_before", true);
            removeFinalLayerNorm = c.bool("_remove_final_layer_norm", false);
            enableBias = c.bool("enable_bias", true);
            layerNormAffine = c.bool("layer_norm_elementwise_affine", true);
            activation = c.string("activation_function", "relu");
            tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            torchscript = c.bool("torchscript", false);
            if (!layerNormAffine) {
                // OPTPreTrainedModel._init_weights: module.weight.data.fill_(1.0) on a LayerNorm whose weight is None
                throw new ConfigException("'NoneType' object has no attribute 'data' (OPT's _init_weights fills the "
                        + "LayerNorm weight that layer_norm_elementwise_affine=False leaves None)");
            }
            if (layers > 0 && (heads == 0 || (hidden / heads) * heads != hidden)) {
                if (heads == 0) {
                    throw new ConfigException("integer division or modulo by zero");
                }
                throw new ConfigException("embed_dim must be divisible by num_heads (got `embed_dim`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
        }
    }

    /** {@code OPTModel}: the decoder alone; its output is the decoder's last hidden state. */
    static final class OPTModel extends Module {
        OPTModel(Sizes s) {
            add("decoder", new OPTDecoder(s));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "decoder", inputIds);
        }
    }

    /**
     * {@code OPTDecoder} (eager, {@code use_cache=False}): embed_tokens, embed_positions on the attention mask
     * {@code (batch, seq)} (cumsum positions), project_in, the sum, each layer, final_layer_norm, project_out.
     */
    static final class OPTDecoder extends Module {
        OPTDecoder(Sizes s) {
            add("embed_tokens", Layers.embeddingForward(s.vocab, s.wordEmbedProjDim));
            add("embed_positions", new ClassicParts.LearnedPositionalEmbedding("OPTLearnedPositionalEmbedding",
                    s.positions, s.hidden));
            boolean project = s.wordEmbedProjDim != s.hidden;
            if (project) {
                add("project_out", Layers.linear(s.hidden, s.wordEmbedProjDim, false));
                add("project_in", Layers.linear(s.wordEmbedProjDim, s.hidden, false));
            }
            if (s.doLayerNormBefore && !s.removeFinalLayerNorm) {
                add("final_layer_norm", ClassicParts.layerNorm(s.hidden, s.layerNormAffine));
            }
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layers.append(new OPTDecoderLayer(s));
            }
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() < 1) {
                throw new ShapeException("tuple index out of range");
            }
            long seq = inputIds.dim(inputIds.rank() - 1);
            Shape ids = Shape.of(inputIds.numel() / Math.max(seq, 1), seq); // input_ids.view(-1, shape[-1])
            Shape inputsEmbeds = call(t, "embed_tokens", ids);
            Shape posEmbeds = call(t, "embed_positions", ids);
            if (childrenWithEmptyPlaces().containsKey("project_in")) {
                inputsEmbeds = call(t, "project_in", inputsEmbeds);
            }
            Shape hiddenStates = Reshape.broadcast(inputsEmbeds, posEmbeds);
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "layers", i, hiddenStates);
            }
            if (childrenWithEmptyPlaces().containsKey("final_layer_norm")) {
                hiddenStates = call(t, "final_layer_norm", hiddenStates);
            }
            if (childrenWithEmptyPlaces().containsKey("project_out")) {
                hiddenStates = call(t, "project_out", hiddenStates);
            }
            return hiddenStates;
        }
    }

    /**
     * {@code OPTDecoderLayer}: self_attn with its residual, then the feed-forward on the tokens flattened to
     * {@code (batch * seq, hidden)} (fc1, activation_fn, fc2) viewed back; the LayerNorms before (pre-norm) or
     * after (post-norm) each.
     */
    static final class OPTDecoderLayer extends Module {
        private final boolean before;

        OPTDecoderLayer(Sizes s) {
            before = s.doLayerNormBefore;
            add("self_attn", new OPTAttention(s));
            add("activation_fn", Act457.act(s.activation));
            add("self_attn_layer_norm", ClassicParts.layerNorm(s.hidden, s.layerNormAffine));
            add("fc1", Layers.linear(s.hidden, s.ffn, s.enableBias));
            add("fc2", Layers.linear(s.ffn, s.hidden, s.enableBias));
            add("final_layer_norm", ClassicParts.layerNorm(s.hidden, s.layerNormAffine));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            if (before) {
                hiddenStates = call(t, "self_attn_layer_norm", hiddenStates);
            }
            hiddenStates = Reshape.broadcast(residual, call(t, "self_attn", hiddenStates));
            if (!before) {
                hiddenStates = call(t, "self_attn_layer_norm", hiddenStates);
            }
            Shape shape = hiddenStates;
            long width = shape.dim(shape.rank() - 1);
            hiddenStates = Shape.of(shape.numel() / Math.max(width, 1), width);
            Shape flat = hiddenStates;
            if (before) {
                hiddenStates = call(t, "final_layer_norm", hiddenStates);
            }
            hiddenStates = call(t, "fc2", call(t, "activation_fn", call(t, "fc1", hiddenStates)));
            Reshape.broadcast(flat, hiddenStates);
            if (!before) {
                return call(t, "final_layer_norm", shape);
            }
            return shape;
        }
    }

    /**
     * {@code OPTAttention} (eager): q_proj (scaled), k_proj, v_proj, the eager attention function's two products,
     * out_proj. Outputs the attention output (the weights are None).
     */
    static final class OPTAttention extends Module {
        private final long heads;
        private final long headDim;

        OPTAttention(Sizes s) {
            heads = s.heads;
            headDim = s.hidden / s.heads;
            add("k_proj", Layers.linear(s.hidden, s.hidden, s.enableBias));
            add("v_proj", Layers.linear(s.hidden, s.hidden, s.enableBias));
            add("q_proj", Layers.linear(s.hidden, s.hidden, s.enableBias));
            add("out_proj", Layers.linear(s.hidden, s.hidden, s.enableBias));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            long bsz = hiddenStates.dim(0);
            long seq = hiddenStates.dim(1);
            call(t, "q_proj", hiddenStates);
            call(t, "k_proj", hiddenStates);
            call(t, "v_proj", hiddenStates);
            ClassicParts.eagerAttention(t, bsz, heads, seq, seq, headDim);
            return call(t, "out_proj", Shape.of(bsz, seq, Dims.mul(heads, headDim)));
        }
    }

    /**
     * {@code OPTForCausalLM}: model, lm_head ({@code word_embed_proj_dim} to vocab, no bias, tied to embed_tokens).
     * Its forward calls {@code self.model.decoder} directly, so {@code model} itself is never called.
     */
    static final class OPTForCausalLM extends Module {
        OPTForCausalLM(Sizes s) {
            Module model = add("model", new OPTModel(s));
            Module lmHead = add("lm_head", Layers.linear(s.wordEmbedProjDim, s.vocab, false));
            Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead,
                    model.child("decoder").child("embed_tokens"));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            return call(t, "lm_head", call(t, "model", "decoder", inputIds));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("OPTDecoderLayer");
    }

    /** {@inheritDoc} {@code DynamicCache(config=...)}: {@code num_attention_heads x hidden / heads} per layer. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, s.heads, Math.floorDiv(s.hidden, s.heads));
    }
}
