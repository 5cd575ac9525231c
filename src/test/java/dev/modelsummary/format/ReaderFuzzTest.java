package dev.modelsummary.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelsummary.format.pytorch.TorchReader;
import dev.modelsummary.format.safetensors.SafetensorsReader;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.testutil.MemoryOpener;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Hostile bytes must give a {@link FormatException}, never another exception, a hang or an OutOfMemoryError.
 *
 * <p>In a normal test run each {@code @FuzzTest} replays its committed corpus
 * ({@code src/test/resources/dev/modelsummary/format/ReaderFuzzTestInputs/<method>/}). To fuzz:
 * {@code JAZZER_FUZZ=1 mvn test-compile surefire:test@fuzz-corpus -Dtest=ReaderFuzzTest#pytorch}; a crashing input is written next to the
 * corpus and then replayed by every later run.
 */
class ReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void safetensors(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new SafetensorsReader(), "fuzz.safetensors", data);
    }

    @FuzzTest(maxDuration = "60s")
    void pytorch(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new TorchReader(), "fuzz.pth", data);
    }

    static void readExpectingOnlyFormatErrors(WeightReader reader, String fileName, byte[] data) throws IOException {
        try {
            // Summarising too: counts and byte sizes must not overflow on anything a reader accepted.
            Summary.of(reader.read(Path.of(fileName), new MemoryOpener(data)));
        } catch (FormatException | TotalsOverflowException expected) {
            // the acceptable outcomes for bad input: the CLI turns both into one line and exit code 3
        }
    }
}
