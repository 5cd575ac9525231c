package dev.modelsummary.format.tfjs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.json.StrictJson;
import dev.modelsummary.model.Shape;
import dev.modelsummary.text.Quote;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a TF.js {@code model.json} says of its weights ({@code ModelJSON} in {@code tfjs-core/src/io/types.ts}):
 *
 * <pre>
 * {"modelTopology": {...Keras model config ("class_name", "config") or GraphDef ("node", "library", "versions")},
 *  "format": "layers-model" | "graph-model", "generatedBy": ..., "convertedBy": ...,
 *  "weightsManifest": [{"paths": ["group1-shard1of2.bin", ...],
 *                       "weights": [{"name": str, "shape": [int, ...], "dtype": "float32" | "int32" | ...,
 *                                    "group"?: "model" | "optimizer",
 *                                    "quantization"?: {"dtype": "uint8" | "uint16" | "float16",
 *                                                      "scale"?: num, "min"?: num, "original_dtype"?: str}}, ...]},
 *                      ...]}
 * </pre>
 *
 * Within a group the shard files are one byte stream in {@code paths} order and the weights lie back to back in
 * {@code weights} order, so a group's weights fill exactly the total size of its shards. Only the topology's own
 * top-level keys are looked at (to tell a layers model from a graph model); everything else is skipped.
 *
 * @param graphModel whether the topology is a GraphDef (a frozen graph model) rather than a Keras config
 * @param groups     the manifest's groups in order
 */
record ModelJson(boolean graphModel, List<Group> groups) {
    /**
     * A parser factory under the current limits: nesting of arrays and objects ({@link Limit#TFJS_JSON_DEPTH};
     * real topologies nest a few dozen levels) and the longest string or key ({@link Limit#TFJS_STRING_CHARS}).
     * Made per read, since limits are per run.
     */
    private static JsonFactory factory() {
        Limits limits = Limits.current();
        return JsonFactory.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.getInt(Limit.TFJS_JSON_DEPTH))
                        .maxNameLength(limits.getInt(Limit.TFJS_STRING_CHARS))
                        .maxStringLength(limits.getInt(Limit.TFJS_STRING_CHARS)).build())
                .build();
    }

    /** One entry of {@code weights}; {@code stored} is the quantization's dtype, or the entry's own. */
    record Weight(String name, Shape shape, TfjsDType dtype, TfjsDType stored, String group, long bytes) {
        boolean quantized() {
            return stored != dtype;
        }
    }

    /** One manifest group: its shard paths and weights, and the bytes those weights take. */
    record Group(List<String> paths, List<Weight> weights, long bytes) {
    }

    /** Reads a whole {@code model.json}; the caller has checked its size. */
    static ModelJson read(InputStream in) throws IOException {
        try (JsonParser p = factory().createParser(in)) {
            ModelJson result = parse(p);
            if (p.nextToken() != null) {
                throw new FormatException("model.json has more JSON after its object, starting with "
                        + Quote.of(p.getText()) + ".");
            }
            return result;
        } catch (StreamConstraintsException e) {
            // Jackson's own words name its API (StreamReadConstraints.getMaxNestingDepth()): say which limit it is
            Limits limits = Limits.current();
            boolean depth = String.valueOf(e.getOriginalMessage()).contains("nesting depth");
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new FormatException(depth
                    ? "model.json nests deeper than " + limits.getInt(Limit.TFJS_JSON_DEPTH) + " levels" + where
                            + " (" + Limit.TFJS_JSON_DEPTH.raise() + ")."
                    : "model.json holds a string or key longer than " + limits.getInt(Limit.TFJS_STRING_CHARS)
                            + " characters" + where + " (" + Limit.TFJS_STRING_CHARS.raise() + ").", e);
        } catch (JsonProcessingException e) {
            throw StrictJson.syntaxError("model.json", e);
        } catch (CharConversionException e) {
            throw new FormatException("model.json is not valid JSON text: " + Quote.bare(e.getMessage()) + ".", e);
        }
    }

    private static ModelJson parse(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new FormatException("model.json is not a JSON object.");
        }
        boolean graph = false;
        List<Group> groups = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.equals("weightsManifest")) {
                groups = readManifest(p);
            } else if (key.equals("modelTopology") && value == JsonToken.START_OBJECT) {
                graph = isGraph(p);
            } else {
                p.skipChildren();
            }
        }
        if (groups == null) {
            throw new FormatException("model.json has no 'weightsManifest'.");
        }
        return new ModelJson(graph, groups);
    }

    /** A GraphDef has {@code node}; a Keras config has {@code class_name}. Values are skipped. */
    private static boolean isGraph(JsonParser p) throws IOException {
        boolean graph = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            graph |= p.currentName().equals("node");
            p.nextToken();
            p.skipChildren();
        }
        return graph;
    }

    private static List<Group> readManifest(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new FormatException("model.json has a 'weightsManifest' that is not an array.");
        }
        List<Group> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int[] count = {0};
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int index = groups.size();
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new FormatException("Manifest group '" + index + "' is not an object.");
            }
            if (index == Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("Manifest has more than '" + Limits.current().getInt(Limit.TENSORS)
                        + "' groups, the tensors limit (" + Limit.TENSORS.raise() + ").");
            }
            groups.add(readGroup(p, index, names, count));
        }
        return groups;
    }

    private static Group readGroup(JsonParser p, int index, Set<String> names, int[] count) throws IOException {
        List<String> paths = null;
        List<Weight> weights = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.equals("paths")) {
                paths = readPaths(p, index);
            } else if (key.equals("weights")) {
                if (value != JsonToken.START_ARRAY) {
                    throw new FormatException("Manifest group '" + index + "' has 'weights' that is not an array.");
                }
                weights = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (count[0] == Limits.current().getInt(Limit.TENSORS)) {
                        throw new FormatException("Manifest lists more than '" + Limits.current().getInt(Limit.TENSORS)
                                + "' weights, the limit (" + Limit.TENSORS.raise() + ").");
                    }
                    count[0]++;
                    Weight w = readWeight(p, index);
                    if (!names.add(w.name())) {
                        throw new FormatException("Manifest lists weight " + Quote.of(w.name()) + " twice.");
                    }
                    weights.add(w);
                }
            } else {
                p.skipChildren();
            }
        }
        if (paths == null) {
            throw new FormatException("Manifest group '" + index + "' has no 'paths'.");
        }
        if (weights == null) {
            throw new FormatException("Manifest group '" + index + "' has no 'weights'.");
        }
        long bytes = 0;
        for (Weight w : weights) {
            bytes = addBytes(bytes, w.bytes(), index);
        }
        return new Group(List.copyOf(paths), List.copyOf(weights), bytes);
    }

    private static long addBytes(long a, long b, int index) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new FormatException("Manifest group '" + index + "' holds more than '" + Long.MAX_VALUE
                    + "' bytes of weights.", e);
        }
    }

    private static List<String> readPaths(JsonParser p, int index) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new FormatException("Manifest group '" + index + "' has 'paths' that is not an array.");
        }
        List<String> paths = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw new FormatException("Manifest group '" + index + "' has the path " + Quote.of(p.getText())
                        + ", which is not a string.");
            }
            if (paths.size() == Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("Manifest group '" + index + "' lists more than '"
                        + Limits.current().getInt(Limit.TENSORS) + "' paths, the tensors limit ("
                        + Limit.TENSORS.raise() + ").");
            }
            paths.add(p.getText());
        }
        return paths;
    }

    private static Weight readWeight(JsonParser p, int index) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new FormatException("Manifest group '" + index + "' has a weight " + Quote.of(p.getText())
                    + " that is not an object.");
        }
        String name = null;
        long[] shape = null;
        String dtype = null;
        String group = null;
        String quantDtype = null;
        boolean quantized = false;
        boolean scale = false;
        boolean min = false;
        // Fields may come in any order: the name, for messages, may come last, so problems wait for it.
        List<String> problems = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "name" -> name = string(p, value, problems, "a 'name' that is not a string");
                case "dtype" -> dtype = string(p, value, problems, "a 'dtype' that is not a string");
                case "group" -> group = string(p, value, problems, "a 'group' that is not a string");
                case "shape" -> shape = readShape(p, problems);
                case "quantization" -> {
                    quantized = true;
                    if (value != JsonToken.START_OBJECT) {
                        problems.add("a 'quantization' that is not an object");
                        p.skipChildren();
                        break;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String q = p.currentName();
                        JsonToken v = p.nextToken();
                        switch (q) {
                            case "dtype" -> quantDtype = string(p, v, problems,
                                    "a quantization 'dtype' that is not a string");
                            case "scale" -> scale = number(p, v, problems, "a quantization 'scale' that is not a number");
                            case "min" -> min = number(p, v, problems, "a quantization 'min' that is not a number");
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (name == null) {
            throw new FormatException("Manifest group '" + index + "' has a weight with no 'name'"
                    + (problems.isEmpty() ? "." : " and " + problems.get(0) + "."));
        }
        String subject = "Weight " + Quote.of(name);
        if (!problems.isEmpty()) {
            throw new FormatException(subject + " has " + problems.get(0) + ".");
        }
        if (shape == null) {
            throw new FormatException(subject + " has no 'shape'.");
        }
        if (dtype == null) {
            throw new FormatException(subject + " has no 'dtype'.");
        }
        if (dtype.equals("string")) {
            throw new FormatException(subject + " has dtype 'string', whose size only the shard data tells; "
                    + "string weights are not supported.");
        }
        String d = dtype;
        TfjsDType own = TfjsDType.of(d, false).orElseThrow(() -> new FormatException(subject
                + " has the dtype " + Quote.of(d) + ", which is not one of " + TfjsDType.names(false) + "."));
        TfjsDType stored = own;
        if (quantized) {
            if (quantDtype == null) {
                throw new FormatException(subject + " has a 'quantization' with no 'dtype'.");
            }
            String q = quantDtype;
            stored = TfjsDType.of(q, true).orElseThrow(() -> new FormatException(subject
                    + " has the quantization dtype " + Quote.of(q) + ", which is not one of "
                    + TfjsDType.names(true) + "."));
            // io_utils decodeWeights: float16 only for float32 weights; uint8/uint16 need 'min' and 'scale'.
            if (stored == TfjsDType.FLOAT16 && own != TfjsDType.FLOAT32) {
                throw new FormatException(subject + " is quantized to float16 but has dtype " + Quote.of(dtype)
                        + "; float16 quantization is only for float32 weights.");
            }
            if (stored != TfjsDType.FLOAT16 && !(scale && min)) {
                throw new FormatException(subject + " is quantized to " + q
                        + " without both 'scale' and 'min'.");
            }
        }
        Shape s = Shape.of(shape);
        long bytes;
        try {
            bytes = Math.multiplyExact(s.numel(), (long) stored.elementBytes());
        } catch (ArithmeticException e) {
            throw new FormatException(subject + " has the shape " + s + ", whose size in bytes is over '"
                    + Long.MAX_VALUE + "'.", e);
        }
        return new Weight(name, s, own, stored, group, bytes);
    }

    private static String string(JsonParser p, JsonToken value, List<String> problems, String problem)
            throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            problems.add(problem);
            p.skipChildren();
            return null;
        }
        return p.getText();
    }

    private static boolean number(JsonParser p, JsonToken value, List<String> problems, String problem)
            throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
            problems.add(problem);
            p.skipChildren();
            return false;
        }
        return true;
    }

    /** {@code [int, ...]}: non-negative integers that fit a long, at most the rank limit of them. */
    private static long[] readShape(JsonParser p, List<String> problems) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            problems.add("a 'shape' that is not an array");
            p.skipChildren();
            return null;
        }
        long[] dims = new long[4];
        int rank = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonToken t = p.currentToken();
            if (!problems.isEmpty()) {
                p.skipChildren();
                continue;
            }
            if (rank == Limits.current().getInt(Limit.RANK)) {
                problems.add("more than '" + Limits.current().getInt(Limit.RANK)
                        + "' dimensions, the rank limit (" + Limit.RANK.raise() + ")");
                p.skipChildren();
                continue;
            }
            if (t != JsonToken.VALUE_NUMBER_INT) {
                problems.add("the shape entry " + Quote.of(p.getText()) + ", which is not an integer");
                p.skipChildren();
                continue;
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                problems.add("the shape entry " + Quote.of(p.getText()) + ", which is over '" + Long.MAX_VALUE + "'");
                continue;
            }
            long d = p.getLongValue();
            if (d < 0) {
                problems.add("the shape entry " + Quote.of(p.getText()) + ", which is negative");
                continue;
            }
            if (rank == dims.length) {
                dims = java.util.Arrays.copyOf(dims, Math.min(dims.length * 2, Limits.current().getInt(Limit.RANK)));
            }
            dims[rank++] = d;
        }
        return java.util.Arrays.copyOf(dims, rank);
    }

}
