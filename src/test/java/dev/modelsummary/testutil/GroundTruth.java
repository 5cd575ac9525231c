package dev.modelsummary.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What PyTorch itself reports of a torchvision 0.14.1 build (made by {@code tools/dump_torchvision.py}, the
 * defaults copied from the project's shared ground truth into src/test/resources/torchvision-0.14.1/, builds
 * with keyword arguments in its {@code args/} folder): named_parameters(), named_buffers(), state_dict() keys,
 * and the keyword arguments the model was built with.
 */
public record GroundTruth(String model, Map<String, String> kwargs, List<Entry> parameters, List<Entry> buffers,
                          List<String> stateDictKeys) {

    /** One tensor as PyTorch listed it; {@code requiresGrad} is false for buffers. */
    public record Entry(String name, List<Long> shape, String dtype, boolean requiresGrad) {
    }

    /** The default build of a builder. */
    public static GroundTruth torchvision(String model) {
        return parse(Resources.bytes("torchvision-0.14.1/" + model + ".json"));
    }

    /** A ground-truth file. */
    public static GroundTruth read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GroundTruth parse(byte[] json) {
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            List<String> keys = new ArrayList<>();
            root.get("state_dict_keys").forEach(k -> keys.add(k.asText()));
            Map<String, String> kwargs = new LinkedHashMap<>();
            if (root.has("kwargs")) {
                root.get("kwargs").fields().forEachRemaining(e -> kwargs.put(e.getKey(), e.getValue().asText()));
            }
            return new GroundTruth(root.get("model").asText(), kwargs, entries(root.get("parameters")),
                    entries(root.get("buffers")), keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Entry> entries(JsonNode array) {
        List<Entry> out = new ArrayList<>();
        for (JsonNode node : array) {
            List<Long> shape = new ArrayList<>();
            node.get("shape").forEach(d -> shape.add(d.asLong()));
            JsonNode grad = node.get("requires_grad");
            out.add(new Entry(node.get("name").asText(), List.copyOf(shape), node.get("dtype").asText(),
                    grad != null && grad.asBoolean()));
        }
        return out;
    }
}
