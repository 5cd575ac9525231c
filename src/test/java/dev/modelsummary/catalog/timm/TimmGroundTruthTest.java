package dev.modelsummary.catalog.timm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each timm model listed in {@code hf-golden/timm-0.9.7/} (made by the real timm 0.9.7,
 * {@code timm.create_model(name, pretrained=False)}) is built here by the builder {@code timm/<name>} with its
 * defaults, and lists exactly what PyTorch listed: {@code named_parameters()} with shapes, dtypes and
 * {@code requires_grad}, the persistent buffers, and every {@code state_dict()} key in order.
 */
class TimmGroundTruthTest {
    private static final Path GOLDEN = Resources.path("hf-golden/timm-0.9.7");
    private static final Catalog CATALOG = Catalog.standard();

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsWhatTimmBuilds(Path file) {
        JsonNode truth = read(file);
        String name = "timm/" + truth.get("model").asText();
        assertThat(truth.get("hub_id").asText()).isEqualTo(name);
        Model model = CATALOG.build(name).orElseThrow(() -> new AssertionError("no built-in " + name));

        assertThat(model.name()).isEqualTo("timm-" + truth.get("model").asText());
        assertThat(listed(model, Role.PARAMETER)).containsExactlyElementsOf(expected(truth.get("parameters"), true));
        assertThat(listed(model, Role.BUFFER)).containsExactlyElementsOf(expected(truth.get("buffers"), false));
        List<String> keys = new ArrayList<>();
        truth.get("state_dict_keys").forEach(k -> keys.add(k.asText()));
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(keys);
        long total = model.tensors().stream().filter(t -> t.isParameter() && t.aliasOf() == null)
                .mapToLong(TensorEntry::numel).sum();
        assertThat(total).isEqualTo(truth.get("total_parameters").asLong());
    }

    private static List<String> listed(Model model, Role role) {
        return model.tensors().stream().filter(t -> t.role() == role && t.aliasOf() == null)
                .map(t -> line(t.name(), t.shape().dims(), t.dtype().torchName(), role == Role.PARAMETER
                        && t.trainable()))
                .collect(Collectors.toList());
    }

    /** The listing's entries; of buffers only the persistent ones, the ones state_dict() holds. */
    private static List<String> expected(JsonNode entries, boolean parameters) {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : entries) {
            if (!parameters && e.has("persistent") && !e.get("persistent").asBoolean()) {
                continue;
            }
            long[] shape = new long[e.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.get("shape").get(i).asLong();
            }
            lines.add(line(e.get("name").asText(), shape, e.get("dtype").asText(),
                    parameters && e.get("requires_grad").asBoolean()));
        }
        return lines;
    }

    private static String line(String name, long[] shape, String dtype, boolean trainable) {
        return name + " " + Arrays.toString(shape) + " " + dtype + (trainable ? " trainable" : "");
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
