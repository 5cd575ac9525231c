package dev.modelsummary.format;

import dev.modelsummary.format.gguf.GgufReader;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.keras.KerasReader;
import dev.modelsummary.format.numpy.NumpyReader;
import dev.modelsummary.format.onnx.OnnxReader;
import dev.modelsummary.format.pytorch.DcpReader;
import dev.modelsummary.format.pytorch.PickleFileReader;
import dev.modelsummary.format.pytorch.PickleZipReader;
import dev.modelsummary.format.pytorch.Pt2Reader;
import dev.modelsummary.format.pytorch.TorchReader;
import dev.modelsummary.format.pytorch.TorchShardsReader;
import dev.modelsummary.format.safetensors.SafetensorsReader;
import dev.modelsummary.format.tfjs.TfjsReader;
import dev.modelsummary.model.Model;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The registry of readers: picks one by magic bytes first and by file-name ending second, then reads.
 */
public final class WeightReaders {
    /** How many leading bytes sniffing sees. */
    public static final int HEAD_BYTES = 4096;
    /**
     * {@code .bin} names PyTorch files (pytorch_model.bin), TF.js shards and raw dumps alike, so no reader claims
     * it by name: a torch file is known by its magic, and any other {@code .bin} gets a message that says so.
     */
    private static final String AMBIGUOUS_BIN = ".bin";

    private final List<WeightReader> readers;
    private final ChannelOpener opener;

    public WeightReaders(List<WeightReader> readers, ChannelOpener opener) {
        this.readers = List.copyOf(readers);
        this.opener = opener;
    }

    /** Every reader this build knows, reading through plain file channels. */
    public static WeightReaders standard() {
        return standard(ChannelOpener.FILES);
    }

    public static WeightReaders standard(ChannelOpener opener) {
        return new WeightReaders(List.of(
                // Readers are added here, most specific magic first.
                new GgufReader(),
                new SafetensorsReader(),
                new KerasReader(),
                new TorchReader(),
                // A torch.distributed.checkpoint folder (or its .metadata pickle), before the raw pickle reader.
                new DcpReader(),
                // torch.export.save's PT2 archive: a ZIP whose first record is no torch.save one.
                new Pt2Reader(),
                // Sharded torch checkpoints: an index claimed by name, or a folder the safetensors reader left.
                new TorchShardsReader(),
                // Raw pickles: PROTO 2-5 that is not a legacy torch stream; protocols 0 and 1 by extension only.
                new PickleFileReader(),
                // A ZIP of pickles no other reader claims: first record *.pkl/*.pickle, or a .zip name.
                new PickleZipReader(),
                new NumpyReader(),
                new TfjsReader(),
                // ONNX has no magic: its sniff is a plausibility check, so it comes after every magic.
                new OnnxReader()
        ), opener);
    }

    public List<WeightReader> readers() {
        return readers;
    }

    /**
     * Reads the model at {@code path}: a file, or a directory that some reader reads as one model.
     *
     * @throws NoSuchFileException when nothing is at {@code path}
     * @throws FormatException     when no reader recognises it, or the chosen reader finds it invalid
     */
    public Model read(Path path) throws IOException {
        return read(path, ReadOptions.NONE);
    }

    /**
     * Reads with options ({@code --key}).
     *
     * @throws UnsupportedOptionException when the chosen reader has no use for an option set
     */
    public Model read(Path path, ReadOptions options) throws IOException {
        // Packed weights look alike in every format (a GPTQ qweight in safetensors or a torch .bin): one pass.
        return PackedWeights.annotate(choose(path).read(path, opener, options));
    }

    /** Whether some reader reads the directory as one model (a folder of shards). */
    public boolean readsDirectory(Path directory) {
        return readers.stream().anyMatch(r -> r.readsDirectory(directory));
    }

    /** The reader that would read {@code path}. */
    public WeightReader choose(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return readers.stream().filter(r -> r.readsDirectory(path)).findFirst()
                    .orElseThrow(() -> new FormatException("Directory holds no model files that a reader "
                            + "recognises (expected *.safetensors shards, a model.safetensors.index.json, "
                            + "pytorch_model-*-of-*.bin shards, a pytorch_model.bin.index.json or a "
                            + "torch.distributed.checkpoint .metadata)."));
        }
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (!Files.isRegularFile(path)) {
            // A FIFO or a device would block or never end: refuse before opening it.
            throw new FormatException("Not a regular file.");
        }
        if (DcpReader.isShard(path)) {
            // torch.save archives end to end: any of them would read as a model, but only .metadata says what
            throw DcpReader.shardAlone(path);
        }
        byte[] head = readHead(path);
        long size = Files.size(path);
        for (WeightReader reader : readers) {
            if (reader.sniff(head, size)) {
                return reader;
            }
        }
        Optional<WeightReader> byName = byExtension(path);
        if (byName.isPresent()) {
            return byName.get();
        }
        if (size == 0) {
            throw new FormatException("File is empty.");
        }
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(AMBIGUOUS_BIN)) {
            throw new FormatException("Not a PyTorch file (no torch.save ZIP or legacy magic) nor any other "
                    + "supported format (" + formatNames() + "); a TensorFlow.js weight shard is read through its "
                    + "model.json.");
        }
        throw new FormatException("Not a weight file of any supported format (" + formatNames() + ").");
    }

    private Optional<WeightReader> byExtension(Path path) {
        String fileName = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return readers.stream().filter(r -> r.extensions().stream().anyMatch(fileName::endsWith)).findFirst();
    }

    /** Each format once, though several readers share one (pytorch files and shards, pickle files and ZIPs). */
    private String formatNames() {
        return String.join(", ", readers.stream().map(WeightReader::format).distinct().toList());
    }

    private byte[] readHead(Path path) throws IOException {
        try (SeekableByteChannel channel = opener.open(path)) {
            return Channels.readUpTo(channel, 0, HEAD_BYTES);
        }
    }
}
