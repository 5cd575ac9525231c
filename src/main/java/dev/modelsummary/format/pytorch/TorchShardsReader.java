package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.format.SiblingFiles;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.json.ShardFolder;
import dev.modelsummary.format.json.ShardIndex;
import dev.modelsummary.format.json.ShardPlan;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a sharded PyTorch checkpoint as one model: a {@code pytorch_model.bin.index.json} (transformers'
 * {@code {"metadata": {...}, "weight_map": {tensor: shard file}}}, the same shape as the safetensors index), or
 * a directory holding such an index or {@code pytorch_model-0000N-of-0000M.bin} shards. Each shard is read
 * once, header-only, by {@link TorchReader}.
 *
 * <p>Order: shards in order of first appearance in {@code weight_map} (transformers writes it with sorted keys,
 * so its own order is not the model's), each shard's tensors in the shard's own order. The index and the shards
 * must agree exactly: every listed tensor is in the shard the index names, and every shard tensor is listed.
 * Without an index, shards are read in sorted file-name order and a name may not repeat.
 */
public final class TorchShardsReader implements WeightReader {
    private static final List<String> INDEX_EXTENSIONS =
            List.of(".bin.index.json", ".pt.index.json", ".pth.index.json");
    /** The name transformers gives the index; preferred when a folder holds several. */
    private static final String DEFAULT_INDEX = "pytorch_model.bin.index.json";
    private static final Pattern SHARD_NAME = Pattern.compile("pytorch_model-\\d+-of-\\d+\\.bin");

    private final TorchReader torch = new TorchReader();

    @Override
    public String format() {
        return "pytorch";
    }

    /** An index is JSON: nothing in its first bytes says it is this one, so it is claimed by name only. */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        return false;
    }

    @Override
    public List<String> extensions() {
        return INDEX_EXTENSIONS;
    }

    @Override
    public boolean readsDirectory(Path directory) {
        try {
            return !indexFiles(directory).isEmpty() || !shardFiles(directory).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Shards are plain state dicts split by size: there is no checkpoint entry to choose. */
    @Override
    public Model read(Path path, ChannelOpener opener, ReadOptions options) throws IOException {
        options.refuseAllFor("a sharded checkpoint (its shards are plain state dicts)");
        return read(path, opener);
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        List<String> warnings = new ArrayList<>(); // the shards' own, each prefixed with its shard's name
        PickleScanBuilder scan = new PickleScanBuilder(TorchPickleSafety.STANDARD); // every shard's, merged
        if (Files.isDirectory(path)) {
            return readDirectory(path, absolute, opener, warnings, scan);
        }
        Path directory = absolute.getParent();
        return model(directory, path, readIndexed(path, directory, opener, warnings, scan), warnings, scan);
    }

    private Model readDirectory(Path directory, Path absolute, ChannelOpener opener, List<String> warnings,
                                PickleScanBuilder scan) throws IOException {
        Optional<Path> index = ShardFolder.chooseIndex(directory, indexFiles(directory), DEFAULT_INDEX);
        if (index.isPresent()) {
            SiblingFiles.checkInside(directory, index.get(), "Index " + Quote.of(index.get().getFileName()));
            return model(absolute, directory, readIndexed(index.get(), absolute, opener, warnings, scan), warnings,
                    scan);
        }
        List<Path> files = shardFiles(directory);
        if (files.isEmpty()) {
            throw new FormatException("Directory holds no pytorch_model-*-of-*.bin shards and no shard index.");
        }
        SiblingFiles.checkCount(files.size(), "Directory");
        List<TensorEntry> tensors = new ArrayList<>();
        ShardPlan.UniqueNames names = new ShardPlan.UniqueNames();
        for (Path file : files) {
            String shard = file.getFileName().toString();
            for (TensorEntry t : readShard(directory, file, shard, opener, warnings, scan)) {
                names.add(t.name(), shard);
                add(tensors, t);
            }
        }
        return model(absolute, directory, tensors, warnings, scan);
    }

    /**
     * With an index: every shard path is checked before any shard is opened; each shard is then read once, in
     * first-mention order, and must hold exactly the tensors the index gives it.
     */
    private List<TensorEntry> readIndexed(Path indexFile, Path directory, ChannelOpener opener,
                                          List<String> warnings, PickleScanBuilder scan) throws IOException {
        ShardPlan plan = ShardPlan.of(ShardIndex.read(indexFile, opener), directory);
        List<TensorEntry> tensors = new ArrayList<>(plan.weightMap().size());
        for (ShardPlan.Shard shard : plan.shards()) {
            List<TensorEntry> held = readShard(directory, shard.file(), shard.name(), opener, warnings, scan);
            plan.check(shard, held.stream().map(TensorEntry::name).toList());
            held.forEach(t -> add(tensors, t));
        }
        return tensors;
    }

    private static void add(List<TensorEntry> tensors, TensorEntry t) {
        if (tensors.size() == Limits.current().getInt(Limit.TENSORS)) {
            throw new FormatException("Shards list more than '" + Limits.current().getInt(Limit.TENSORS)
                    + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
        }
        tensors.add(t);
    }

    /**
     * One shard's tensors; its problems are reported with the shard's name. Only regular files are opened:
     * opening a FIFO an index points at would wait forever. Nor is a shard whose symbolic links lead outside
     * {@code directory}.
     */
    private List<TensorEntry> readShard(Path directory, Path file, String shard, ChannelOpener opener,
                                        List<String> warnings, PickleScanBuilder scan) throws IOException {
        SiblingFiles.checkInside(directory, file, "Shard " + Quote.of(shard));
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new FormatException("Shard " + Quote.of(shard) + " is not a regular file.");
        }
        try {
            Model model = torch.read(file, opener);
            model.warnings().forEach(w -> warnings.add("Shard " + Quote.of(shard) + ": " + w));
            scan.merge(model.details().pickle(), shard);
            return model.tensors();
        } catch (NoSuchFileException e) {
            throw new FormatException("Shard " + Quote.of(shard) + " does not exist.", e);
        } catch (FormatException e) {
            throw new FormatException("Shard " + Quote.of(shard) + ": " + e.getMessage(), e);
        }
    }

    private static Model model(Path absoluteDirectory, Path source, List<TensorEntry> tensors,
                               List<String> warnings, PickleScanBuilder scan) {
        Path name = absoluteDirectory.getFileName();
        return new Model(name == null ? absoluteDirectory.toString() : name.toString(), "pytorch",
                source.toString(), tensors, warnings).withDetails(FileDetails.NONE.withPickle(scan.build()));
    }

    private static List<Path> indexFiles(Path directory) throws IOException {
        return ShardFolder.list(directory, name -> INDEX_EXTENSIONS.stream().anyMatch(name::endsWith));
    }

    private static List<Path> shardFiles(Path directory) throws IOException {
        return ShardFolder.list(directory, name -> SHARD_NAME.matcher(name).matches());
    }
}
