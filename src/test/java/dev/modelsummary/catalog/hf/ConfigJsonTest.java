package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ConfigJson} builds the tree {@code ObjectMapper.readTree} builds, node types included. */
class ConfigJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ConfigJson JSON = new ConfigJson(64, 1 << 20);

    @Test
    void everyBundledConfigReadsAsReadTreeReadsIt() throws IOException {
        for (String id : HfModels.bundledIds()) {
            byte[] bytes = bundled(id);

            JsonNode ours = JSON.read(bytes);

            assertThat(ours).as(id).isEqualTo(MAPPER.readTree(bytes));
            assertThat(types(ours)).as(id).isEqualTo(types(MAPPER.readTree(bytes)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\": 1, \"b\": 2147483648, \"c\": 99999999999999999999999, \"d\": 1.5e-3, \"e\": -0.0}",
        "{\"a\": [1, [2, {\"x\": null}], true, false, \"s\\u00e9\"], \"b\": {}}",
        "{\"z\": 1, \"a\": 2} trailing",
        "[1, 2]",
        "\"just a string\""})
    void valuesAndOrderAreReadTreesOwn(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        JsonNode ours = JSON.read(bytes);

        assertThat(ours).isEqualTo(MAPPER.readTree(bytes));
        assertThat(types(ours)).isEqualTo(types(MAPPER.readTree(bytes)));
    }

    @Test
    void anEmptyDocumentIsNoValue() throws IOException {
        assertThat(JSON.read(new byte[0])).isNull();
    }

    @Test
    void aKeyTwiceAtAnyDepthIsRefused() {
        assertThatThrownBy(() -> JSON.read("{\"a\": {\"b\": 1, \"b\": 2}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ConfigJson.DuplicateKeyException.class).hasMessage("Config has the key 'b' twice.");
    }

    @Test
    void truncatedAndTooDeepTextIsRefused() {
        assertThatThrownBy(() -> JSON.read("{\"a\": [1, 2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> JSON.read("[".repeat(65).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("nesting depth");
    }

    /** Every node's class, in document order: equal trees could still differ in IntNode against LongNode. */
    private static String types(JsonNode node) {
        StringBuilder out = new StringBuilder(node.getClass().getSimpleName());
        node.forEach(child -> out.append('(').append(types(child)).append(')'));
        return out.toString();
    }

    private static byte[] bundled(String id) throws IOException {
        try (InputStream in = HfModels.class.getResourceAsStream("/dev/modelsummary/hf-configs/" + id
                + "/config.json")) {
            return Objects.requireNonNull(in, id).readAllBytes();
        }
    }
}
