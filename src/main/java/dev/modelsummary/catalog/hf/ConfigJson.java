package dev.modelsummary.catalog.hf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelsummary.text.Quote;
import java.io.IOException;

/**
 * A config.json read into Jackson's tree by its streaming parser, as {@code ObjectMapper.readTree} builds it
 * (int, long or big-integer nodes by size, double nodes for fractions, objects in file order), with every
 * duplicate key refused. Why not ObjectMapper itself: setting one up (its type factory, serializers and date
 * formats) costs about 50 ms of a run that builds gpt2 in 10; the nodes it would make are the same.
 */
final class ConfigJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonFactory factory;

    ConfigJson(int maxDepth, int maxBytes) {
        factory = JsonFactory.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth)
                        .maxStringLength(maxBytes).maxNumberLength(1000).build())
                .build();
    }

    /**
     * The document's first value, or null for an empty one; what follows it is not read, as readTree does not.
     *
     * @throws DuplicateKeyException for an object with a key twice
     * @throws IOException           for text that is not JSON, or past a bound (Jackson's message)
     */
    JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = factory.createParser(json)) {
            JsonToken first = parser.nextToken();
            return first == null ? null : value(parser, first);
        }
    }

    /** A key that an object holds twice (Python's json keeps the last; a reader that did would be lied to). */
    static final class DuplicateKeyException extends IOException {
        DuplicateKeyException(String key) {
            super("Config has the key " + Quote.of(key) + " twice.");
        }
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            throw new IOException("Unexpected end-of-input"); // the parser says so first; never a null switch
        }
        switch (token) {
            case START_OBJECT:
                return object(parser);
            case START_ARRAY:
                return array(parser);
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return integer(parser);
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new IOException("unexpected " + token);
        }
    }

    private static JsonNode integer(JsonParser parser) throws IOException {
        switch (parser.getNumberType()) {
            case INT:
                return NODES.numberNode(parser.getIntValue());
            case LONG:
                return NODES.numberNode(parser.getLongValue());
            default:
                return NODES.numberNode(parser.getBigIntegerValue());
        }
    }

    private static ObjectNode object(JsonParser parser) throws IOException {
        ObjectNode object = NODES.objectNode();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
            JsonNode value = value(parser, parser.nextToken());
            if (object.putIfAbsent(key, value) != null) {
                throw new DuplicateKeyException(key);
            }
        }
        return object;
    }

    private static ArrayNode array(JsonParser parser) throws IOException {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            array.add(value(parser, token));
        }
        return array;
    }
}
