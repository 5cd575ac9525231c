package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/gemma3/modular_gemma3.py}. The text model ({@code gemma3_text},
 * {@link Text}) is Gemma 2 plus {@code q_norm}/{@code k_norm} (Gemma3RMSNorm over {@code head_dim}), a second
 * model-level rotary {@code rotary_emb_local} (base {@code rope_local_base_freq}, no scaling) for the sliding
 * layers, and {@code Gemma3TextScaledWordEmbedding} (a non-persistent scalar {@code embed_scale} buffer, so in no
 * listing); softcapping is off by default and changes no shape either way. Layers slide except every
 * {@code sliding_window_pattern}-th (6) unless {@code layer_types} says.
 */
public final class Gemma3 implements HfFamily {
    static final String PREFIX = "Gemma3";

    /** {@code model_type} gemma3_text: {@code Gemma3TextModel}, {@code Gemma3ForCausalLM} and its classifier. */
    public static final class Text implements HfFamily {
        @Override
        public String modelType() {
            return "gemma3_text";
        }

        @Override
        public List<String> architectures() {
            return List.of("Gemma3TextModel", "Gemma3ForCausalLM", "Gemma3TextForSequenceClassification");
        }

        @Override
        public Module build(HfConfig config, String architecture) {
            Decoder457.Spec s = textSpec(config);
            List<Boolean> sliding = textSliding(config, s);
            return Gemma2.withHead(architecture, s, () -> new Decoder457.Model(s, sliding));
        }
    }

    /** {@code Gemma3TextConfig}'s sizes and defaults on Gemma 2's. */
    static Decoder457.Spec textSpec(HfConfig config) {
        Decoder457.Spec s = Gemma2.spec(config, PREFIX, 262208, 2304, 9216, 26, 8, 4);
        s.modelClass = "Gemma3TextModel";
        s.qkNorm = true;
        s.localRotary = true;
        s.embeddingClass = "Gemma3TextScaledWordEmbedding";
        return s;
    }

    /** {@code layer_types}, else sliding unless {@code (i + 1) % sliding_window_pattern == 0}. */
    static List<Boolean> textSliding(HfConfig config, Decoder457.Spec s) {
        long pattern = config.integer("sliding_window_pattern", 6);
        if (pattern == 0 && !config.has("layer_types") && s.layers > 0) {
            throw new ConfigException("integer modulo by zero (sliding_window_pattern is 0)");
        }
        return Decoder457.slidingLayers(config, s.layers, i -> Math.floorMod(i + 1, pattern) != 0);
    }

    @Override
    public String modelType() {
        return "gemma3";
    }

    @Override
    public List<String> architectures() {
        return List.of("Gemma3ForConditionalGeneration", "Gemma3Model", "Gemma3ForSequenceClassification");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        throw new ConfigException("not yet");
    }

    static HfConfig sub(HfConfig config, String key) {
        JsonNode node = config.node(key);
        return node == null || node.isNull() ? HfConfig.parse("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : HfConfig.parse(node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
