package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code .bin} is known by its bytes: one that is neither PyTorch nor anything else says so. */
class WeightReadersBinTest {
    @TempDir
    Path dir;

    @Test
    void aBinThatIsNothingKnownSaysSo() throws IOException {
        Path junk = Files.write(dir.resolve("pytorch_model.bin"), "hello, not weights".getBytes());

        assertThatThrownBy(() -> WeightReaders.standard().read(junk))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("Not a PyTorch file (no torch.save ZIP or legacy magic) nor any other "
                        + "supported format (gguf, safetensors, ")
                .hasMessageEndingWith("); a TensorFlow.js weight shard is read through its model.json.");
    }

    @Test
    void aTruncatedPthStillGetsTheTorchReadersVerdict() throws IOException {
        Path junk = Files.write(dir.resolve("model.pth"), "hello, not weights".getBytes());

        assertThatThrownBy(() -> WeightReaders.standard().read(junk))
                .isInstanceOf(FormatException.class)
                .hasMessage("File is neither a torch.save ZIP archive nor a legacy torch.save stream.");
    }
}
