package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diff --values}: without it two files that differ byte for byte are only the "same structure"; with it
 * each tensor's stored bytes are hashed, across safetensors and torch.save ZIP and through strided views.
 */
class DiffValuesCliTest {
    private static final String VALUES = "src/test/resources/fixtures/values/";

    @Test
    void withoutValuesOtherWeightsAreOnlyTheSameStructure() {
        CliRun run = CliRun.of("diff", VALUES + "base.pt", VALUES + "other_bias.pt");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Same structure: 3 tensors").contains("values not compared")
                .doesNotContainIgnoringCase("identical");
    }

    @Test
    void valuesFindTheOneTensorWhoseBytesDiffer() throws IOException {
        CliRun run = CliRun.of("diff", VALUES + "base.pt", VALUES + "other_bias.pt", "--values");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Differ: 0 changed, 0 only in A, 0 only in B, 3 the same in structure, "
                + "1 of 3 compared with other values.").contains("Other values (1):\n! a.bias  (3,) float32\n");

        JsonNode json = new ObjectMapper().readTree(CliRun.of("diff", VALUES + "base.pt",
                VALUES + "other_bias.safetensors", "--values", "-f", "json").out());
        assertThat(json.get("sameStructure").asBoolean()).isTrue();
        assertThat(json.get("valuesCompared").asBoolean()).isTrue();
        assertThat(json.get("valuesComparedTensors").asInt()).isEqualTo(3);
        assertThat(json.get("valuesDiffer")).extracting(t -> t.get("name").asText()).containsExactly("a.bias");
        assertThat(json.get("differ").asBoolean()).isTrue();

        assertThat(CliRun.of("diff", VALUES + "other_bias.safetensors", VALUES + "base.safetensors", "--values",
                "-f", "md").out()).contains("**Other values** (1)").contains("| a.bias | (3,) float32 |");
    }

    @Test
    void theSameValuesAcrossFormatsAndThroughViewsAreTheSame() {
        for (String[] pair : new String[][] {{"base.pt", "base.safetensors"}, {"base.pt", "views.pt"},
            {"views.pt", "base.safetensors"}, {"other_bias.pt", "other_bias.safetensors"}}) {
            CliRun run = CliRun.of("diff", VALUES + pair[0], VALUES + pair[1], "--values");

            assertThat(run.exitCode()).as(String.join(" vs ", pair)).isZero();
            assertThat(run.out()).contains("Same structure and values: 3 tensors")
                    .contains("the same stored bytes in all 3");
        }
    }

    @Test
    void aSafetensorsByteFlippedIsFound(@TempDir Path tmp) throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of(VALUES + "base.safetensors"));
        bytes[bytes.length - 1] ^= 1; // the last byte of the last tensor's data (b.weight)
        Path flipped = tmp.resolve("flipped.safetensors");
        Files.write(flipped, bytes);

        CliRun run = CliRun.of("diff", VALUES + "base.safetensors", flipped.toString(), "--values");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.out()).contains("! b.weight  (2, 3) float32");
    }

    @Test
    void aShardedSafetensorsFolderIsReadShardByShard(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectory(tmp.resolve("model"));
        writeSafetensors(folder.resolve("model-00001-of-00002.safetensors"), "x", new float[] {1, 2});
        writeSafetensors(folder.resolve("model-00002-of-00002.safetensors"), "y", new float[] {3, 4, 5});
        Path other = Files.createDirectory(tmp.resolve("other"));
        writeSafetensors(other.resolve("model-00001-of-00002.safetensors"), "x", new float[] {1, 2});
        writeSafetensors(other.resolve("model-00002-of-00002.safetensors"), "y", new float[] {3, 4, 6});

        CliRun same = CliRun.of("diff", folder.toString(), folder.toString(), "--values");
        CliRun differ = CliRun.of("diff", folder.toString(), other.toString(), "--values");

        assertThat(same.exitCode()).isZero();
        assertThat(differ.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(differ.out()).contains("1 of 2 compared with other values").contains("! y  (3,) float32");
    }

    @Test
    void inputsWithoutStoredValuesAreRefusedInOneLine() {
        CliRun builtin = CliRun.of("diff", "resnet18", VALUES + "base.pt", "--values");
        CliRun legacy = CliRun.of("diff", VALUES + "base.pt", VALUES + "base_legacy.pt", "--values");

        assertThat(builtin.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(builtin.out()).isEmpty();
        assertThat(builtin.err()).isEqualTo("model-summary: --values compares stored values; A ('resnet18') is a "
                + "built-in architecture, which has none.\n");
        assertThat(legacy.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(legacy.err().lines()).singleElement().asString().contains("--values reads the data of "
                + "safetensors files and torch.save ZIP archives; B (").contains("base_legacy.pt");
        // without --values the legacy file compares as before
        assertThat(CliRun.of("diff", VALUES + "base.pt", VALUES + "base_legacy.pt").exitCode()).isZero();
    }

    /** One F32 tensor named {@code name} in a safetensors file. */
    private static void writeSafetensors(Path file, String name, float[] values) throws IOException {
        String header = "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + values.length
                + "],\"data_offsets\":[0," + 4 * values.length + "]}}";
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + text.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(text.length).put(text);
        for (float v : values) {
            buffer.putFloat(v);
        }
        Files.write(file, buffer.array());
    }
}
