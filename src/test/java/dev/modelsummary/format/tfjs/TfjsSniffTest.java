package dev.modelsummary.format.tfjs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.WeightReaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claiming a TF.js model.json, and nothing else that is JSON. */
class TfjsSniffTest {
    @TempDir
    Path dir;

    private final TfjsReader reader = new TfjsReader();

    private boolean sniff(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return reader.sniff(bytes, bytes.length);
    }

    @Test
    void aJsonObjectWithTheManifestKeyIsClaimed() {
        assertThat(sniff("{\"format\": \"graph-model\", \"weightsManifest\": []}")).isTrue();
        assertThat(sniff("\n {\"weightsManifest\"\t: [")).isTrue();
        assertThat(sniff("{\"a\": \"weightsManifest\", \"b\": {\"weightsManifest\": 1}, \"c\\\"\": 2, \"weightsManifest\": [")).isTrue();
    }

    @Test
    void otherJsonIsNot() {
        assertThat(sniff("{\"weight_map\": {\"weightsManifest\": \"x.safetensors\"}}")).isFalse();
        assertThat(sniff("{\"architectures\": [\"BertModel\"], \"model_type\": \"bert\"}")).isFalse();
        assertThat(sniff("[\"weightsManifest\": 1]")).isFalse();
        assertThat(sniff("")).isFalse();
        assertThat(sniff("{\"weightsManifest\\")).isFalse(); // found by fuzzing: an escape as the head's last byte
        assertThat(sniff("{\"a\": {\"weightsManifest\": 1}} {\"weightsManifest\": 1}")).isFalse();
    }

    @Test
    void anyJsonFileWithTheKeyIsReadAndModelJsonByName() throws IOException {
        Path renamed = Files.writeString(dir.resolve("my-net.json"), "{\"weightsManifest\": []}");
        assertThat(WeightReaders.standard().choose(renamed).format()).isEqualTo("tfjs");
        // A topology bigger than the sniffed head puts the manifest out of sight: the name still decides.
        Path late = Files.writeString(dir.resolve("model.json"),
                "{\"modelTopology\": \"" + "x".repeat(WeightReaders.HEAD_BYTES) + "\", \"weightsManifest\": []}");
        assertThat(WeightReaders.standard().choose(late).format()).isEqualTo("tfjs");
        assertThat(WeightReaders.standard().read(late).name()).isEqualTo(dir.getFileName().toString());
    }
}
