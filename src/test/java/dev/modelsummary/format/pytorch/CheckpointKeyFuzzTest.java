package dev.modelsummary.format.pytorch;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.testutil.Fuzzing;
import dev.modelsummary.testutil.MemoryOpener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code --key} on hostile checkpoints: a FormatException or a model, never another exception, a hang or an
 * OutOfMemoryError. The input is the key (UTF-8, up to the first newline) and then the torch.save file; with no
 * newline, the whole input is the file, read without a key. Replayed from
 * {@code src/test/resources/dev/modelsummary/format/pytorch/CheckpointKeyFuzzTestInputs/checkpointKey/} in
 * {@code mvn verify}; to fuzz:
 * {@code JAZZER_FUZZ=1 mvn -o test-compile surefire:test@fuzz-corpus -Dtest=CheckpointKeyFuzzTest#checkpointKey}.
 */
class CheckpointKeyFuzzTest {

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void checkpointKey(byte[] data) throws IOException {
        int newline = indexOf(data, (byte) '\n');
        String key = newline < 0 ? null : new String(data, 0, newline, StandardCharsets.UTF_8);
        byte[] file = newline < 0 ? data : Arrays.copyOfRange(data, newline + 1, data.length);
        try {
            Summary.of(new TorchReader().read(Path.of("fuzz.pth"), new MemoryOpener(file), new ReadOptions(key)));
        } catch (FormatException | TotalsOverflowException expected) {
            // the acceptable outcomes for bad input: the CLI turns both into one line and exit code 3
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
