package dev.modelsummary.format.safetensors;

import static dev.modelsummary.format.safetensors.StFiles.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Recognising the format from its first bytes, and naming what was read. */
class SafetensorsSniffTest {
    @TempDir
    Path dir;

    private final SafetensorsReader reader = new SafetensorsReader();

    private boolean sniff(byte[] bytes) {
        return reader.sniff(Arrays.copyOf(bytes, Math.min(bytes.length, 512)), bytes.length);
    }

    @Test
    void realFilesAreRecognised() {
        assertThat(sniff(Resources.bytes("fixtures/safetensors/tiny_model.safetensors"))).isTrue();
        assertThat(sniff(Resources.bytes("fixtures/safetensors/sharded/model-00001-of-00003.safetensors"))).isTrue();
    }

    @Test
    void theHeaderMayStartWithWhitespace() {
        assertThat(sniff(file(" \n\t\r{}", 0))).isTrue();
    }

    @Test
    void theShortestHeaderIsTwoBytes() {
        assertThat(sniff(file("{}", 0))).isTrue();
        assertThat(sniff(file("{", 0))).isFalse();
        assertThat(sniff(file("", 0))).isFalse();
    }

    @Test
    void theLengthMustFitTheLimitAndTheFile() {
        assertThat(sniff(StFiles.withLength(100_000_001L, "{}".getBytes(StandardCharsets.US_ASCII), 0))).isFalse();
        assertThat(sniff(StFiles.withLength(-1L, "{}".getBytes(StandardCharsets.US_ASCII), 0))).isFalse();
        assertThat(sniff(StFiles.withLength(3, "{}".getBytes(StandardCharsets.US_ASCII), 0))).isFalse();
    }

    @Test
    void otherFormatsAreNotClaimed() {
        assertThat(sniff(file("[1,2]", 0))).isFalse();
        assertThat(sniff("PK\u0003\u0004 a zip file, not ours".getBytes(StandardCharsets.ISO_8859_1))).isFalse();
        assertThat(sniff(new byte[] {2, 0, 0, 0, 0, 0, 0, 0})).isFalse();
        assertThat(sniff(new byte[0])).isFalse();
    }

    @Test
    void whitespaceAsFarAsTheHeadSeesIsLeftToTheExtension() {
        assertThat(sniff(file(" ".repeat(600) + "{}", 0))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "model.safetensors, model",
            "Model.SAFETENSORS, Model",
            "weights.bin, weights",
            "weights, weights",
            "v1.2.safetensors, v1.2",
    })
    void aSingleFileIsNamedAfterItsStem(String fileName, String modelName) throws IOException {
        Path file = StFiles.write(dir.resolve(fileName), file("{}", 0));
        assertThat(reader.read(file, ChannelOpener.FILES).name()).isEqualTo(modelName);
    }

    @Test
    void claimsItsExtensions() {
        assertThat(reader.extensions()).containsExactly(".safetensors", ".safetensors.index.json");
        assertThat(reader.format()).isEqualTo("safetensors");
    }
}
