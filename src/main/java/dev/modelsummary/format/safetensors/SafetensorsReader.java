package dev.modelsummary.format.safetensors;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.SiblingFiles;
import dev.modelsummary.format.StateDictRoles;
import dev.modelsummary.format.TensorData;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.json.ShardFolder;
import dev.modelsummary.format.json.ShardIndex;
import dev.modelsummary.format.json.ShardPlan;
import dev.modelsummary.format.json.StrictJson;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads safetensors headers: one {@code .safetensors} file, a {@code *.safetensors.index.json} with its shards,
 * or a directory holding either. Only each file's {@code 8 + N} header bytes (and the index) are read.
 *
 * <p>Tensors come in the source's own order: a file's header key order, an index's {@code weight_map} key
 * order, or, for a directory without an index, file after file in sorted file-name order. There is no
 * aliasing: safetensors cannot store shared tensors (writers drop the duplicates), so every entry owns its
 * bytes.
 */
public final class SafetensorsReader implements WeightReader {
    public static final String FORMAT = "safetensors";
    private static final String EXTENSION = ".safetensors";
    private static final String INDEX_EXTENSION = ".safetensors.index.json";
    /** The name huggingface_hub and transformers give the index; preferred when a folder holds several. */
    private static final String DEFAULT_INDEX = "model.safetensors.index.json";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(EXTENSION, INDEX_EXTENSION);
    }

    /**
     * Bytes 0-7 are a u64 LE header length N with {@code 2 <= N <= 100,000,000} and {@code N + 8 <= size}
     * (2 is the shortest header, {@code {}}); the header starts with {@code {} after optional JSON whitespace.
     */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        if (head.length <= 8) {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > Limits.current().get(Limit.SAFETENSORS_HEADER_BYTES) || n > fileSize - 8) {
            return false;
        }
        long end = Math.min(head.length, 8 + n);
        for (int i = 8; i < end; i++) {
            if (!StrictJson.isWhitespace(head[i])) {
                return head[i] == '{';
            }
        }
        return false; // only whitespace in view: leave it to the extension
    }

    @Override
    public boolean readsDirectory(Path directory) {
        try {
            return !indexFiles(directory).isEmpty() || !shardFiles(directory).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        if (Files.isDirectory(path)) {
            return readDirectory(path, opener);
        }
        if (isIndex(path)) {
            Path directory = path.toAbsolutePath().getParent();
            return model(directoryName(directory), path, readIndexed(path, directory, opener));
        }
        SafetensorsHeader.Header header;
        try (SeekableByteChannel channel = opener.open(path)) {
            header = SafetensorsHeader.readHeader(channel);
            noteData(path, channel.size(), header.tensors());
        }
        List<TensorEntry> tensors = new ArrayList<>();
        header.tensors().forEach(t -> tensors.add(entry(t)));
        // A lone file's __metadata__ is the model's; shards each carry their own, and none is shown.
        return model(FileNames.stem(path), path, tensors)
                .withDetails(FileDetails.NONE.withFacts(header.metadata()));
    }

    private Model readDirectory(Path directory, ChannelOpener opener) throws IOException {
        String name = directoryName(directory.toAbsolutePath());
        Optional<Path> index = ShardFolder.chooseIndex(directory, indexFiles(directory), DEFAULT_INDEX);
        if (index.isPresent()) {
            SiblingFiles.checkInside(directory, index.get(), "Index " + Quote.of(index.get().getFileName()));
            return model(name, directory, readIndexed(index.get(), directory.toAbsolutePath(), opener));
        }
        List<Path> files = shardFiles(directory);
        if (files.isEmpty()) {
            throw new FormatException("Directory holds no *.safetensors files and no shard index.");
        }
        SiblingFiles.checkCount(files.size(), "Directory");
        return model(name, directory, readUnindexed(directory, files, opener));
    }

    /** Without an index: every file in sorted file-name order, each in its header order; names must not repeat. */
    private List<TensorEntry> readUnindexed(Path directory, List<Path> files, ChannelOpener opener)
            throws IOException {
        ShardPlan.UniqueNames names = new ShardPlan.UniqueNames();
        List<TensorEntry> tensors = new ArrayList<>();
        for (Path file : files) {
            String shard = file.getFileName().toString();
            for (HeaderTensor t : readShard(directory, file, shard, opener)) {
                names.add(t.name(), shard);
                if (tensors.size() == Limits.current().getInt(Limit.TENSORS)) {
                    throw new FormatException("Shards list more than '" + Limits.current().getInt(Limit.TENSORS)
                            + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
                }
                tensors.add(entry(t));
            }
        }
        return tensors;
    }

    /**
     * With an index: tensors in {@code weight_map} order. Every shard path is checked before any shard is
     * opened; each shard's header is then read once and must hold exactly the tensors the index gives it.
     */
    private List<TensorEntry> readIndexed(Path indexFile, Path directory, ChannelOpener opener) throws IOException {
        ShardPlan plan = ShardPlan.of(ShardIndex.read(indexFile, opener), directory);
        Map<String, String> weightMap = plan.weightMap();
        Map<String, HeaderTensor> found = new HashMap<>();
        for (ShardPlan.Shard shard : plan.shards()) {
            List<HeaderTensor> held = readShard(directory, shard.file(), shard.name(), opener);
            plan.check(shard, held.stream().map(HeaderTensor::name).toList());
            held.forEach(t -> found.put(t.name(), t));
        }
        List<TensorEntry> tensors = new ArrayList<>(weightMap.size());
        weightMap.keySet().forEach(name -> tensors.add(entry(found.get(name))));
        return tensors;
    }

    /**
     * One shard's header; its problems are reported with the shard's name, which the user cannot see otherwise.
     * Only regular files are opened: opening a FIFO an index points at would wait forever. Nor is a shard whose
     * symbolic links lead outside {@code directory}.
     */
    private static List<HeaderTensor> readShard(Path directory, Path file, String shard, ChannelOpener opener)
            throws IOException {
        SiblingFiles.checkInside(directory, file, "Shard " + Quote.of(shard));
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new FormatException("Shard " + Quote.of(shard) + " is not a regular file.");
        }
        try {
            return readFile(file, opener);
        } catch (NoSuchFileException e) {
            throw new FormatException("Shard " + Quote.of(shard) + " does not exist.", e);
        } catch (FormatException e) {
            throw new FormatException("Shard " + Quote.of(shard) + ": " + e.getMessage(), e);
        }
    }

    private static List<HeaderTensor> readFile(Path file, ChannelOpener opener) throws IOException {
        try (SeekableByteChannel channel = opener.open(file)) {
            List<HeaderTensor> tensors = SafetensorsHeader.read(channel);
            noteData(file, channel.size(), tensors);
            return tensors;
        }
    }

    /**
     * For {@code diff --values}: each tensor's bytes. The header was checked to end its data exactly at the end
     * of the file, so the data buffer starts at the file's size less the last tensor's end.
     */
    private static void noteData(Path file, long fileSize, List<HeaderTensor> tensors) {
        long bufferEnd = 0;
        for (HeaderTensor t : tensors) {
            bufferEnd = Math.max(bufferEnd, t.end());
        }
        long dataStart = fileSize - bufferEnd;
        for (HeaderTensor t : tensors) {
            TensorData.noteSpan(t.name(), file, dataStart + t.begin(), t.end() - t.begin());
        }
    }

    /** A state dict says nothing of roles: names and dtypes decide; every parameter of a saved model trains. */
    private static TensorEntry entry(HeaderTensor t) {
        DType dtype = t.dtype().dtype();
        return StateDictRoles.classify(t.name(), dtype) == Role.PARAMETER
                ? TensorEntry.parameter(t.name(), t.shape(), dtype, true)
                : TensorEntry.buffer(t.name(), t.shape(), dtype);
    }

    private static Model model(String name, Path source, List<TensorEntry> tensors) {
        return new Model(name, FORMAT, source.toString(), tensors, List.of());
    }

    private static boolean isIndex(Path path) {
        return lowerName(path).endsWith(INDEX_EXTENSION);
    }

    private static List<Path> indexFiles(Path directory) throws IOException {
        return ShardFolder.list(directory, name -> name.endsWith(INDEX_EXTENSION));
    }

    private static List<Path> shardFiles(Path directory) throws IOException {
        return ShardFolder.list(directory, name -> name.endsWith(EXTENSION));
    }

    private static String lowerName(Path path) {
        Path name = path.getFileName();
        return name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    }

    private static String directoryName(Path absoluteDirectory) {
        Path normalized = absoluteDirectory.normalize();
        Path name = normalized.getFileName();
        return name == null ? normalized.toString() : name.toString();
    }
}
