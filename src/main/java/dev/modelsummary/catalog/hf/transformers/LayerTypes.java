package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import java.util.List;

/**
 * {@code layer_types}: each decoder layer's attention ({@code full_attention}, {@code sliding_attention} ...). A
 * sliding window changes which positions a layer attends to, never a tensor, so the listing reads the key only to
 * refuse what the library refuses ({@code configuration_utils.layer_type_validation}, 4.57.6 and 5.x alike).
 */
public final class LayerTypes {
    /** {@code ALLOWED_LAYER_TYPES} of 4.57.6. */
    static final List<String> ALLOWED = List.of("full_attention", "sliding_attention", "chunked_attention",
            "linear_attention");

    private LayerTypes() {
    }

    /**
     * {@code layer_type_validation(layer_types, num_hidden_layers)}: every entry allowed, one per layer; null or
     * missing is derived by the config class (from {@code sliding_window} and {@code max_window_layers}).
     */
    public static void validate(HfConfig config, long layers) {
        JsonNode types = config.node("layer_types");
        if (types == null || types.isNull()) {
            return;
        }
        if (!types.isArray()) {
            throw new ConfigException("Config key 'layer_types' is " + Llama.pythonRepr(types) + ", not a list of "
                    + "layer types.");
        }
        for (JsonNode type : types) {
            if (!type.isTextual() || !ALLOWED.contains(type.textValue())) {
                throw new ConfigException("The `layer_types` entries must be in ('full_attention', "
                        + "'sliding_attention', 'chunked_attention', 'linear_attention')");
            }
        }
        if (types.size() != layers) {
            throw new ConfigException("`num_hidden_layers` (" + layers + ") must be equal to the number of layer "
                    + "types (" + types.size() + ")");
        }
    }
}
