package dev.modelsummary.catalog.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelsummary.text.Quote;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Hugging Face {@code config.json}: its top-level keys, overridden by {@code --arg KEY=VALUE} as
 * {@code from_config(config, **kwargs)} sets attributes, read by the families with the defaults of the
 * library's config classes ({@code BertConfig.__init__}). A config comes from a file, so it is bounded when
 * read (size, nesting, string length) and every value is type-checked where it is used, with a message that
 * names the key.
 */
public final class HfConfig {
    /** Real configs are a few kilobytes; an ImageNet {@code id2label} makes about 40 KB. */
    public static final int MAX_BYTES = 4 << 20;
    private static final int MAX_DEPTH = 64;
    private static final ConfigJson JSON = new ConfigJson(MAX_DEPTH, MAX_BYTES);

    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("^(\\d{1,4})\\.(\\d{1,4})");

    private final Map<String, JsonNode> values;
    /**
     * The keys a family has asked for, to tell which shape-like keys it did not understand; shared with the configs
     * derived by {@link #withOverrides} (mT5 builds through T5 with its own defaults), whose reads count too.
     */
    private final Set<String> read;
    /** What the library would log while reading this config ({@code logger.warning}), in order. */
    private final List<String> warnings = new ArrayList<>();

    private HfConfig(Map<String, JsonNode> values) {
        this(values, java.util.concurrent.ConcurrentHashMap.newKeySet());
    }

    private HfConfig(Map<String, JsonNode> values, Set<String> read) {
        this.values = values;
        this.read = read;
    }

    /**
     * @throws ConfigException when the text is not one JSON object within the bounds
     */
    public static HfConfig parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new ConfigException("Config is " + json.length + " bytes, over the limit of " + MAX_BYTES + ".");
        }
        JsonNode root;
        try {
            root = JSON.read(json);
        } catch (ConfigJson.DuplicateKeyException e) {
            throw new ConfigException(e.getMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(syntaxMessage(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new ConfigException("Config cannot be read: " + Quote.bare(e.getMessage()) + ".");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("Config is not a JSON object.");
        }
        return of((ObjectNode) root);
    }

    /**
     * The sub-config under {@code key} (CLIP's and Gemma 3's {@code text_config}, {@code vision_config}):
     * {@code {}}, its library's defaults, when the key is missing or null.
     *
     * @throws ConfigException when the key holds something other than a dict
     */
    public HfConfig subConfig(String key) {
        JsonNode node = node(key);
        if (node == null || node.isNull()) {
            return of(JsonNodeFactory.instance.objectNode());
        }
        if (!node.isObject()) {
            throw new ConfigException("Config key " + Quote.of(key) + " is not a dict.");
        }
        return of((ObjectNode) node);
    }

    /** The config a JSON object is (a parsed one, or a sub-config such as CLIP's {@code text_config}). */
    public static HfConfig of(ObjectNode object) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            values.put(field.getKey(), field.getValue());
        }
        return new HfConfig(values);
    }

    /** Jackson's message in the project's words, for the limit a hostile config meets first. */
    private static String syntaxMessage(String jackson) {
        String text = String.valueOf(jackson);
        if (text.startsWith("Document nesting depth")) {
            return "Config nests deeper than " + MAX_DEPTH + " levels.";
        }
        return "Config is not valid JSON: " + Quote.bare(text) + ".";
    }

    /**
     * This config with {@code KEY=VALUE} overrides: {@code true}/{@code false}, {@code null}/{@code None}, an
     * integer, a number, else the text as a string.
     */
    public HfConfig withOverrides(Map<String, String> overrides) {
        Map<String, JsonNode> merged = new LinkedHashMap<>(values);
        overrides.forEach((key, text) -> merged.put(key, scalar(text.strip())));
        return new HfConfig(merged, read);
    }

    private static JsonNode scalar(String text) {
        if (text.equalsIgnoreCase("true")) {
            return BooleanNode.TRUE;
        }
        if (text.equalsIgnoreCase("false")) {
            return BooleanNode.FALSE;
        }
        if (text.equals("null") || text.equals("None")) {
            return NullNode.instance;
        }
        try {
            return LongNode.valueOf(Long.parseLong(text.replace("_", "")));
        } catch (NumberFormatException e) {
            // not an integer
        }
        try {
            double value = Double.parseDouble(text);
            if (Double.isFinite(value)) {
                return DoubleNode.valueOf(value);
            }
        } catch (NumberFormatException e) {
            // not a number either: a string
        }
        return TextNode.valueOf(text);
    }

    /** Whether the key is set to something other than null. */
    public boolean has(String key) {
        read.add(key);
        JsonNode value = values.get(key);
        return value != null && !value.isNull();
    }

    /** {@code model_type}, or empty. */
    public Optional<String> modelType() {
        return has("model_type") ? Optional.of(string("model_type", "")) : Optional.empty();
    }

    /** An integer setting; missing or null gives the default. */
    public long integer(String key, long defaultValue) {
        Long value = optionalInteger(key);
        return value == null ? defaultValue : value;
    }

    /** An {@code Optional[int]} setting: null when missing or null. */
    public Long optionalInteger(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode value = values.get(key);
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isFloatingPointNumber() && value.canConvertToExactIntegral() && value.canConvertToLong()) {
            return value.longValue(); // 4096.0: Python would carry the float into a shape and fail; accept it
        }
        throw wrongType(key, value, "an integer");
    }

    public double real(String key, double defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = values.get(key);
        if (value.isNumber()) {
            return value.doubleValue();
        }
        throw wrongType(key, value, "a number");
    }

    public boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = values.get(key);
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        throw wrongType(key, value, "true or false");
    }

    public String string(String key, String defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = values.get(key);
        if (value.isTextual()) {
            return value.textValue();
        }
        throw wrongType(key, value, "a string");
    }

    /** {@code architectures}: class names, in order; empty when missing. */
    public List<String> architectures() {
        List<String> names = new ArrayList<>();
        if (!has("architectures")) {
            return names;
        }
        JsonNode value = values.get("architectures");
        if (!value.isArray()) {
            throw wrongType("architectures", value, "a list of class names");
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw wrongType("architectures", value, "a list of class names");
            }
            names.add(item.textValue());
        }
        return names;
    }

    /**
     * {@code PretrainedConfig.num_labels}: the size of {@code id2label} when given, else {@code num_labels},
     * else 2.
     */
    public long numLabels() {
        read.add("num_labels");
        read.add("id2label");
        if (values.containsKey("num_labels") && !values.containsKey("id2label")) {
            return integer("num_labels", 2);
        }
        JsonNode labels = values.get("id2label");
        if (labels != null && labels.isObject()) {
            // an override of num_labels wins over id2label, as PretrainedConfig's setter rebuilds id2label
            return values.get("num_labels") instanceof LongNode n ? n.longValue() : labels.size();
        }
        return integer("num_labels", 2);
    }

    /**
     * The top-level key with the largest integer value (by magnitude), to name in a refusal of sizes that
     * overflow; empty when no value is an integer.
     */
    public Optional<String> largestInteger() {
        String largest = null;
        long magnitude = -1;
        for (Map.Entry<String, JsonNode> entry : values.entrySet()) {
            JsonNode value = entry.getValue();
            if (value != null && value.isIntegralNumber() && value.canConvertToLong()) {
                long m = value.longValue() == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(value.longValue());
                if (m > magnitude) {
                    largest = entry.getKey();
                    magnitude = m;
                }
            }
        }
        return Optional.ofNullable(largest);
    }

    /** The raw value, for families with structured settings ({@code rope_scaling}); null when missing. */
    public JsonNode node(String key) {
        read.add(key);
        return values.get(key);
    }

    /** Whether the key is in the config at all, null or not (an explicit null may mean "derive it"). */
    public boolean contains(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    /**
     * The dtype the model is built in, as 4.57's {@code _from_config} reads it: {@code dtype} (the spelling of
     * configs written by 4.56 and later) wins over {@code torch_dtype}; float32 when neither is given.
     */
    public String dtype() {
        if (has("dtype")) {
            return string("dtype", "float32");
        }
        return string("torch_dtype", "float32");
    }

    /**
     * {@code transformers_version} as {major, minor} ({@code "4.43.0.dev0"} gives {4, 43}); null when missing or
     * not a version.
     */
    public int[] transformersVersion() {
        JsonNode value = values.get("transformers_version");
        if (value == null || !value.isTextual()) {
            return null;
        }
        java.util.regex.Matcher m = VERSION.matcher(value.textValue());
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    /** Records what the library logs as a warning while reading or building this config. */
    public synchronized void warn(String message) {
        if (!warnings.contains(message)) {
            warnings.add(message);
        }
    }

    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The keys read so far ({@link #has}, {@link #integer}, {@link #node} ... of any key, given or not). */
    public Set<String> readKeys() {
        return Set.copyOf(read);
    }

    /** Every key, in the file's order, overrides last. */
    public List<String> keys() {
        return List.copyOf(values.keySet());
    }

    private static ConfigException wrongType(String key, JsonNode value, String expected) {
        return new ConfigException("Config key " + Quote.of(key) + " is " + describe(value) + ", not " + expected
                + ".");
    }

    private static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "the string " + Quote.of(value.textValue());
        }
        if (value.isNumber() || value.isBoolean()) {
            return Quote.of(value.asText());
        }
        return value.isArray() ? "a list" : value.isObject() ? "an object" : "null";
    }

}
