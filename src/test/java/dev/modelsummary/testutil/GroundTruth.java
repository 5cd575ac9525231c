package dev.modelsummary.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What PyTorch itself reports of a torchvision 0.14.1 builder (copied from the project's shared ground truth
 * into src/test/resources/torchvision-0.14.1/): named_parameters(), named_buffers(), state_dict() keys.
 */
public record GroundTruth(List<Entry> parameters, List<Entry> buffers, List<String> stateDictKeys) {

    /** One tensor as PyTorch listed it; {@code requiresGrad} is false for buffers. */
    public record Entry(String name, List<Long> shape, String dtype, boolean requiresGrad) {
    }

    public static GroundTruth torchvision(String model) {
        try {
            JsonNode root = new ObjectMapper().readTree(Resources.bytes("torchvision-0.14.1/" + model + ".json"));
            List<String> keys = new ArrayList<>();
            root.get("state_dict_keys").forEach(k -> keys.add(k.asText()));
            return new GroundTruth(entries(root.get("parameters")), entries(root.get("buffers")), keys);
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
