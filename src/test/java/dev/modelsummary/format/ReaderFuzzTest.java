package dev.modelsummary.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.pytorch.TorchReader;
import dev.modelsummary.format.safetensors.SafetensorsReader;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.testutil.MemoryOpener;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Hostile bytes must give a {@link FormatException}, never another exception, a hang or an OutOfMemoryError.
 *
 * <p>In a normal test run each {@code @FuzzTest} replays its committed corpus
 * ({@code src/test/resources/dev/modelsummary/format/ReaderFuzzTestInputs/<method>/}). To fuzz:
 * {@code JAZZER_FUZZ=1 mvn test-compile surefire:test@fuzz-corpus -Dtest=ReaderFuzzTest#pytorch}; a crashing input is written next to the
 * corpus and then replayed by every later run.
 */
class ReaderFuzzTest {
    private static final Allowlist PYTHON = Allowlist.python().build();
    /** torch.save's legacy stream starts with its magic number, pickled with protocol 2. */
    private static final byte[] LEGACY_MAGIC = HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e");

    @FuzzTest(maxDuration = "60s")
    void safetensors(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new SafetensorsReader(), "fuzz.safetensors", data);
    }

    @FuzzTest(maxDuration = "60s")
    void pytorch(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new TorchReader(), "fuzz.pth", data);
    }

    /**
     * The unpickler on any bytes: alone, its value then hashed, compared and printed (all bounded whatever the
     * pickle built); and as the data.pkl of a torch.save archive, through all the torch reader does with it.
     */
    @FuzzTest(maxDuration = "60s")
    void pickle(byte[] data) throws IOException {
        try {
            Object value = new Unpickler(PickleInput.of(data), PYTHON, null).load();
            Objects.hashCode(value);
            Objects.equals(value, value);
            String.valueOf(value);
        } catch (FormatException expected) {
            // the one acceptable outcome for a bad pickle
        }
        readExpectingOnlyFormatErrors(new TorchReader(), "fuzz.pth", torchZip(data));
    }

    /** The legacy stream form after its magic number: version, sys_info, the object, storage keys, storages. */
    @FuzzTest(maxDuration = "60s")
    void pytorchLegacy(byte[] data) throws IOException {
        byte[] file = Arrays.copyOf(LEGACY_MAGIC, LEGACY_MAGIC.length + data.length);
        System.arraycopy(data, 0, file, LEGACY_MAGIC.length, data.length);
        readExpectingOnlyFormatErrors(new TorchReader(), "fuzz.pth", file);
    }

    /** A torch.save archive around a pickle, with storages '0' to '9' of 4 KB each for its ids to name. */
    private static byte[] torchZip(byte[] pickle) {
        ZipBuilder zip = new ZipBuilder().add("archive/data.pkl", pickle);
        for (int key = 0; key < 10; key++) {
            zip.add("archive/data/" + key, new byte[4096]);
        }
        return zip.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)).build();
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
