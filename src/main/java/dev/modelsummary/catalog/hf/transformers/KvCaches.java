package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.memory.KvCache;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * transformers 4.57.6's {@code DynamicCache(config=config)}, which every generating family builds when its forward
 * runs with {@code use_cache=True}: one layer per decoder layer, sliding ({@code DynamicSlidingWindowLayer},
 * keeping the last {@code window - 1} tokens) where {@code layer_types} says {@code sliding_attention} or
 * {@code chunked_attention}, full ({@code DynamicLayer}) elsewhere. The window is
 * {@code config.sliding_window or config.attention_chunk_size}; without {@code layer_types} every layer slides
 * when there is a window. A config class that derives {@code sliding_window} or {@code layer_types} itself (Qwen2's
 * {@code use_sliding_window}, Gemma 2's alternation) passes what it derives; every other family reads the config's
 * keys as attributes, as {@code PretrainedConfig(**kwargs)} sets them.
 */
final class KvCaches {
    private KvCaches() {
    }

    /**
     * Whether a decoder-only class returns its cache: the base model, the causal LM and the sequence classifiers do;
     * the token classifiers and question-answering heads (4.57's {@code GenericFor*} and the older families' own)
     * return outputs without {@code past_key_values}.
     */
    static boolean returnsCache(String architecture) {
        return !architecture.endsWith("ForTokenClassification") && !architecture.endsWith("ForQuestionAnswering");
    }

    /** The config's {@code sliding_window} attribute as given (null when absent or null). */
    static Long configWindow(HfConfig config) {
        return config.optionalInteger("sliding_window");
    }

    /** A config class's {@code sliding_window=classDefault} argument: the default when absent, null when null. */
    static Long windowOrDefault(HfConfig config, long classDefault) {
        return config.node("sliding_window") == null ? Long.valueOf(classDefault) : configWindow(config);
    }

    /**
     * The Qwen configs' {@code sliding_window if use_sliding_window else None} (Qwen2, Qwen2-MoE, Qwen3, Qwen3-MoE;
     * {@code sliding_window} defaults to 4096).
     */
    private static Long qwenWindow(HfConfig config) {
        return config.bool("use_sliding_window", false) ? windowOrDefault(config, 4096) : null;
    }

    /**
     * A Qwen family's cache: a window only under {@code use_sliding_window}; Qwen2's and Qwen3's config classes
     * ({@code byMaxWindowLayers}) derive {@code layer_types} sliding from layer {@code max_window_layers} (28) on,
     * the MoE ones derive none, so every layer slides.
     */
    static KvCache qwen(HfConfig config, String architecture, Llama.Sizes s, boolean byMaxWindowLayers) {
        Long window = qwenWindow(config);
        long maxWindowLayers = config.integer("max_window_layers", 28);
        return decoder(config, architecture, s.layers, window,
                byMaxWindowLayers ? i -> window != null && i >= maxWindowLayers : null, s.kvHeads, s.headDim,
                s.headDim);
    }

    /** A Llama-like family's cache: {@code num_key_value_heads x head_dim} per layer, the config's window. */
    static KvCache llama(HfConfig config, String architecture, Llama.Sizes s) {
        return decoder(config, architecture, s.layers, s.kvHeads, s.headDim);
    }

    /** Every layer of a decoder-only class with the config's own window (no derivation by its config class). */
    static KvCache decoder(HfConfig config, String architecture, long layers, long kvHeads, long headDim) {
        return decoder(config, architecture, layers, configWindow(config), null, kvHeads, headDim, headDim);
    }

    /**
     * The cache of a decoder-only class, null when it returns none.
     *
     * @param window         {@code sliding_window} as the config class sets it (null: None)
     * @param derivedSliding the config class's {@code layer_types} when the config gives none (true: sliding);
     *                       null when the class derives none, so {@code DynamicCache} slides every layer if there
     *                       is a window
     * @param kvHeads        the heads of the key and value tensors passed to {@code past_key_values.update}
     */
    static KvCache decoder(HfConfig config, String architecture, long layers, Long window,
                           LongPredicate derivedSliding, long kvHeads, long keyDim, long valueDim) {
        if (!returnsCache(architecture)) {
            return null;
        }
        return new KvCache(selfAttention(config, layers, window, derivedSliding, kvHeads, keyDim, valueDim));
    }

    /**
     * An encoder-decoder's {@code EncoderDecoderCache}: the decoder's self-attention layers, then one
     * cross-attention layer per decoder layer holding the encoder output's {@code crossTokens} tokens (the
     * cross cache of a class run without an encoder, {@code crossTokens} 0, stays empty).
     */
    static KvCache encoderDecoder(HfConfig config, long layers, long heads, long headDim, long crossTokens) {
        List<KvCache.Layer> out = new ArrayList<>(selfAttention(config, layers, configWindow(config), null, heads,
                headDim, headDim));
        if (crossTokens != 0) {
            long width = Exact.mul(heads, headDim);
            for (long i = 0; i < layers; i++) {
                out.add(new KvCache.Layer(width, width, 0, crossTokens));
            }
        }
        return new KvCache(out);
    }

    private static List<KvCache.Layer> selfAttention(HfConfig config, long layers, Long window,
                                                     LongPredicate derivedSliding, long kvHeads, long keyDim,
                                                     long valueDim) {
        // sliding_window or attention_chunk_size: a 0 or None falls through to the next
        Long chunk = config.optionalInteger("attention_chunk_size");
        Long effective = window != null && window != 0 ? window : chunk != null && chunk != 0 ? chunk : null;
        if (effective != null && effective < 0) {
            effective = null; // a negative window slices from the front in Python; not a window: every token kept
        }
        JsonNode types = config.node("layer_types");
        boolean given = types != null && types.isArray();
        long keyWidth = Exact.mul(kvHeads, keyDim);
        long valueWidth = Exact.mul(kvHeads, valueDim);
        List<KvCache.Layer> out = new ArrayList<>();
        for (long i = 0; i < layers; i++) {
            boolean sliding;
            if (given) {
                String type = i < types.size() ? types.get((int) i).asText() : "full_attention";
                sliding = type.equals("sliding_attention") || type.equals("chunked_attention");
            } else {
                sliding = derivedSliding != null ? derivedSliding.test(i) : effective != null;
            }
            out.add(new KvCache.Layer(keyWidth, valueWidth, sliding && effective != null ? effective : 0, 0));
        }
        return out;
    }
}
