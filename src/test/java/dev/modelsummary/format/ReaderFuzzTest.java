package dev.modelsummary.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelsummary.format.gguf.GgufReader;
import dev.modelsummary.format.keras.KerasReader;
import dev.modelsummary.format.numpy.NumpyReader;
import dev.modelsummary.format.onnx.OnnxReader;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.pytorch.PickleFileReader;
import dev.modelsummary.format.pytorch.TorchReader;
import dev.modelsummary.format.pytorch.TorchShardsReader;
import dev.modelsummary.format.safetensors.SafetensorsReader;
import dev.modelsummary.format.tfjs.TfjsReader;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.testutil.Fuzzing;
import dev.modelsummary.testutil.MemoryOpener;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Hostile bytes must give a {@link FormatException}, never another exception, a hang or an OutOfMemoryError.
 * Targets: one per reader ({@code safetensors}, {@code safetensorsIndex} (an index with its shards),
 * {@code pytorch}, {@code pytorchLegacy}, {@code pickle}, {@code gguf}, {@code numpy}, {@code keras}, {@code tfjs},
 * {@code onnx}, {@code torchscript} (a TorchScript archive's records)) and {@code zip} (the ZIP central directory
 * and every record's bytes).
 *
 * <p>In a normal test run each {@code @FuzzTest} replays its committed corpus
 * ({@code src/test/resources/dev/modelsummary/format/ReaderFuzzTestInputs/<method>/}). To fuzz:
 * {@code JAZZER_FUZZ=1 mvn test-compile surefire:test@fuzz-corpus -Dtest=ReaderFuzzTest#pytorch}; a crashing input is written next to the
 * corpus and then replayed by every later run.
 */
class ReaderFuzzTest {
    private static final byte[] SHARD_SEPARATOR = "\n@@shard@@\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORD_SEPARATOR = "\n@@record@@\n".getBytes(StandardCharsets.US_ASCII);
    private static final Allowlist PYTHON = Allowlist.python().build();
    /** torch.save's legacy stream starts with its magic number, pickled with protocol 2. */
    private static final byte[] LEGACY_MAGIC = HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e");

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void safetensors(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new SafetensorsReader(), "fuzz.safetensors", data);
    }

    /** .npy files and .npz archives: the reader picks the form by the first bytes, as it does for real files. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void numpy(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new NumpyReader(), "fuzz.npz", data);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void gguf(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new GgufReader(), "fuzz.gguf", data);
    }

    /** HDF5 through jhdf (legacy .h5, Keras 3 .weights.h5) and, for ZIP bytes, a .keras archive. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void keras(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new KerasReader(), "fuzz.h5", data);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void onnx(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new OnnxReader(), "fuzz.onnx", data);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void pytorch(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new TorchReader(), "fuzz.pth", data);
    }

    /**
     * The unpickler on any bytes: alone, its value then hashed, compared and printed (all bounded whatever the
     * pickle built); and as the data.pkl of a torch.save archive, through all the torch reader does with it.
     */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
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

    /**
     * A TorchScript archive built from its parts, split by {@link #RECORD_SEPARATOR}: data.pkl, constants.pkl,
     * then code files, each its path under {@code code/} on a first line and its text after. Storages
     * {@code data/0..63} and {@code constants/0..63} of 512 bytes each are there for the pickles to name. The
     * seeds are the fixtures custom.pt, frozen.pt and empty.pt in this form.
     */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void torchscript(byte[] data) throws IOException {
        List<byte[]> parts = split(data, RECORD_SEPARATOR);
        ZipBuilder zip = new ZipBuilder();
        for (int key = 0; key < 64; key++) {
            zip.add("archive/data/" + key, new byte[512]);
        }
        zip.add("archive/data.pkl", parts.get(0));
        for (int i = 2; i < parts.size(); i++) {
            byte[] part = parts.get(i);
            int newline = 0;
            while (newline < part.length && part[newline] != '\n') {
                newline++;
            }
            zip.add("archive/code/" + new String(part, 0, newline, StandardCharsets.UTF_8),
                    Arrays.copyOfRange(part, Math.min(newline + 1, part.length), part.length));
        }
        for (int key = 0; key < 64; key++) {
            zip.add("archive/constants/" + key, new byte[512]);
        }
        zip.add("archive/constants.pkl", parts.size() > 1 ? parts.get(1) : new byte[] {(byte) 0x80, 2, ')', '.'});
        readExpectingOnlyFormatErrors(new TorchReader(), "fuzz.pt",
                zip.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)).build());
    }

    /**
     * A raw pickle file (.pkl): the unpickler, the safety scan of every global it names, and NumPy arrays read
     * as tensors, then summarised.
     */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void rawPickle(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new PickleFileReader(), "fuzz.pkl", data);
    }

    /** The legacy stream form after its magic number: version, sys_info, the object, storage keys, storages. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void pytorchLegacy(byte[] data) throws IOException {
        byte[] file = Arrays.copyOf(LEGACY_MAGIC, LEGACY_MAGIC.length + data.length);
        System.arraycopy(data, 0, file, LEGACY_MAGIC.length, data.length);
        readExpectingOnlyFormatErrors(new TorchReader(), "fuzz.pth", file);
    }

    /**
     * A shard index with its shards: the input is the index, then each shard, separated by
     * {@link #SHARD_SEPARATOR}; shards are handed out in the order the reader first opens them.
     */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void safetensorsIndex(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new SafetensorsReader(), "fuzz-no-such-folder/model.safetensors.index.json",
                new PartsOpener(split(data, SHARD_SEPARATOR)));
    }

    /** A sharded torch checkpoint: the index, then each torch.save shard, split as for {@link #safetensorsIndex}. */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void pytorchIndex(byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(new TorchShardsReader(), "fuzz-no-such-folder/pytorch_model.bin.index.json",
                new PartsOpener(split(data, SHARD_SEPARATOR)));
    }

    /** A TF.js model.json (its shards are never opened; beside a path that does not exist, they are missing). */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void tfjs(byte[] data) throws IOException {
        TfjsReader reader = new TfjsReader();
        reader.sniff(Arrays.copyOf(data, Math.min(data.length, WeightReaders.HEAD_BYTES)), data.length);
        readExpectingOnlyFormatErrors(reader, "fuzz-no-such-folder/model.json", data);
    }

    /**
     * The ZIP central directory alone, and then every record's bytes: records the directory accepted must read
     * as they declare (a stored one exactly its size, a deflated one never more), or fail as a FormatException.
     */
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void zip(byte[] data) throws IOException {
        try (SeekableByteChannel channel = new MemoryOpener(data).open(Path.of("fuzz.zip"))) {
            ZipDirectory directory = ZipDirectory.read(channel);
            for (ZipDirectory.Entry entry : directory.entries()) {
                if (entry.size() > data.length * 1032L) {
                    throw new AssertionError(entry + " claims more than the file can hold");
                }
                long read;
                try (InputStream in = directory.open(channel, entry)) {
                    read = in.transferTo(OutputStream.nullOutputStream());
                }
                if (read > entry.size() || entry.method() == ZipDirectory.STORED && read != entry.size()) {
                    throw new AssertionError(entry + " read as " + read + " bytes");
                }
            }
        } catch (FormatException expected) {
            // the one acceptable outcome for bad input
        }
    }

    static void readExpectingOnlyFormatErrors(WeightReader reader, String fileName, byte[] data) throws IOException {
        readExpectingOnlyFormatErrors(reader, fileName, new MemoryOpener(data));
    }

    static void readExpectingOnlyFormatErrors(WeightReader reader, String fileName, ChannelOpener opener)
            throws IOException {
        try {
            // Summarising too: counts and byte sizes must not overflow on anything a reader accepted.
            Summary.of(reader.read(Path.of(fileName), opener));
        } catch (FormatException | TotalsOverflowException expected) {
            // the acceptable outcomes for bad input: the CLI turns both into one line and exit code 3
        }
    }

    /** A torch.save archive around a pickle, with storages '0' to '9' of 4 KB each for its ids to name. */
    private static byte[] torchZip(byte[] pickle) {
        ZipBuilder zip = new ZipBuilder().add("archive/data.pkl", pickle);
        for (int key = 0; key < 10; key++) {
            zip.add("archive/data/" + key, new byte[4096]);
        }
        return zip.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)).build();
    }

    private static List<byte[]> split(byte[] data, byte[] separator) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + separator.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + separator.length, separator, 0, separator.length)) {
                parts.add(Arrays.copyOfRange(data, start, i));
                i += separator.length - 1;
                start = i + 1;
            }
        }
        parts.add(Arrays.copyOfRange(data, start, data.length));
        return parts;
    }

    /** Serves the parts in the order paths are first opened; a path past the last part does not exist. */
    private static final class PartsOpener implements ChannelOpener {
        private final List<byte[]> parts;
        private final Map<Path, byte[]> served = new HashMap<>();

        PartsOpener(List<byte[]> parts) {
            this.parts = parts;
        }

        @Override
        public SeekableByteChannel open(Path path) throws IOException {
            byte[] bytes = served.get(path);
            if (bytes == null) {
                if (served.size() == parts.size()) {
                    throw new NoSuchFileException(path.toString());
                }
                bytes = parts.get(served.size());
                served.put(path, bytes);
            }
            return new MemoryOpener(bytes).open(path);
        }
    }
}
