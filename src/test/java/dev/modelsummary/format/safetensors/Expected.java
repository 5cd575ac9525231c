package dev.modelsummary.format.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * A fixture's {@code .expected.json}, written by tools/fixtures/make_safetensors_fixtures.py from torch: each
 * tensor's name, shape, PyTorch dtype name and (for torch modules) the role torch gives it.
 */
record Expected(String name, Shape shape, DType dtype, Role role) {

    static List<Expected> load(String resource) {
        try {
            JsonNode root = new ObjectMapper().readTree(Resources.bytes(resource));
            List<Expected> out = new ArrayList<>();
            for (JsonNode t : root.get("tensors")) {
                long[] dims = StreamSupport.stream(t.get("shape").spliterator(), false)
                        .mapToLong(JsonNode::asLong).toArray();
                DType dtype = DType.byTorchName(t.get("dtype").asText()).orElseThrow();
                Role role = t.has("role")
                        ? Role.valueOf(t.get("role").asText().toUpperCase(java.util.Locale.ROOT)) : null;
                out.add(new Expected(t.get("name").asText(), Shape.of(dims), dtype, role));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
