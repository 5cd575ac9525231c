package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/starcoder2} ({@code modular_starcoder2.py}): Mistral's decoder with
 * {@code use_bias} on q, k, v and o, {@code nn.LayerNorm} (weight and bias) in place of RMSNorm, and its own MLP:
 * {@code c_fc}, {@code act} ({@code gelu_pytorch_tanh}), {@code c_proj}, both with {@code use_bias}; the
 * embedding and residual dropouts are functional. {@code tie_word_embeddings} defaults to true. No
 * question-answering class.
 */
public final class Starcoder2 implements HfFamily {
    private static final String PREFIX = "Starcoder2";

    @Override
    public String modelType() {
        return "starcoder2";
    }

    @Override
    public List<String> architectures() {
        return List.of("Starcoder2Model", "Starcoder2ForCausalLM", "Starcoder2ForSequenceClassification",
                "Starcoder2ForTokenClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // Starcoder2Config.__init__: num_key_value_heads=2
        Llama.Sizes s = sizes(config);
        LlamaBlocks.Options o = new LlamaBlocks.Options(s, PREFIX, config);
        boolean bias = config.bool("use_bias", true);
        o.qkvBias = bias;
        o.oBias = bias;
        o.layerNorm = true;
        o.feedForward = i -> new Starcoder2MLP(s, bias);
        return LlamaBlocks.build(o, architecture);
    }

    /** {@code Starcoder2MLP}: {@code c_proj(act(c_fc(x)))}, then a functional dropout. */
    static final class Starcoder2MLP extends DecoderParts.TwoLayerMlp {
        Starcoder2MLP(Llama.Sizes s, boolean bias) {
            super("c_fc", "act", "c_proj");
            add("c_fc", Layers.linear(s.hidden, s.intermediate, bias));
            add("c_proj", Layers.linear(s.intermediate, s.hidden, bias));
            add("act", Act457.act(s.hiddenAct));
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("Starcoder2DecoderLayer");
    }

    /** {@code Starcoder2Config.__init__}'s sizes. */
    private static Llama.Sizes sizes(HfConfig config) {
        Llama.Sizes s = new Llama.Sizes(config, 49152, 3072, 12288, 30, 24,
                LlamaBlocks.kvHeadsDefault(config, 2L), true);
        s.hiddenAct = config.string("hidden_act", "gelu_pytorch_tanh");
        LlamaBlocks.headDim(s, config, null);
        return s;
    }

    /**
     * {@inheritDoc} {@code DynamicCache(config=...)}: every layer sliding when {@code sliding_window} (None by default)
     * is set.
     */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return KvCaches.llama(config, architecture, sizes(config));
    }
}
