package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import java.util.List;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.model.MoeRouting;

/**
 * transformers 4.57.6 {@code models/deepseek_v3/modular_deepseek_v3.py} with {@code DeepseekV3Config}'s defaults:
 * the 4.57 Llama decoder ({@link LlamaBlocks}) with multi-head latent attention (a low-rank query
 * {@code q_a_proj}/{@code q_a_layernorm}/{@code q_b_proj}, one {@code q_proj} when {@code q_lora_rank} is null;
 * a compressed key/value {@code kv_a_proj_with_mqa}/{@code kv_a_layernorm}/{@code kv_b_proj}), dense MLPs in the
 * first {@code first_k_dense_replace} layers and MoE blocks after: {@code n_routed_experts} expert MLPs, a
 * sigmoid top-k router {@code gate} with a persistent {@code e_score_correction_bias}, {@code shared_experts}.
 * {@code rope_scaling} (yarn) changes no shape.
 */
public final class DeepseekV3 implements HfFamily {
    private static final String PREFIX = "DeepseekV3";

    @Override
    public String modelType() {
        return "deepseek_v3";
    }

    @Override
    public List<String> architectures() {
        return List.of("DeepseekV3Model", "DeepseekV3ForCausalLM", "DeepseekV3ForSequenceClassification",
                "DeepseekV3ForTokenClassification");
    }

    /** {@code DeepseekV3Config}'s sizes. */
    static final class Sizes {
        final Llama.Sizes base;
        final long moeIntermediate;
        final long sharedExperts;
        final long routedExperts;
        final long kvLoraRank;
        final Long qLoraRank;
        final long qkRopeHeadDim;
        final long vHeadDim;
        final long qkNopeHeadDim;
        final long qkHeadDim;
        final long topK;
        final long firstKDense;
        final boolean attentionBias;

        Sizes(HfConfig c) {
            // num_key_value_heads: 128 by default, an explicit None gives num_attention_heads
            base = new Llama.Sizes(c, 129280, 7168, 18432, 61, 128,
                    c.node("num_key_value_heads") == null ? Long.valueOf(128) : null, false);
            moeIntermediate = c.integer("moe_intermediate_size", 2048);
            sharedExperts = c.integer("n_shared_experts", 1);
            routedExperts = c.integer("n_routed_experts", 256);
            kvLoraRank = c.integer("kv_lora_rank", 512);
            // an explicit null means one q_proj
            qLoraRank = c.node("q_lora_rank") != null ? c.optionalInteger("q_lora_rank") : Long.valueOf(1536);
            qkRopeHeadDim = c.integer("qk_rope_head_dim", 64);
            vHeadDim = c.integer("v_head_dim", 128);
            qkNopeHeadDim = c.integer("qk_nope_head_dim", 128);
            qkHeadDim = Math.addExact(qkNopeHeadDim, qkRopeHeadDim);
            topK = c.integer("num_experts_per_tok", 8);
            firstKDense = c.integer("first_k_dense_replace", 3);
            attentionBias = c.bool("attention_bias", false);
            if (base.kvHeads == 0) {
                throw new ConfigException("integer division or modulo by zero (num_key_value_heads is 0)");
            }
        }
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        Llama.Sizes b = s.base;
        java.util.function.Supplier<Module> model = () -> new LlamaBlocks.DecoderModel(PREFIX, b.vocab, b.hidden,
                b.layers, i -> new LlamaBlocks.DecoderLayer(PREFIX, new Attention(s),
                        i >= s.firstKDense ? new MoE(s) : new Mlp(b.hidden, b.intermediate, b.hiddenAct),
                        new Llama.LlamaRMSNorm(b.hidden, PREFIX), new Llama.LlamaRMSNorm(b.hidden, PREFIX)),
                new Llama.LlamaRMSNorm(b.hidden, PREFIX),
                new LlamaBlocks.RotaryEmbedding(PREFIX + "RotaryEmbedding", s.qkRopeHeadDim, true));
        return LlamaBlocks.withHead(architecture, PREFIX, model, b, 0.0, "model");
    }

    /** {@code DeepseekV3MLP}: {@code down_proj(act_fn(gate_proj(x)) * up_proj(x))}, no biases. */
    static final class Mlp extends Module {
        Mlp(long hidden, long intermediate, String hiddenAct) {
            className(PREFIX + "MLP");
            add("gate_proj", Layers.linear(hidden, intermediate, false));
            add("up_proj", Layers.linear(hidden, intermediate, false));
            add("down_proj", Layers.linear(intermediate, hidden, false));
            add("act_fn", Act457.act(hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape gate = call(t, "act_fn", call(t, "gate_proj", x));
            Shape up = call(t, "up_proj", x);
            return call(t, "down_proj", Reshape.broadcast(gate, up));
        }
    }

    /**
     * {@code DeepseekV3TopkRouter}: {@code weight (n_routed_experts, hidden)} and the persistent buffer
     * {@code e_score_correction_bias (n_routed_experts,)} (float32 zeros, cast with the model). Forward:
     * {@code F.linear} of the (tokens, hidden) states (an mm), sigmoid, grouped top-k: indices and weights,
     * (tokens, top_k) each.
     */
    static final class TopkRouter extends Module {
        private final long experts;
        private final long topK;

        TopkRouter(long hidden, long experts, long topK) {
            className(PREFIX + "TopkRouter");
            this.experts = experts;
            this.topK = topK;
            parameter("weight", experts, hidden);
            buffer("e_score_correction_bias", DType.FLOAT32, experts);
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            long hidden = x.dim(x.rank() - 1);
            long tokens = Dims.mul(x.dim(0), x.dim(1));
            t.flops(Dims.mul(Dims.mul(2, tokens), Dims.mul(hidden, experts)));
            Shape chosen = Shape.of(tokens, Math.min(topK, experts));
            return List.of(chosen, chosen);
        }
    }

    /**
     * {@code DeepseekV3MoE}: {@code experts} (a ModuleList of MLPs of {@code moe_intermediate_size}), the router
     * {@code gate}, {@code shared_experts} (an MLP of {@code moe_intermediate_size * n_shared_experts}). Forward:
     * the router, each token's top-k experts on (tokens routed, hidden), then the shared experts on the input.
     * Which expert gets which token depends on the weights, so the calls are Mixtral's deterministic share-out
     * (tokens * top_k rows over the experts in order): the total FLOPs equal torch's for any routing, the
     * per-expert calls are not torch's.
     */
    static final class MoE extends Module {
        private final long experts;
        private final long topK;

        MoE(Sizes s) {
            className(PREFIX + "MoE");
            Llama.Sizes b = s.base;
            experts = s.routedExperts;
            topK = s.topK;
            Sequential list = add("experts", new Sequential());
            for (long i = 0; i < experts; i++) {
                list.append(new Mlp(b.hidden, s.moeIntermediate, b.hiddenAct));
            }
            add("gate", new TopkRouter(b.hidden, experts, s.topK));
            add("shared_experts", new Mlp(b.hidden, Dims.mul(s.moeIntermediate, s.sharedExperts), b.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            callOutputs(t, "gate", x);
            long tokens = Dims.mul(x.dim(0), x.dim(1));
            long hidden = x.dim(2);
            long rows = Dims.mul(tokens, Math.min(topK, experts));
            long e = 0;
            for (String i : child("experts").childrenWithEmptyPlaces().keySet()) {
                long share = rows / experts + (e < rows % experts ? 1 : 0);
                e++;
                if (share > 0) {
                    call(t, "experts", i, Shape.of(share, hidden));
                }
            }
            return Reshape.broadcast(x, call(t, "shared_experts", x));
        }
    }

    /**
     * {@code DeepseekV3Attention} (eager): the query through {@code q_proj} or {@code q_b_proj(q_a_layernorm(
     * q_a_proj(x)))}, {@code kv_a_proj_with_mqa} to {@code kv_lora_rank + qk_rope_head_dim}, its first part through
     * {@code kv_a_layernorm} and {@code kv_b_proj} to the heads' nope keys and values, rotary on the rope part,
     * {@code Q K^T} over {@code qk_head_dim} and {@code weights V} over {@code v_head_dim}, {@code o_proj}.
     * Outputs: (batch, seq, hidden) and the weights (batch, heads, seq, seq).
     */
    static final class Attention extends Module {
        private final Sizes s;

        Attention(Sizes s) {
            className(PREFIX + "Attention");
            this.s = s;
            Llama.Sizes b = s.base;
            if (s.qLoraRank == null) {
                add("q_proj", Layers.linear(b.hidden, Dims.mul(b.heads, s.qkHeadDim), false));
            } else {
                add("q_a_proj", Layers.linear(b.hidden, s.qLoraRank, s.attentionBias));
                add("q_a_layernorm", new Llama.LlamaRMSNorm(s.qLoraRank, PREFIX));
                add("q_b_proj", Layers.linear(s.qLoraRank, Dims.mul(b.heads, s.qkHeadDim), false));
            }
            add("kv_a_proj_with_mqa", Layers.linear(b.hidden, Math.addExact(s.kvLoraRank, s.qkRopeHeadDim),
                    s.attentionBias));
            add("kv_a_layernorm", new Llama.LlamaRMSNorm(s.kvLoraRank, PREFIX));
            add("kv_b_proj", Layers.linear(s.kvLoraRank, Dims.mul(b.heads, Math.addExact(s.qkNopeHeadDim,
                    s.vHeadDim)), false));
            add("o_proj", Layers.linear(Dims.mul(b.heads, s.vHeadDim), b.hidden, s.attentionBias));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            long batch = x.dim(0);
            long seq = x.dim(1);
            if (s.qLoraRank == null) {
                call(t, "q_proj", x);
            } else {
                call(t, "q_b_proj", call(t, "q_a_layernorm", call(t, "q_a_proj", x)));
            }
            Shape compressed = call(t, "kv_a_proj_with_mqa", x);
            Shape kPass = Shape.of(batch, seq, s.kvLoraRank);
            call(t, "kv_b_proj", call(t, "kv_a_layernorm", kPass));
            long heads = s.base.heads;
            Shape weights = LlamaBlocks.eagerAttention(t, batch, heads, seq, s.qkHeadDim, s.vHeadDim);
            assert compressed.rank() == 3;
            Shape out = call(t, "o_proj", Shape.of(batch, seq, Dims.mul(heads, s.vHeadDim)));
            return List.of(out, weights);
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("DeepseekV3DecoderLayer");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: per head, {@code qk_nope_head_dim + qk_rope_head_dim} keys and
     * {@code v_head_dim} values per layer.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        // MLA caches full per-head keys (nope + rope) and values, num_attention_heads of each
        return KvCaches.decoder(config, architecture, s.base.layers, KvCaches.configWindow(config), null,
                s.base.heads, s.qkHeadDim, s.vHeadDim);
    }

    /**
     * {@code num_experts_per_tok} (8) of {@code n_routed_experts} (256) {@code mlp.experts}; the shared experts and the
     * first {@code first_k_dense_replace} dense layers always run.
     */
    @Override
    public MoeRouting moe(HfConfig config) {
        Sizes s = new Sizes(config);
        return MoeBlocks.routing(s.routedExperts, s.topK);
    }
}
