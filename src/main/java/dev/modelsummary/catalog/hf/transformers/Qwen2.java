package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.40 {@code models/qwen2/modeling_qwen2.py} with {@code Qwen2Config}'s defaults: Llama's decoder
 * whose {@code q_proj}, {@code k_proj} and {@code v_proj} have biases and {@code o_proj} has none
 * ({@code use_sliding_window} changes no tensor).
 */
public final class Qwen2 implements HfFamily {
    private static final String PREFIX = "Qwen2";

    @Override
    public String modelType() {
        return "qwen2";
    }

    @Override
    public List<String> architectures() {
        return List.of("Qwen2Model", "Qwen2ForCausalLM", "Qwen2ForSequenceClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // Qwen2Config.__init__: num_key_value_heads=32, None gives num_attention_heads
        if (config.contains("head_dim") && !config.has("head_dim")) {
            // Qwen2Config has no head_dim argument: a null one is set as is and read by getattr
            throw new ConfigException("unsupported operand type(s) for *: 'int' and 'NoneType' (head_dim is None)");
        }
        Llama.Sizes s = sizes(config);
        Rope.validate(config, null, true, s.headDim);
        // 4.57's Qwen2Config: layer_types (derived from use_sliding_window and max_window_layers when None)
        LayerTypes.validate(config, s.layers);
        s.checkHeadDim();
        // 4.40.2's Qwen2RotaryEmbedding is Mistral's (cached cos/sin sliced to seq_len)
        s.prefix = PREFIX;
        s.cachedRotary = true;
        s.qkvBias = true;
        if (architecture.equals("Qwen2Model")) {
            return new Llama.LlamaModel(s, false);
        }
        if (architecture.equals("Qwen2ForCausalLM")) {
            return new Llama.LlamaForCausalLM(s, false);
        }
        return Llama.withHead(architecture, PREFIX, s, () -> new Llama.LlamaModel(s, false));
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Qwen2DecoderLayer");
    }

    /** {@code Qwen2Config.__init__}'s sizes: {@code num_key_value_heads=32}. */
    private static Llama.Sizes sizes(HfConfig config) {
        return new Llama.Sizes(config, 151936, 4096, 22016, 32, 32, 32L, false);
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: a window only under {@code use_sliding_window}, on the layers
     * from {@code max_window_layers} on.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.qwen(config, architecture, sizes(config), true);
    }
}
