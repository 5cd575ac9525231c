package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Builder;
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
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each Hugging Face model listed in {@code hf-golden/} (made by the real transformers 4.40.2 from the config in
 * the file, {@code construct} saying how) is built here from the same config and class, and lists exactly what
 * PyTorch listed: {@code named_parameters()} (tied weights once) with shapes, dtypes and {@code requires_grad},
 * the persistent buffers, and every {@code state_dict()} key in order (tied names included, as aliases).
 */
class HfGroundTruthTest {
    private static final Path GOLDEN = Resources.path("hf-golden/transformers-4.40.2");

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsWhatTransformersBuilds(Path file) {
        JsonNode truth = read(file);
        HfConfig config = HfConfig.parse(bytes(truth.get("config")));
        Builder builder = HfModels.builder("golden", config);
        // _from_config(config) builds in the default dtype, float32, whatever the config's torch_dtype says
        Model model = Catalog.build(builder, Kwargs.parse("golden", builder.args(),
                Map.of("architecture", truth.get("class").asText(), "torch_dtype", "float32"), true));

        assertThat(listed(model, Role.PARAMETER)).containsExactlyElementsOf(expected(truth.get("parameters"), true));
        assertThat(listed(model, Role.BUFFER)).containsExactlyElementsOf(expected(truth.get("buffers"), false));
        List<String> keys = new ArrayList<>();
        truth.get("state_dict_keys").forEach(k -> keys.add(k.asText()));
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(keys);
        long total = model.tensors().stream().filter(t -> t.isParameter() && t.aliasOf() == null)
                .mapToLong(TensorEntry::numel).sum();
        assertThat(total).isEqualTo(truth.get("total_parameters").asLong());
    }

    /** Our tensors of one role, tied names left out (as named_parameters() leaves them out). */
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

    private static byte[] bytes(JsonNode node) {
        try {
            return new ObjectMapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
