package dev.modelsummary.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX has no magic: bytes claim a file only when they start as a ModelProto does; otherwise the extension. */
class OnnxSniffTest {
    private final OnnxReader reader = new OnnxReader();

    @TempDir
    Path dir;

    @Test
    void aModelProtoStartIsClaimed() {
        byte[] file = Pb.model(Pb.of().string(2, "g"));
        assertThat(reader.sniff(file, file.length)).isTrue();
    }

    @Test
    void otherBytesAreNotClaimed() {
        assertThat(reader.sniff(new byte[] {0x08, 0x07}, 2)).as("too short to judge").isFalse();
        assertThat(reader.sniff(new byte[] {0x08, 0x00, 0x3a, 0x00}, 4)).as("ir_version 0").isFalse();
        assertThat(reader.sniff(new byte[] {0x08, 0x07, 0x3a, 0x10}, 4)).as("graph past the end").isFalse();
        assertThat(reader.sniff(new byte[] {0x08, 0x07, 0x08, 0x07}, 4)).as("ir_version twice").isFalse();
        assertThat(reader.sniff(new byte[] {0x08, 0x07, 0x38, 0x01}, 4)).as("graph as a varint").isFalse();
        byte[] text = "hello world, not a model".getBytes(StandardCharsets.US_ASCII);
        assertThat(reader.sniff(text, text.length)).isFalse();
        byte[] pickle = {(byte) 0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e};
        assertThat(reader.sniff(pickle, pickle.length)).isFalse();
    }

    @Test
    void theExtensionClaimsWhatTheBytesDoNot() throws IOException {
        // Fields in an order no writer uses: graph first, then ir_version.
        byte[] odd = Pb.of().message(7, Pb.of().message(5, Pb.tensor("w", 1, 4, 1))).varint(1, 8).build();
        assertThat(reader.sniff(odd, odd.length)).isFalse();
        Path file = Files.write(dir.resolve("odd.onnx"), odd);
        assertThat(WeightReaders.standard().choose(file)).isInstanceOf(OnnxReader.class);
        assertThat(WeightReaders.standard().read(file).tensors()).hasSize(1);
    }

    @Test
    void otherFormatsFixturesAreNotClaimed() throws IOException {
        for (String name : new String[] {"fixtures/safetensors/tiny_model.safetensors",
                "fixtures/pytorch/resnet18.pth", "fixtures/pytorch/legacy.pth"}) {
            byte[] bytes = Files.readAllBytes(Resources.path(name));
            assertThat(reader.sniff(java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 512)), bytes.length))
                    .as(name).isFalse();
        }
    }
}
