package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.model.MoeRouting;

/**
 * transformers 4.40 {@code models/mixtral/modeling_mixtral.py} with {@code MixtralConfig}'s defaults: Mistral's
 * decoder whose feed-forward is {@code block_sparse_moe}, a router {@code gate} and {@code num_local_experts}
 * experts of {@code w1}, {@code w2}, {@code w3}.
 */
public final class Mixtral implements HfFamily {
    private static final String PREFIX = "Mixtral";

    @Override
    public String modelType() {
        return "mixtral";
    }

    @Override
    public List<String> architectures() {
        return List.of("MixtralModel", "MixtralForCausalLM", "MixtralForSequenceClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // MixtralConfig.__init__: num_key_value_heads=8, None gives num_attention_heads
        Llama.Sizes s = Mistral.sizes(config);
        long experts = HfConfigs.aliased(config, "num_local_experts", "num_experts", 8);
        Rope.validate(config, null, false, s.headDim);
        s.checkHeadDim();
        long topK = config.integer("num_experts_per_tok", 2);
        s.prefix = PREFIX;
        s.cachedRotary = true;
        s.feedForwardName = "block_sparse_moe";
        s.feedForward = sizes -> new MixtralSparseMoeBlock(sizes, experts, topK);
        if (architecture.equals("MixtralModel")) {
            return new Llama.LlamaModel(s, false);
        }
        if (architecture.equals("MixtralForCausalLM")) {
            return new Llama.LlamaForCausalLM(s, false);
        }
        return Llama.withHead(architecture, PREFIX, s, () -> new Llama.LlamaModel(s, false));
    }

    /**
     * {@code MixtralSparseMoeBlock.forward}: {@code gate} on (tokens, hidden), then each token's top-k experts.
     * Which expert gets which token depends on the weights, so the calls are made deterministic: the
     * tokens*top_k rows are shared out over the experts in order (expert e gets floor(rows/E), the first
     * rows%E one more), an expert with no rows is skipped as upstream's {@code continue} does. The total FLOPs
     * equal torch's for any routing; the per-expert calls are not torch's. Outputs: (batch, seq, hidden) and the
     * router logits (tokens, experts).
     */
    static final class MixtralSparseMoeBlock extends Module {
        private final long experts;
        private final long topK;

        MixtralSparseMoeBlock(Llama.Sizes s, long experts, long topK) {
            this.experts = experts;
            this.topK = topK;
            add("gate", Layers.linear(s.hidden, experts, false));
            Sequential list = add("experts", new Sequential());
            for (long i = 0; i < experts; i++) {
                list.append(new MixtralBlockSparseTop2MLP(s));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            long tokens = Dims.mul(x.dim(0), x.dim(1));
            long hidden = x.dim(2);
            Shape routerLogits = call(t, "gate", Shape.of(tokens, hidden));
            long rows = Dims.mul(tokens, Math.min(topK, experts));
            long e = 0;
            for (String i : child("experts").childrenWithEmptyPlaces().keySet()) {
                long share = rows / experts + (e < rows % experts ? 1 : 0);
                e++;
                if (share > 0) {
                    call(t, "experts", i, Shape.of(share, hidden));
                }
            }
            return List.of(x, routerLogits);
        }
    }

    /** {@code MixtralBlockSparseTop2MLP}: {@code w2(act_fn(w1(x)) * w3(x))}. */
    static final class MixtralBlockSparseTop2MLP extends Module {
        MixtralBlockSparseTop2MLP(Llama.Sizes s) {
            add("w1", Layers.linear(s.hidden, s.intermediate, false));
            add("w2", Layers.linear(s.intermediate, s.hidden, false));
            add("w3", Layers.linear(s.hidden, s.intermediate, false));
            add("act_fn", Bert.act(s.hiddenAct));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape gate = call(t, "act_fn", call(t, "w1", x));
            Shape up = call(t, "w3", x);
            return call(t, "w2", Reshape.broadcast(gate, up));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("MixtralDecoderLayer");
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: every layer sliding when {@code sliding_window} (None by default)
     * is set.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.llama(config, architecture, Mistral.sizes(config));
    }

    /** {@code num_experts_per_tok} (2) of {@code num_local_experts} (8) {@code block_sparse_moe.experts}. */
    @Override
    public MoeRouting moe(HfConfig config) {
        return MoeBlocks.routing(HfConfigs.aliased(config, "num_local_experts", "num_experts", 8),
                config.integer("num_experts_per_tok", 2));
    }
}
