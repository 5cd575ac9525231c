package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.List;

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
        Llama.Sizes s = new Llama.Sizes(config, 32000, 4096, 14336, 32, 32, 8L, false);
        long experts = config.integer("num_local_experts", 8);
        s.checkHeadDim();
        return Llama.withHead(architecture, PREFIX, s, () -> Llama.decoderModel(s,
                () -> Llama.decoderLayer(s, Llama.attention(s, false, false), "block_sparse_moe",
                        sparseMoeBlock(s, experts))));
    }

    /** {@code MixtralSparseMoeBlock}: {@code gate} (hidden to experts, no bias), then {@code experts}. */
    private static Module sparseMoeBlock(Llama.Sizes s, long experts) {
        Module block = new Module();
        block.add("gate", Layers.linear(s.hidden, experts, false));
        Sequential list = block.add("experts", new Sequential());
        for (long i = 0; i < experts; i++) {
            list.append(expert(s));
        }
        return block;
    }

    /** {@code MixtralBlockSparseTop2MLP}: {@code w1} and {@code w3} up to {@code intermediate_size}, {@code w2} down. */
    private static Module expert(Llama.Sizes s) {
        Module mlp = new Module();
        mlp.add("w1", Layers.linear(s.hidden, s.intermediate, false));
        mlp.add("w2", Layers.linear(s.intermediate, s.hidden, false));
        mlp.add("w3", Layers.linear(s.hidden, s.intermediate, false));
        return mlp;
    }
}
