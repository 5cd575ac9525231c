package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.model.MoeRouting;

/**
 * transformers 4.57.6 {@code models/gpt_oss/modular_gpt_oss.py} with {@code GptOssConfig}'s defaults: the 4.57
 * Llama decoder ({@link LlamaBlocks}) whose attention has biases everywhere ({@code attention_bias} defaults to
 * True) and a learned {@code sinks} logit per head (its own parameter, so listed before {@code q_proj}), whose
 * feed-forward {@code mlp} is a router with bias and the experts packed into four 3-D parameters
 * ({@code gate_up_proj [E, hidden, 2 * intermediate]}, {@code gate_up_proj_bias}, {@code down_proj
 * [E, intermediate, hidden]}, {@code down_proj_bias}). {@code layer_types} (sliding or full attention) and
 * {@code rope_scaling} (yarn) change no shape; the rotary embedding keeps {@code head_dim / 2} frequencies (no
 * {@code cat}). {@code _keep_in_fp32_modules} lists the norms, but {@code _from_config} does not apply it: a
 * float16 config builds float16 norms (the real 4.57.6 listing).
 */
public final class GptOss implements HfFamily {
    private static final String PREFIX = "GptOss";

    @Override
    public String modelType() {
        return "gpt_oss";
    }

    @Override
    public List<String> architectures() {
        return List.of("GptOssModel", "GptOssForCausalLM", "GptOssForSequenceClassification",
                "GptOssForTokenClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Llama.Sizes s = sizes(config);
        // GptOssConfig sets attention_bias = True before super().__init__(**kwargs), which sets a config's own
        // attention_bias over it
        boolean bias = config.bool("attention_bias", true);
        long experts = HfConfigs.aliased(config, "num_local_experts", "num_experts", 128);
        long topK = config.integer("num_experts_per_tok", 4);
        checkLayerTypes(config, s.layers);
        java.util.function.Supplier<Module> model = () -> new LlamaBlocks.DecoderModel(PREFIX, s.vocab, s.hidden,
                s.layers, i -> new LlamaBlocks.DecoderLayer(PREFIX, new Attention(s, bias),
                        new Mlp(s.hidden, s.intermediate, experts, topK),
                        new Llama.LlamaRMSNorm(s.hidden, PREFIX), new Llama.LlamaRMSNorm(s.hidden, PREFIX)),
                new Llama.LlamaRMSNorm(s.hidden, PREFIX),
                new LlamaBlocks.RotaryEmbedding(PREFIX + "RotaryEmbedding", s.headDim, false));
        return LlamaBlocks.withHead(architecture, PREFIX, model, s, 0.0, "model");
    }

    /** {@code layer_type_validation}: one of the two kinds per layer, as many as there are layers. */
    private static void checkLayerTypes(HfConfig config, long layers) {
        JsonNode types = config.node("layer_types");
        if (types == null || types.isNull()) {
            return;
        }
        java.util.Set<String> allowed = java.util.Set.of("full_attention", "sliding_attention",
                "chunked_attention", "linear_attention");
        for (JsonNode type : types) {
            if (!type.isTextual() || !allowed.contains(type.textValue())) {
                throw new ConfigException("The `layer_types` entries must be in ('full_attention', "
                        + "'sliding_attention', 'chunked_attention', 'linear_attention')");
            }
        }
        if (!types.isArray() || types.size() != layers) {
            throw new ConfigException("`num_hidden_layers` (" + layers + ") must be equal to the number of layer "
                    + "types (" + types.size() + ")");
        }
    }

    /**
     * {@code GptOssAttention} (eager): {@code sinks (heads,)}, then q/k/v/o projections (biases unless the config sets
     * {@code attention_bias: false}); rotary on
     * q and k, {@code repeat_kv}, {@code Q K^T}, the sinks concatenated as one more logit, softmax, the sink
     * dropped, {@code weights V}, {@code o_proj}. Outputs: (batch, seq, hidden) and the weights.
     */
    static final class Attention extends Module {
        private final long heads;
        private final long headDim;

        Attention(Llama.Sizes s, boolean bias) {
            className(PREFIX + "Attention");
            heads = s.heads;
            headDim = s.headDim;
            parameter("sinks", s.heads);
            add("q_proj", Layers.linear(s.hidden, Dims.mul(s.heads, s.headDim), bias));
            add("k_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, s.headDim), bias));
            add("v_proj", Layers.linear(s.hidden, Dims.mul(s.kvHeads, s.headDim), bias));
            add("o_proj", Layers.linear(Dims.mul(s.heads, s.headDim), s.hidden, bias));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            long batch = x.dim(0);
            long seq = x.dim(1);
            call(t, "q_proj", x);
            call(t, "k_proj", x);
            call(t, "v_proj", x);
            Shape weights = LlamaBlocks.eagerAttention(t, batch, heads, seq, headDim, headDim);
            Shape out = call(t, "o_proj", Shape.of(batch, seq, Dims.mul(heads, headDim)));
            return List.of(out, weights);
        }
    }

    /**
     * {@code GptOssMLP}: {@code router} and {@code experts}; returns the experts' output and the router scores
     * (tokens, experts).
     */
    static final class Mlp extends Module {
        Mlp(long hidden, long intermediate, long experts, long topK) {
            className(PREFIX + "MLP");
            add("router", new TopKRouter(hidden, experts, topK));
            add("experts", new Experts(hidden, intermediate, experts, topK));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> router = callOutputs(t, "router", xs.get(0));
            return List.of(call(t, "experts", xs.get(0)), router.get(0));
        }
    }

    /**
     * {@code GptOssTopKRouter}: {@code weight (E, hidden)} and {@code bias (E,)}; {@code F.linear} with bias on
     * (tokens, hidden) (an addmm), top-k, softmax, scattered back: scores (tokens, E) and indices (tokens, k).
     */
    static final class TopKRouter extends Module {
        private final long experts;
        private final long topK;

        TopKRouter(long hidden, long experts, long topK) {
            className(PREFIX + "TopKRouter");
            this.experts = experts;
            this.topK = topK;
            parameter("weight", experts, hidden);
            parameter("bias", experts);
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            long hidden = x.dim(x.rank() - 1);
            long tokens = Dims.mul(x.dim(0), x.dim(1));
            t.flops(Dims.mul(Dims.mul(2, tokens), Dims.mul(hidden, experts)));
            if (topK > experts) {
                throw new dev.modelsummary.compute.ShapeException("selected index k out of range");
            }
            return List.of(Shape.of(tokens, experts), Shape.of(tokens, topK));
        }
    }

    /**
     * {@code GptOssExperts}: the packed experts. On CPU (as FlopCounterMode runs it) and in training, forward
     * loops over the experts some token chose: {@code current_state @ gate_up_proj[e]} and
     * {@code gated_output @ down_proj[e]} on that expert's tokens, so every token runs exactly top-k experts
     * whatever the routing: 2 x tokens x k x (hidden x 2 x intermediate + intermediate x hidden) FLOPs. (On GPU
     * in eval it runs every expert on every token with bmm; not counted here.) Output (batch, seq, hidden).
     */
    static final class Experts extends Module {
        private final long intermediate;
        private final long experts;
        private final long topK;

        Experts(long hidden, long intermediate, long experts, long topK) {
            className(PREFIX + "Experts");
            this.intermediate = intermediate;
            this.experts = experts;
            this.topK = topK;
            parameter("gate_up_proj", experts, hidden, Dims.mul(2, intermediate));
            parameter("gate_up_proj_bias", experts, Dims.mul(2, intermediate));
            parameter("down_proj", experts, intermediate, hidden);
            parameter("down_proj_bias", experts, hidden);
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            long hidden = x.dim(x.rank() - 1);
            long rows = Dims.mul(Dims.mul(x.dim(0), x.dim(1)), Math.min(topK, experts));
            long perRow = Math.addExact(Dims.mul(hidden, Dims.mul(2, intermediate)), Dims.mul(intermediate, hidden));
            t.flops(Dims.mul(Dims.mul(2, rows), perRow));
            return Shape.of(x.dim(0), x.dim(1), hidden);
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("GptOssDecoderLayer");
    }

    /** {@code GptOssConfig.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        // num_key_value_heads: 8 by default, an explicit None gives num_attention_heads
        Long kvDefault = config.node("num_key_value_heads") == null ? Long.valueOf(8) : null;
        Llama.Sizes s = new Llama.Sizes(config, 201088, 2880, 2880, 36, 64, kvDefault, false);
        // head_dim: 64 by default, None gives hidden_size // num_attention_heads
        JsonNode headDim = config.node("head_dim");
        s.headDim = headDim == null ? 64 : config.integer("head_dim", s.headDim);
        if (headDim != null && headDim.isNull() && s.heads == 0) {
            throw new ConfigException("integer division or modulo by zero (num_attention_heads is 0)");
        }
        s.checkKvHeads();
        return s;
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: {@code sliding_window} (128) on the even layers unless {@code
     * layer_types} says otherwise.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Llama.Sizes s = sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, KvCaches.windowOrDefault(config, 128),
                i -> (i + 1) % 2 != 0, s.kvHeads, s.headDim, s.headDim);
    }

    /**
     * {@code num_experts_per_tok} (4) of {@code num_local_experts} (128), stacked in one {@code mlp.experts} module.
     */
    @Override
    public MoeRouting moe(HfConfig config) {
        return MoeBlocks.routing(HfConfigs.aliased(config, "num_local_experts", "num_experts", 128),
                config.integer("num_experts_per_tok", 4));
    }
}
