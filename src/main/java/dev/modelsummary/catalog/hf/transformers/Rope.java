package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The rotary embedding's settings as the transformers release that wrote the config reads them. No rope type changes
 * a tensor's shape ({@code inv_freq} is a non-persistent buffer of {@code head_dim / 2} whatever the type), so a model
 * is refused only where that release refuses the config:
 * <ul>
 * <li>4.40 to 4.42 ({@code transformers_version} below 4.43) read {@code rope_scaling} as exactly {@code type}
 * (linear or dynamic) and {@code factor} (a float above 1): each family keeps its own 4.40 check for those two
 * types. A rope type 4.40 did not know (llama3, yarn, longrope, default, or the {@code rope_type} spelling) is read
 * as the first release that knew it does, 4.43 onwards, rather than refused.</li>
 * <li>4.43 to 4.57 (and a config that names no version): {@code rope_config_validation} of 4.57.6's
 * {@code modeling_rope_utils.py}: the required keys of each type are a {@code KeyError} when missing, everything
 * else is a logged warning (kept as a model warning); a type with no validation function is a warning when the
 * config is made and a {@code KeyError} when the model is built ({@code ROPE_INIT_FUNCTIONS[rope_type]}).</li>
 * <li>5.x ({@code rope_parameters}, or {@code transformers_version} 5 and later): the same per-type keys, read from
 * {@code rope_parameters}, which also carries {@code rope_theta}; a per-layer-type dict
 * ({@code {"full_attention": {...}, "sliding_attention": {...}}}) is validated entry by entry.</li>
 * </ul>
 */
public final class Rope {
    /** The rope types whose init functions 4.43 and later have, and the keys each init reads ({@code [...]}). */
    private static final Map<String, Set<String>> REQUIRED = Map.of(
            "default", Set.of(),
            "linear", Set.of("factor"),
            "dynamic", Set.of("factor"),
            "yarn", Set.of("factor"),
            "longrope", Set.of("short_factor", "long_factor"),
            "llama3", Set.of("factor", "original_max_position_embeddings", "low_freq_factor", "high_freq_factor"));
    /**
     * 5.x: the keys still missing after {@code standardize_rope_params} (which fills {@code rope_theta}, and
     * {@code original_max_position_embeddings} from {@code max_position_embeddings} for llama3, yarn and longrope),
     * and the {@code proportional} type 5.x added.
     */
    private static final Map<String, Set<String>> REQUIRED_V5 = Map.of(
            "default", Set.of(),
            "linear", Set.of("factor"),
            "dynamic", Set.of("factor"),
            "yarn", Set.of("factor"),
            "longrope", Set.of("short_factor", "long_factor"),
            "llama3", Set.of("factor", "low_freq_factor", "high_freq_factor"),
            "proportional", Set.of());
    /** 5.x's {@code optional_keys} (beside {@code rope_theta}, {@code partial_rotary_factor} and the filled ones). */
    private static final Map<String, Set<String>> OPTIONAL_V5 = Map.of(
            "yarn", Set.of("attention_factor", "beta_fast", "beta_slow", "mscale", "mscale_all_dim", "truncate",
                    "original_max_position_embeddings"),
            "longrope", Set.of("attention_factor", "factor", "original_max_position_embeddings"),
            "llama3", Set.of("original_max_position_embeddings"));

    /** {@code optional_keys} of each {@code _validate_*} function; null: every other key is unrecognized. */
    private static final Map<String, Set<String>> OPTIONAL = Map.of(
            "dynamic", Set.of("original_max_position_embeddings"),
            "yarn", Set.of("attention_factor", "beta_fast", "beta_slow", "original_max_position_embeddings", "mscale",
                    "mscale_all_dim", "truncate"),
            "longrope", Set.of("attention_factor", "factor", "original_max_position_embeddings"));

    /** Which release's reading a config gets. */
    public enum Writer {
        /** 4.40 to 4.42: {@code rope_scaling} of {@code type} and {@code factor}. */
        V4_40,
        /** 4.43 to 4.57, or no version named: {@code rope_scaling} with {@code rope_type}. */
        V4_57,
        /** 5.x: {@code rope_parameters}. */
        V5
    }

    private Rope() {
    }

    /** The release whose reading applies: {@code rope_parameters} or version 5 is 5.x; below 4.43 is 4.40. */
    public static Writer writer(HfConfig config) {
        int[] version = config.transformersVersion();
        if (config.has("rope_parameters") || version != null && version[0] >= 5) {
            return Writer.V5;
        }
        if (version != null && (version[0] < 4 || version[0] == 4 && version[1] < 43)) {
            return Writer.V4_40;
        }
        return Writer.V4_57;
    }

    /**
     * The 4.40 rotary class suffix of a {@code type} linear or dynamic ({@code LinearScaling},
     * {@code DynamicNTKScaling}); empty for every other type (4.43 and later have one rotary class).
     */
    public static String legacyClass(HfConfig config) {
        return switch (type(config)) {
            case "linear" -> "LinearScaling";
            case "dynamic" -> "DynamicNTKScaling";
            default -> "";
        };
    }

    /** The rope settings a config holds: {@code rope_parameters} (5.x), else {@code rope_scaling}; null for none. */
    public static JsonNode settings(HfConfig config) {
        // 5.x: self.rope_parameters = rope_scaling or self.rope_parameters (a non-empty rope_scaling wins)
        JsonNode scaling = config.node("rope_scaling");
        if (scaling != null && !scaling.isNull() && !(scaling.isContainerNode() && scaling.size() == 0)) {
            return scaling;
        }
        JsonNode parameters = config.node("rope_parameters");
        if (parameters != null && !parameters.isNull() && !(parameters.isObject() && parameters.size() == 0)) {
            return parameters;
        }
        return scaling == null || scaling.isNull() ? null : scaling;
    }

    /**
     * The rope type ({@code rope_type}, else the older {@code type}); empty for none or a non-dict, as the rotary
     * embedding's {@code isinstance(config.rope_scaling, dict)} reads it. A 5.x per-layer-type dict gives the type
     * of its first entry.
     */
    public static String type(HfConfig config) {
        JsonNode settings = settings(config);
        if (settings == null || !settings.isObject()) {
            return "";
        }
        if (isPerLayerType(settings)) {
            settings = settings.elements().next();
        }
        JsonNode type = settings.has("rope_type") ? settings.get("rope_type") : settings.get("type");
        return type != null && type.isTextual() ? type.textValue() : "";
    }

    /**
     * Validates the config's rope settings as the release that wrote it does.
     *
     * @param legacy    the family's 4.40 {@code _rope_scaling_validation}, null when 4.40's config class had none
     * @param validates whether the family's 4.57 config class calls {@code rope_config_validation} (Llama, Qwen2,
     *                  Phi, GPT-NeoX); every family's rotary embedding looks its type up at build time anyway
     * @param headDim   the rotary dimension before {@code partial_rotary_factor}, for longrope's length warnings
     */
    public static void validate(HfConfig config, Consumer<HfConfig> legacy, boolean validates, long headDim) {
        JsonNode settings = settings(config);
        if (settings == null) {
            return;
        }
        Writer writer = writer(config);
        String name = writer == Writer.V5 ? "rope_parameters" : "rope_scaling";
        // 4.43 and later write rope_type beside type (the config class copies it in place), so a dict that spells
        // type alone was written by 4.42 or earlier, or by hand for them
        boolean legacySpelling = settings.isObject() && settings.has("type") && !settings.has("rope_type");
        boolean legacyEra = writer == Writer.V4_40 || writer == Writer.V4_57 && config.transformersVersion() == null
                && (legacySpelling || !settings.isObject());
        if (legacyEra) {
            JsonNode type = legacySpelling ? settings.get("type") : null;
            boolean legacyType = type != null && type.isTextual()
                    && (type.textValue().equals("linear") || type.textValue().equals("dynamic"));
            if (legacy != null && (legacyType || !settings.isObject())) {
                legacy.accept(config);
                return;
            }
            if (legacy == null && writer == Writer.V4_40) {
                return; // 4.40's config class and rotary embedding do not read rope_scaling
            }
        }
        if (!settings.isObject()) {
            if (validates || writer == Writer.V5) {
                // rope_config_validation: rope_scaling.get(...)
                throw new ConfigException("'" + pythonType(settings) + "' object has no attribute 'get' ("
                        + name + " is " + Llama.pythonRepr(settings) + ")");
            }
            return; // the rotary embedding reads only a dict
        }
        boolean v5 = writer == Writer.V5;
        if (isPerLayerType(settings)) {
            for (Iterator<JsonNode> it = settings.elements(); it.hasNext(); ) {
                validateOne(config, it.next(), name, true, v5, headDim);
            }
            return;
        }
        validateOne(config, settings, name, validates || v5, v5, headDim);
    }

    /** 5.x's {@code rope_parameters} per layer type: every value a dict, every key a layer type. */
    private static boolean isPerLayerType(JsonNode settings) {
        if (settings.size() == 0) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isObject() || !field.getKey().endsWith("_attention")) {
                return false;
            }
        }
        return true;
    }

    private static void validateOne(HfConfig config, JsonNode settings, String name, boolean validates,
                                    boolean v5, long headDim) {
        JsonNode typeNode = settings.has("rope_type") ? settings.get("rope_type") : settings.get("type");
        String type = typeNode == null || typeNode.isNull() ? "default" : Llama.pythonRepr(typeNode);
        if (typeNode != null && typeNode.isTextual()) {
            type = typeNode.textValue();
        }
        Set<String> required = (v5 ? REQUIRED_V5 : REQUIRED).get(type);
        if (required == null) {
            if (v5) {
                config.warn("Missing validation function in 'RotaryEmbeddingConfigMixin' for 'rope_type'='" + type
                        + "'");
            } else if (validates) {
                config.warn("Missing validation function mapping in `ROPE_VALIDATION_FUNCTIONS` for 'rope_type'='"
                        + type + "'");
            }
            // the rotary embedding: self.rope_init_fn = ROPE_INIT_FUNCTIONS[self.rope_type]
            throw new ConfigException("KeyError: " + (typeNode == null || typeNode.isNull() ? "None"
                    : Llama.pythonRepr(typeNode)) + " (" + name + "'s rope type is not one of default, linear, "
                    + "dynamic, yarn, longrope, llama3)");
        }
        Set<String> received = new LinkedHashSet<>();
        settings.fieldNames().forEachRemaining(received::add);
        Set<String> requiredKeys = new LinkedHashSet<>(required);
        requiredKeys.add("rope_type");
        if (received.remove("type")) {
            received.add("rope_type"); // the config class copies type into rope_type
        }
        if (v5) {
            received.add("rope_type"); // standardize_rope_params: setdefault("rope_type", ... "default")
            received.remove("rope_theta"); // 5.x keeps rope_theta in rope_parameters
            received.remove("partial_rotary_factor");
        }
        Set<String> missing = new TreeSet<>(requiredKeys);
        missing.removeAll(received);
        if (v5) {
            checkEvenRotaryDim(config, settings, headDim);
        }
        if (!missing.isEmpty()) {
            if (validates) {
                throw new ConfigException("Missing required keys in `" + name + "` for 'rope_type'='" + type + "': "
                        + pythonSet(missing));
            }
            // the init function reads rope_scaling[key]
            throw new ConfigException("KeyError: '" + missing.iterator().next() + "' (" + name + " of rope_type '"
                    + type + "' needs it)");
        }
        if (!validates) {
            return;
        }
        Set<String> optional = (v5 ? OPTIONAL_V5 : OPTIONAL).getOrDefault(type, Set.of());
        Set<String> unused = new TreeSet<>(received);
        unused.removeAll(requiredKeys);
        unused.removeAll(optional);
        if (!unused.isEmpty()) {
            config.warn("Unrecognized keys in `" + name + "` for 'rope_type'='" + type + "': " + pythonSet(unused));
        }
        checkValues(config, settings, type, name, v5, headDim);
    }

    /**
     * 5.x's {@code validate_rope}: a fully rotated odd {@code head_dim} above 4 is a ValueError (the config's
     * {@code head_dim}, which 5.x writes for every Llama-like model).
     */
    private static void checkEvenRotaryDim(HfConfig config, JsonNode settings, long headDim) {
        Long configured = config.optionalInteger("head_dim");
        if (configured == null) {
            return;
        }
        JsonNode factorNode = settings.get("partial_rotary_factor");
        double factor = factorNode != null && factorNode.isNumber() ? factorNode.doubleValue()
                : config.real("partial_rotary_factor", 1.0);
        if (configured > 4 && configured % 2 != 0 && (long) (configured * factor) == configured) {
            throw new ConfigException("RoPE requires an even rotary dimension, but got `head_dim`=" + configured
                    + " with `partial_rotary_factor`=" + Llama.pythonRepr(com.fasterxml.jackson.databind.node
                    .DoubleNode.valueOf(factor)) + " for `full_attention`.");
        }
    }

    /** The warnings and the Python errors (comparisons of None) of each {@code _validate_*} function. */
    private static void checkValues(HfConfig config, JsonNode s, String type, String name, boolean v5,
                                    long headDim) {
        if (type.equals("linear") || type.equals("dynamic") || type.equals("yarn") || type.equals("llama3")) {
            JsonNode factor = s.get("factor");
            if (!(v5 ? factor != null && factor.isNumber() && !factor.isBoolean() : isFloat(factor))
                    || factor.doubleValue() < 1.0) {
                config.warn("`" + name + "`'s factor field must be a " + (v5 ? "float or int" : "float")
                        + " >= 1, got " + str(factor));
            }
        }
        if (type.equals("yarn")) {
            JsonNode attention = s.get("attention_factor");
            if (present(attention) && (!isFloat(attention) || attention.doubleValue() < 0)) {
                config.warn("`" + name + "`'s attention_factor field must be a float greater than 0, got "
                        + str(attention));
            }
            for (String key : List.of("beta_fast", "beta_slow")) {
                if (present(s.get(key)) && !isFloat(s.get(key))) {
                    config.warn("`" + name + "`'s " + key + " field must be a float, got " + str(s.get(key)));
                }
            }
            double fast = truthyNumber(s.get("beta_fast"), 32, "beta_fast");
            double slow = truthyNumber(s.get("beta_slow"), 1, "beta_slow");
            if (fast < slow) {
                config.warn("`" + name + "`'s beta_fast field must be greater than beta_slow, got beta_fast="
                        + str(s.get("beta_fast")) + " (defaults to 32 if None) and beta_slow=" + str(s.get("beta_slow"))
                        + " (defaults to 1 if None)");
            }
        }
        if (type.equals("longrope")) {
            long dim = (long) (headDim * config.real("partial_rotary_factor", 1.0));
            for (String key : List.of("short_factor", "long_factor")) {
                JsonNode list = s.get(key);
                if (list == null || !(list.isArray() || list.isTextual() || list.isObject())) {
                    // len(None) / len(1.0)
                    throw new ConfigException("object of type '" + pythonType(list) + "' has no len() (" + name
                            + "'s " + key + ")");
                }
                if (list.size() != dim / 2 && !(list.isTextual() && list.textValue().length() == dim / 2)) {
                    config.warn("`" + name + "`'s " + key + " field must have length " + dim / 2 + ", got "
                            + (list.isTextual() ? list.textValue().length() : list.size()));
                }
            }
        }
        if (type.equals("llama3")) {
            JsonNode low = s.get("low_freq_factor");
            JsonNode high = s.get("high_freq_factor");
            for (String key : List.of("low_freq_factor", "high_freq_factor")) {
                if (!isFloat(s.get(key))) {
                    config.warn("`" + name + "`'s " + key + " field must be a float, got " + str(s.get(key)));
                }
            }
            if (!(low != null && low.isNumber() && high != null && high.isNumber())) {
                throw new ConfigException("'<=' not supported between instances of '" + pythonType(high) + "' and '"
                        + pythonType(low) + "' (" + name + "'s high_freq_factor and low_freq_factor)");
            }
            if (high.doubleValue() <= low.doubleValue()) {
                config.warn("`" + name + "`'s high_freq_factor field must be greater than low_freq_factor, got "
                        + "high_freq_factor=" + str(high) + " and low_freq_factor=" + str(low));
            }
            JsonNode original = s.get("original_max_position_embeddings");
            if (v5 && original == null) {
                return; // standardize_rope_params fills it with max_position_embeddings
            }
            if (original == null || !original.isIntegralNumber()) {
                config.warn("`" + name + "`'s original_max_position_embeddings field must be an integer, got "
                        + str(original));
            }
            if (original == null || !original.isNumber()) {
                throw new ConfigException("'>=' not supported between instances of '" + pythonType(original)
                        + "' and 'int' (" + name + "'s original_max_position_embeddings)");
            }
            JsonNode maxPositions = config.node("max_position_embeddings");
            if (maxPositions != null && maxPositions.isNumber()
                    && original.doubleValue() >= maxPositions.doubleValue()) {
                config.warn("`" + name + "`'s original_max_position_embeddings field must be less than "
                        + "max_position_embeddings, got " + str(original) + " and max_position_embeddings="
                        + str(maxPositions));
            }
        }
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }

    private static boolean isFloat(JsonNode value) {
        return value != null && value.isFloatingPointNumber();
    }

    /** {@code (value or fallback)} compared as Python compares it: a number, else a TypeError. */
    private static double truthyNumber(JsonNode value, double fallback, String key) {
        if (value == null || value.isNull() || value.isNumber() && value.doubleValue() == 0
                || value.isTextual() && value.textValue().isEmpty() || value.isBoolean() && !value.booleanValue()) {
            return fallback;
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isBoolean()) {
            return 1;
        }
        throw new ConfigException("'<' not supported between instances of '" + pythonType(value) + "' and 'int' ("
                + key + " is " + Llama.pythonRepr(value) + ")");
    }

    /** {@code str(value)}: Python's f-string of the value {@code json.load} makes. */
    private static String str(JsonNode value) {
        return value == null ? "None" : value.isTextual() ? value.textValue() : Llama.pythonRepr(value);
    }

    private static String pythonType(JsonNode value) {
        if (value == null || value.isNull()) {
            return "NoneType";
        }
        if (value.isTextual()) {
            return "str";
        }
        if (value.isBoolean()) {
            return "bool";
        }
        if (value.isIntegralNumber()) {
            return "int";
        }
        if (value.isNumber()) {
            return "float";
        }
        return value.isArray() ? "list" : "dict";
    }

    /** A Python set of strings, its items sorted (Python's order depends on the hash seed). */
    private static String pythonSet(Set<String> keys) {
        List<String> items = new ArrayList<>();
        for (String key : keys) {
            items.add("'" + key + "'");
        }
        return "{" + String.join(", ", items) + "}";
    }
}
