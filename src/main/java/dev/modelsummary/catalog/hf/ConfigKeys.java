package dev.modelsummary.catalog.hf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config keys a build did not understand. A family reads every key that changes a tensor of its models
 * ({@link HfConfig} records each key asked for, given or not); a key nobody read changes nothing the listing shows,
 * unless the config was written for a newer release or another variant of the family, whose code reads it. Such a
 * key is told apart by its name: sizes and counts ({@code *_size}, {@code *_dim}, {@code *_dims}, {@code num_*},
 * {@code n_*}, {@code *_layers}, {@code *_heads}, {@code *_experts}), biases switched on or off ({@code *_bias}) and
 * per-layer lists ({@code layer_types}). Those
 * are named in a model warning ({@code config key 'X' is not understood; the listing ignores it}); every other
 * unknown key ({@code rope_theta}, {@code bos_token_id}, {@code use_cache} ...) is ignored as the library ignores it.
 */
public final class ConfigKeys {
    /**
     * Keys that look like sizes but change no tensor of any model: {@code PretrainedConfig}'s generation and
     * chunking settings, routing and windows.
     */
    private static final Set<String> NOT_SHAPES = Set.of("num_beams", "num_beam_groups", "num_return_sequences",
            "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "chunk_size_feed_forward", "num_labels",
            "num_experts_per_tok", "max_window_layers", "sliding_window_size", "attention_chunk_size",
            "n_positions_extrapolation", "num_logits_to_keep", "max_batch_size", "block_size",
            // expert parallelism and group routing (DeepSeek-V3), which layers skip rope or attend globally
            // (SmolLM3, ModernBERT), GPT-Neo's local window: none sizes a tensor
            "ep_size", "n_group", "topk_group", "no_rope_layers", "global_attn_every_n_layers", "window_size",
            // DeepSeek-V3's multi-token-prediction layers, which transformers does not build
            "num_nextn_predict_layers");

    /**
     * Per {@code model_type}: keys its config class keeps, whose names look like sizes, that its modeling code
     * never sizes a tensor with (ALBERT's {@code gap_size} and {@code num_memory_blocks}, GPT-2's {@code n_ctx},
     * T5's {@code n_positions}). A family whose config class has such keys lists them here.
     */
    private static final Map<String, Set<String>> KEPT_UNUSED = Map.of(
            "albert", Set.of("gap_size", "num_memory_blocks"),
            "gpt2", Set.of("n_ctx"),
            "t5", Set.of("n_positions"),
            "gptj", Set.of("n_positions"),
            // BartConfig and WhisperConfig set num_hidden_layers = encoder_layers whatever the file says
            "bart", Set.of("num_hidden_layers"),
            "whisper", Set.of("num_hidden_layers"),
            // Phi-3's published configs carry attention_bias, which Phi3Config and its modeling never read
            "phi3", Set.of("attention_bias"));

    private ConfigKeys() {
    }

    /** The shape-like keys of the config that the build never read, in the config's order. */
    public static List<String> notUnderstood(HfConfig config) {
        Set<String> read = config.readKeys();
        Set<String> keptUnused = KEPT_UNUSED.getOrDefault(config.modelType().orElse(""), Set.of());
        List<String> keys = new ArrayList<>();
        for (String key : config.keys()) {
            if (!read.contains(key) && !keptUnused.contains(key) && shapeLike(key) && config.node(key) != null && !config.node(key).isNull()) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Whether a key's name says it sizes or counts something. */
    static boolean shapeLike(String key) {
        if (NOT_SHAPES.contains(key)) {
            return false;
        }
        return key.endsWith("_size") || key.endsWith("_dim") || key.endsWith("_dims") || key.startsWith("num_")
                || key.startsWith("n_") || key.endsWith("_layers") || key.endsWith("_heads")
                || key.endsWith("_experts") || key.endsWith("_bias") || key.equals("layer_types");
    }
}
