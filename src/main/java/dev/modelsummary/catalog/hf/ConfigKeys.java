package dev.modelsummary.catalog.hf;

import dev.modelsummary.text.Quote;
import dev.modelsummary.text.Spelling;
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

    /**
     * {@code PretrainedConfig}'s own attributes (transformers 4.57.6, {@code PretrainedConfig().to_dict()}), which
     * every family's config class keeps: a {@code --arg} of one of these is never an unknown key.
     */
    private static final Set<String> PRETRAINED = Set.of("_name_or_path", "add_cross_attention", "architectures",
            "bad_words_ids", "begin_suppress_tokens", "bos_token_id", "chunk_size_feed_forward",
            "cross_attention_hidden_size", "decoder_start_token_id", "diversity_penalty", "do_sample", "dtype",
            "early_stopping", "encoder_no_repeat_ngram_size", "eos_token_id", "exponential_decay_length_penalty",
            "finetuning_task", "forced_bos_token_id", "forced_eos_token_id", "id2label", "is_decoder",
            "is_encoder_decoder", "label2id", "length_penalty", "max_length", "min_length", "model_type",
            "no_repeat_ngram_size", "num_beam_groups", "num_beams", "num_return_sequences", "output_attentions",
            "output_hidden_states", "output_scores", "pad_token_id", "prefix", "problem_type", "pruned_heads",
            "remove_invalid_values", "repetition_penalty", "return_dict", "return_dict_in_generate", "sep_token_id",
            "suppress_tokens", "task_specific_params", "temperature", "tf_legacy_loss", "tie_encoder_decoder",
            "tie_word_embeddings", "tokenizer_class", "top_k", "top_p", "torchscript", "transformers_version",
            "typical_p", "use_bfloat16", "torch_dtype", "num_labels", "attn_implementation", "use_cache");

    private ConfigKeys() {
    }

    /**
     * The {@code --arg} keys ({@code given}) the family's config does not define, each to a warning that names
     * the nearest known key. A key is known when the family's config class defines it in transformers 4.57.6
     * ({@code hf-config-keys.txt}, written by {@code tools/hf_config_keys.py}), when the family's build reads it
     * (any of its builds so far, attribute map aliases included), when the config file or bundled config carries
     * it ({@code base}), when {@code PretrainedConfig} defines it, or when the family's config class keeps it
     * unused. The library
     * accepts any key ({@code from_config(config, **kwargs)} sets it as an attribute) and ignores it, so a typo
     * ({@code torch_dtyp}, {@code num_hidden_layer}) silently changes nothing: hence the warning.
     */
    public static Map<String, String> unknownArguments(HfConfig resolved, List<String> base, Set<String> given,
                                                       List<String> declared) {
        if (given.isEmpty()) {
            return Map.of(); // nothing to check: and the class keys file stays unread, as ClassKeys promises
        }
        Set<String> known = new java.util.TreeSet<>(resolved.readKeys());
        known.addAll(base);
        known.addAll(PRETRAINED);
        known.addAll(declared);
        known.addAll(KEPT_UNUSED.getOrDefault(resolved.modelType().orElse(""), Set.of()));
        known.addAll(classKeys(resolved.modelType().orElse("")));
        Map<String, String> warnings = new java.util.LinkedHashMap<>();
        for (String key : given) {
            if (known.contains(key)) {
                continue;
            }
            String nearest = Spelling.nearest(key, known);
            warnings.put(key, "--arg " + Quote.of(key) + " is not a key of the "
                    + resolved.modelType().orElse("") + " config, so it changes nothing"
                    + (nearest == null ? "" : "; did you mean " + Quote.of(nearest) + "?"));
        }
        return warnings;
    }

    /**
     * Per {@code model_type}, the keys its config class defines beyond {@code PretrainedConfig}'s; read on first use
     * (a run without {@code --arg} never reads it).
     */
    private static final class ClassKeys {
        static final Map<String, Set<String>> BY_MODEL_TYPE = read();

        private static Map<String, Set<String>> read() {
            Map<String, Set<String>> byType = new java.util.HashMap<>();
            for (String line : HfModels.resourceText("/dev/modelsummary/hf-config-keys.txt").split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.strip().split(" ");
                byType.put(words[0], java.util.Arrays.stream(words).skip(1)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()));
            }
            return byType;
        }
    }

    /** The keys {@code model_type}'s config class defines beyond {@code PretrainedConfig}'s; empty when unknown. */
    static Set<String> classKeys(String modelType) {
        return ClassKeys.BY_MODEL_TYPE.getOrDefault(modelType, Set.of());
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
