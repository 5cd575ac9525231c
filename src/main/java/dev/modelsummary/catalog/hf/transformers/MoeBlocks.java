package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The sparse mixture-of-experts blocks of transformers 4.57.6's Qwen2-MoE and Qwen3-MoE (Mixtral's block with
 * {@code norm_topk_prob}, experts of the family's gated MLP at {@code moe_intermediate_size}; Qwen2-MoE adds a
 * {@code shared_expert} and its sigmoid {@code shared_expert_gate} (hidden to 1)), and which layers get one.
 */
final class MoeBlocks {
    private MoeBlocks() {
    }

    /**
     * The decoder layer's feed-forward: the sparse block when {@code layer_idx not in mlp_only_layers and
     * num_experts > 0 and (layer_idx + 1) % decoder_sparse_step == 0} (evaluated in that order, as Python
     * short-circuits it), else the dense MLP at {@code intermediate_size}.
     */
    static boolean sparse(HfConfig config, int layerIdx, long experts) {
        Set<Long> mlpOnly = new HashSet<>();
        JsonNode only = config.node("mlp_only_layers");
        if (only != null && only.isArray()) {
            only.forEach(n -> mlpOnly.add(n.asLong()));
        }
        if (mlpOnly.contains((long) layerIdx) || experts <= 0) {
            return false;
        }
        long step = config.integer("decoder_sparse_step", 1);
        if (step == 0) {
            throw new ConfigException("integer modulo by zero (decoder_sparse_step is 0)");
        }
        return Math.floorMod(layerIdx + 1, step) == 0;
    }

    /**
     * {@code XSparseMoeBlock.forward}: {@code gate} on (tokens, hidden), then each token's top-k experts (only the
     * experts hit run). Which expert gets which token depends on the weights, so the calls are made
     * deterministic as Mixtral's are (see {@link Mixtral}): the tokens*top_k rows are shared out over the experts
     * in order (expert e gets floor(rows/E), the first rows%E one more), an expert with no rows is skipped.
     * The total FLOPs equal torch's for any routing; the per-expert calls are not torch's. Then the shared
     * expert and its gate on every token when the block has them. Outputs: (batch, seq, hidden) and the router
     * logits (tokens, experts).
     */
    static final class SparseMoeBlock extends Module {
        private final long experts;
        private final long topK;
        private final boolean shared;

        /**
         * @param expert      one expert ({@code XMLP} at {@code moe_intermediate_size})
         * @param sharedExpert the shared expert, or null for none
         */
        SparseMoeBlock(String prefix, long hidden, long experts, long topK, Supplier<Module> expert,
                       Module sharedExpert) {
            className(prefix + "SparseMoeBlock");
            this.experts = experts;
            this.topK = topK;
            this.shared = sharedExpert != null;
            add("gate", Layers.linear(hidden, experts, false));
            Sequential list = add("experts", new Sequential());
            for (long i = 0; i < experts; i++) {
                list.append(expert.get());
            }
            if (shared) {
                add("shared_expert", sharedExpert);
                add("shared_expert_gate", Layers.linear(hidden, 1, false));
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape x = xs.get(0);
            long tokens = Dims.mul(x.dim(0), x.dim(1));
            long hidden = x.dim(2);
            Shape flat = Shape.of(tokens, hidden);
            Shape routerLogits = call(t, "gate", flat);
            if (topK > experts) {
                // torch.topk(routing_weights, top_k)
                throw new dev.modelsummary.compute.ShapeException("selected index k out of range");
            }
            long rows = Dims.mul(tokens, topK);
            long e = 0;
            for (String i : child("experts").childrenWithEmptyPlaces().keySet()) {
                long share = rows / experts + (e < rows % experts ? 1 : 0);
                e++;
                if (share > 0) {
                    call(t, "experts", i, Shape.of(share, hidden));
                }
            }
            if (shared) {
                call(t, "shared_expert", flat);
                call(t, "shared_expert_gate", flat);
            }
            return List.of(x, routerLogits);
        }
    }

    /** The feed-forward of each layer of a Qwen-MoE family, as {@link LlamaBlocks.Options#feedForward} takes it. */
    static java.util.function.IntFunction<Module> qwenFeedForward(LlamaBlocks.Options o, HfConfig config,
                                                                   long experts, long topK,
                                                                   long moeIntermediate,
                                                                   LongFunction<Module> sharedExpert) {
        return i -> sparse(config, i, experts)
                ? new SparseMoeBlock(o.prefix, o.s.hidden, experts, topK,
                        () -> new LlamaBlocks.GatedMlp(o, moeIntermediate), sharedExpert.apply(o.s.hidden))
                : new LlamaBlocks.GatedMlp(o, o.s.intermediate);
    }

    /**
     * The routing a config asks for: {@code topK} of {@code experts}; null when no token can be routed so
     * ({@code torch.topk} refuses a k past the experts at the first forward, which the listing never runs).
     */
    static dev.modelsummary.model.MoeRouting routing(long experts, long topK) {
        return experts > 0 && topK > 0 && topK <= experts ? new dev.modelsummary.model.MoeRouting(experts, topK)
                : null;
    }
}
