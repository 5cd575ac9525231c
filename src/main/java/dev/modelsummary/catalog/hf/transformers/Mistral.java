package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/mistral/modeling_mistral.py} with {@code MistralConfig}'s defaults: Llama's
 * decoder (its attention without biases; {@code sliding_window} changes no tensor).
 */
public final class Mistral implements HfFamily {
    private static final String PREFIX = "Mistral";

    @Override
    public String modelType() {
        return "mistral";
    }

    @Override
    public List<String> architectures() {
        return List.of("MistralModel", "MistralForCausalLM", "MistralForSequenceClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // MistralConfig.__init__: num_key_value_heads=8, None gives num_attention_heads
        Llama.Sizes s = sizes(config);
        Rope.validate(config, null, false, s.headDim);
        if (config.contains("layer_types")) {
            // 4.57's MistralConfig keeps it and warns; its decoder has one attention for every layer
            config.warn("Detected Mistral model with layer_types. Consider using AutoModel or Ministral classes "
                    + "instead to enable alternating attention compatibility.");
        }
        s.checkHeadDim();
        s.prefix = PREFIX;
        s.cachedRotary = true;
        if (architecture.equals("MistralModel")) {
            return new Llama.LlamaModel(s, false);
        }
        if (architecture.equals("MistralForCausalLM")) {
            return new Llama.LlamaForCausalLM(s, false);
        }
        return Llama.withHead(architecture, PREFIX, s, () -> new Llama.LlamaModel(s, false));
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("MistralDecoderLayer");
    }

    /** {@code MistralConfig.__init__}'s sizes (Mixtral's too): {@code num_key_value_heads=8}. */
    static Llama.Sizes sizes(HfConfig config) {
        return new Llama.Sizes(config, 32000, 4096, 14336, 32, 32, 8L, false);
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: {@code sliding_window} (4096 by default, as v0.1 has it) on every
     * layer unless {@code layer_types} (kept from the kwargs) says otherwise.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        Llama.Sizes s = sizes(config);
        return KvCaches.decoder(config, architecture, s.layers, KvCaches.windowOrDefault(config, 4096), null,
                s.kvHeads, s.headDim, s.headDim);
    }
}
