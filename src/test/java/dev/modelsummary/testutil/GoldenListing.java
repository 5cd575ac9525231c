package dev.modelsummary.testutil;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A listing the real library made of a model ({@code hf-golden/}: transformers and timm), and the check that a
 * built model lists the same: {@code named_parameters()} (tied weights once) with shapes, dtypes and
 * {@code requires_grad}, the persistent buffers, every {@code state_dict()} key in order, and the total.
 */
public final class GoldenListing {
    private GoldenListing() {
    }

    /** The listing files of one folder under the test resources ({@code .json}, or gzipped when large), sorted. */
    public static Stream<Path> files(String folder) throws IOException {
        try (Stream<Path> files = Files.list(Resources.path(folder))) {
            return files.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".json.gz")).sorted()
                    .collect(Collectors.toList()).stream();
        }
    }

    public static JsonNode read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that {@code model} lists what {@code truth} lists. */
    public static void assertMatches(Model model, JsonNode truth) {
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
}
