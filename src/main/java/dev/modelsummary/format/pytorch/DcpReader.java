package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.StateDictRoles;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.io.ChannelWindow;
import dev.modelsummary.format.io.RegionInputStream;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleSafety;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@code torch.distributed.checkpoint} (DCP) checkpoint as {@code FileSystemWriter} writes it: a folder holding
 * {@code .metadata} and the ranks' shard files {@code __<rank>_<n>.distcp}. The listing is {@code .metadata}, a
 * plain {@code pickle.dump} of {@code torch.distributed.checkpoint.metadata.Metadata} (torch 2.x):
 * {@code state_dict_metadata} maps each flattened state-dict key (FQN) to a {@code TensorStorageMetadata}
 * (properties with the dtype, the global size, and the chunks each rank saved) or a {@code BytesStorageMetadata}
 * (any other object, saved with torch.save inside a shard); {@code storage_data} maps a
 * {@code MetadataIndex(fqn, offset)} to the {@code _StorageInfo(relative_path, offset, length)} of its bytes.
 *
 * <p>Read: {@code .metadata} (or the rank-local {@code __<rank>.metadata} files of a save without collectives,
 * merged), by the restricted unpickler and scanned like every pickle; the shard files' sizes; and the torch.save
 * bytes of each non-tensor entry, which {@code dcp.load} reads with {@code torch.load(weights_only=False)}, scanned
 * the same way. Tensor chunks are never read. The chunks must lie inside their tensor and each storage record inside a shard file of
 * the folder. A shard file alone is refused by name: it is torch.save archives laid end to end, and only
 * {@code .metadata} says what they are.
 */
public final class DcpReader implements WeightReader {
    public static final String FORMAT = "pytorch-dcp";
    static final String METADATA = ".metadata";
    private static final String SHARD_SUFFIX = ".distcp";
    private static final String MODULE = "torch.distributed.checkpoint.metadata";
    /** torch 2.0 and 2.1 kept TensorProperties with the sharded-tensor metadata. */
    private static final String OLD_MODULE = "torch.distributed._shard.sharded_tensor.metadata";
    private static final String FILESYSTEM = "torch.distributed.checkpoint.filesystem";
    private static final byte[] SNIFF = MODULE.getBytes(StandardCharsets.US_ASCII);
    /** The module name comes right after PROTO and FRAME: well inside this many bytes. */
    private static final int SNIFF_BYTES = 64;
    private static final String ENUM = "_MEM_FORMAT_ENCODING";
    private static final Set<String> ENUM_MEMBERS =
            Set.of("TORCH_CONTIGUOUS_FORMAT", "TORCH_CHANNELS_LAST", "TORCH_PRESERVE_FORMAT");
    private static final Set<String> CLASSES = Set.of("Metadata", "TensorStorageMetadata", "ChunkStorageMetadata",
            "BytesStorageMetadata", "TensorProperties", "StorageMeta", "MetadataIndex", ENUM);
    private static final String GETATTR = "builtins.getattr";
    /** Shard files named in the facts one by one; past this they are counted. */
    private static final int MAX_NAMED = 3;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(METADATA);
    }

    /** A pickle (PROTO 2 to 5) whose first global is DCP's Metadata class. */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        if (head.length < 2 || (head[0] & 0xff) != 0x80 || head[1] < 2 || head[1] > 5) {
            return false;
        }
        int end = Math.min(head.length, SNIFF_BYTES) - SNIFF.length;
        for (int at = 2; at <= end; at++) {
            if (Arrays.equals(head, at, at + SNIFF.length, SNIFF, 0, SNIFF.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean readsDirectory(Path directory) {
        Path metadata = directory.resolve(METADATA);
        if (!Files.exists(metadata, LinkOption.NOFOLLOW_LINKS)) {
            metadata = directory.resolve("__0.metadata"); // use_collectives=False: rank-local metadata
        }
        if (!Files.isRegularFile(metadata, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (SeekableByteChannel channel = Files.newByteChannel(metadata)) {
            return sniff(Channels.readUpTo(channel, 0, WeightReaders.HEAD_BYTES), channel.size());
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code path} is named as a DCP shard file ({@code __0_0.distcp}). */
    public static boolean isShard(Path path) {
        return path.getFileName() != null
                && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(SHARD_SUFFIX);
    }

    /** The one line for a shard given alone. */
    public static FormatException shardAlone(Path path) {
        Path folder = path.toAbsolutePath().getParent();
        return new FormatException("File is one shard of a torch.distributed.checkpoint (DCP) checkpoint; what it "
                + "holds is described by the folder's .metadata: pass the folder" + (folder == null ? ""
                : " (" + Quote.of(folder.toString()) + ")") + " instead.");
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        boolean folderGiven = Files.isDirectory(path);
        List<Path> metadataFiles = folderGiven ? metadataFiles(path) : List.of(path);
        Path folder = metadataFiles.get(0).toAbsolutePath().getParent();
        String name = folderGiven || folder == null || folder.getFileName() == null
                ? nameOf(path) : folder.getFileName().toString();

        Getattrs getattrs = new Getattrs();
        Allowlist allowlist = allowlist(getattrs).build();
        List<Object> roots = new ArrayList<>();
        List<Unpickler> unpicklers = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        long limit = Limits.current().get(Limit.PICKLE_BYTES);
        long total = 0;
        long spent = 0;
        for (Path metadata : metadataFiles) {
            String file = metadata.getFileName().toString();
            try (SeekableByteChannel channel = opener.open(metadata)) {
                long size = channel.size();
                if (size > limit - total) {
                    throw new FormatException("DCP " + Quote.of(file) + " is " + size + " bytes, which takes the "
                            + "checkpoint's metadata over the pickle-bytes limit of " + limit
                            + " (" + Limit.PICKLE_BYTES.raise() + ").");
                }
                total += size;
                Unpickler unpickler = new Unpickler(new PickleInput(new RegionInputStream(channel, 0, size), size),
                        allowlist, pid -> {
                            throw new FormatException("DCP " + Quote.of(file) + " holds a persistent id, which "
                                    + "torch's Metadata never pickles.");
                        });
                try {
                    roots.add(unpickler.load());
                } catch (FormatException e) {
                    throw unpickler.spent() > Limits.current().get(Limit.PICKLE_VALUES) ? valuesLimit(e) : e;
                }
                unpicklers.add(unpickler);
                sizes.add(size);
                spent += unpickler.spent();
            }
        }
        // getattr is only ever DCP's enum lookup; any other use of it is judged as the name alone is
        Allowlist judged = getattrs.onlyEnumLookups() ? allowlist : allowlist(null).build();
        PickleScanBuilder scan = new PickleScanBuilder(new PickleSafety(judged));
        for (int i = 0; i < unpicklers.size(); i++) {
            scan.add(unpicklers.get(i), metadataFiles.get(i).getFileName().toString(), sizes.get(i));
        }
        Listing listing = new Listing(new NameBudget(spent), folder);
        if (folderGiven && !metadataFiles.get(0).getFileName().toString().equals(METADATA)) {
            listing.perRank(metadataFiles.size());
        }
        try {
            for (Object root : roots) {
                listing.read(root);
            }
            listing.finish();
        } catch (FormatException e) {
            throw e.getMessage().startsWith(NAME_BUDGET) ? valuesLimit(e) : e;
        }
        listing.scanObjects(opener, scan);
        return listing.toModel(name, path.toString(), scan);
    }

    /**
     * A folder's metadata: {@code .metadata}, or else the rank-local {@code __<rank>.metadata} files that
     * {@code dcp.save(..., use_collectives=False)} writes instead (newer torch 2.x), in rank order.
     */
    private static List<Path> metadataFiles(Path folder) throws IOException {
        Path global = folder.resolve(METADATA);
        if (Files.exists(global, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(global);
        }
        TreeMap<Long, Path> ranks = new TreeMap<>();
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                java.util.regex.Matcher m = RANK_METADATA.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).length() <= 9
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    ranks.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        return ranks.isEmpty() ? List.of(global) : List.copyOf(ranks.values());
    }

    private static final java.util.regex.Pattern RANK_METADATA =
            java.util.regex.Pattern.compile("__([0-9]+)\\.metadata");

    /** How NameBudget's refusal begins. */
    private static final String NAME_BUDGET = "Pickle builds more than ";

    /**
     * The pickle-values refusal, naming the option: a DCP .metadata costs about 200 values per tensor chunk (its
     * ChunkStorageMetadata, MetadataIndex and _StorageInfo), so the default reads some 50,000 chunks.
     */
    private static FormatException valuesLimit(FormatException e) {
        String message = e.getMessage();
        String raise = " (" + Limit.PICKLE_VALUES.raise() + ").";
        String trimmed = message.endsWith(raise) ? message.substring(0, message.length() - raise.length()) : message;
        return new FormatException(trimmed + " (a DCP .metadata builds about 200 per tensor chunk; "
                + Limit.PICKLE_VALUES.raise() + ").", e);
    }

    private static String nameOf(Path path) {
        Path file = path.toAbsolutePath().normalize().getFileName();
        return file == null ? "dcp" : file.toString();
    }

    /**
     * torch's weights-only allowlist, DCP's metadata classes (built as inert objects, their fields read below),
     * {@code _StorageInfo}, and {@code builtins.getattr} as Python 3.11+ pickles an Enum member:
     * {@code getattr(_MEM_FORMAT_ENCODING, 'TORCH_CONTIGUOUS_FORMAT')}. With {@code getattrs} null the getattr
     * is left out, for judging a pickle that used it otherwise.
     */
    private static Allowlist.Builder allowlist(Getattrs getattrs) {
        Allowlist.Builder builder = TorchGlobals.builder()
                .names(n -> n.startsWith(MODULE + ".") && CLASSES.contains(n.substring(MODULE.length() + 1)))
                .name(OLD_MODULE + ".TensorProperties")
                .name(OLD_MODULE + ".MEM_FORMAT_ENCODING")
                .name(FILESYSTEM + "._StorageInfo");
        if (getattrs != null) {
            builder.call(GETATTR, getattrs::call);
        }
        return builder;
    }

    /** The getattr calls the pickle made: the enum lookup, and whether any other one was seen. */
    private static final class Getattrs {
        private boolean other;

        Object call(PyGlobal callee, PyTuple args, dev.modelsummary.format.pickle.Budget budget) {
            if (args.size() == 2 && args.get(0) instanceof PyGlobal owner && args.get(1) instanceof String member
                    && (owner.qualifiedName().equals(MODULE + "." + ENUM)
                    || owner.qualifiedName().equals(OLD_MODULE + ".MEM_FORMAT_ENCODING"))
                    && ENUM_MEMBERS.contains(member)) {
                return member;
            }
            other = true;
            return new PyObject(callee, args);
        }

        boolean onlyEnumLookups() {
            return !other;
        }
    }

    /** A tensor of the metadata: its global size and dtype, and the elements its chunks (so far) hold. */
    private record Tensor(long[] size, DType dtype, long covered) {
    }

    private record ChunkKey(String fqn, List<Long> offsets, List<Long> sizes) {
    }

    /** Where a non-tensor entry's torch.save bytes lie. */
    private record ObjectRecord(String fqn, String file, long offset, long length) {
    }

    /** A chunk list checked against a tensor size, and the elements its chunks hold. */
    private record Checked(long[] size, long covered) {
    }

    /**
     * Budget units one chunk costs to check, besides two per dimension: its object, field dict and two
     * torch.Size tuples, about what unpickling them cost.
     */
    private static final int CHUNK_COST = 8;

    /** The walk over the unpickled Metadata. */
    private static final class Listing {
        private final NameBudget budget;
        private final Path folder;
        private final int maxNameChars = Limits.current().getInt(Limit.TENSOR_NAME_CHARS);
        private final int maxRank = Limits.current().getInt(Limit.RANK);
        private final int maxTensors = Limits.current().getInt(Limit.TENSORS);
        private final List<TensorEntry> entries = new ArrayList<>();
        private final Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<String> nonTensors = new ArrayList<>();
        private final Set<String> nonTensorNames = new java.util.HashSet<>();
        /** The storage records of the non-tensor entries, in file order: torch.load(weights_only=False) reads them. */
        private final List<ObjectRecord> objects = new ArrayList<>();
        /** Shard file -> its size, each looked up once; sorted, so names from the file cost what any others do. */
        private final TreeMap<String, Long> shardSizes = new TreeMap<>();
        private final TreeSet<String> stored = new TreeSet<>();
        private long chunks;
        private int perRankFiles;
        /** With rank-local metadata: the chunks seen, as a chunk every rank saved is one chunk. */
        private final Set<ChunkKey> seenChunks = new java.util.HashSet<>();
        /** Storage records written through a stream transform (transform_descriptors), the first one's named. */
        private long transformed;
        private String firstTransform;
        private long storageRecords;
        /** Chunk lists already checked, by identity: a pickle can reference one list from every entry. */
        private final IdentityHashMap<List<?>, Checked> checkedChunks = new IdentityHashMap<>();
        /** Tensors whose chunks do not add up to the tensor, the first of them described. */
        private long partial;
        private String firstPartial;
        private String version;

        Listing(NameBudget budget, Path folder) {
            this.budget = budget;
            this.folder = folder;
        }

        void read(Object root) throws IOException {
            Map<?, ?> metadata = fields(root, "Metadata", "DCP .metadata");
            if (!(metadata.get("state_dict_metadata") instanceof Map<?, ?> stateDict)) {
                throw new FormatException("DCP .metadata has no state_dict_metadata dict.");
            }
            for (Map.Entry<?, ?> e : stateDict.entrySet()) {
                String fqn = fqn(e.getKey(), "state_dict_metadata");
                Object value = e.getValue();
                String type = className(value);
                if ("TensorStorageMetadata".equals(type)) {
                    Tensor t = tensor(fqn, fields(value, type, "Entry " + Quote.of(fqn)));
                    Tensor before = tensors.get(fqn);
                    if (before == null) {
                        tensors.put(fqn, t);
                    } else if (!Arrays.equals(before.size(), t.size()) || before.dtype() != t.dtype()) {
                        throw new FormatException("Tensor " + Quote.of(fqn) + " has another size or dtype in one "
                                + "rank's metadata than in another's.");
                    } else {
                        // per-rank metadata: each rank lists the chunks it saved
                        long sum = before.covered();
                        tensors.put(fqn, new Tensor(t.size(), t.dtype(), TorchReader.exact(
                                () -> Math.addExact(sum, t.covered()),
                                "Tensor " + Quote.of(fqn) + " has chunks whose sizes overflow 64 bits.")));
                    }
                    if (tensors.size() > maxTensors) {
                        throw new FormatException("DCP checkpoint lists more than " + maxTensors + " tensors, the "
                                + "limit (" + Limit.TENSORS.raise() + ").");
                    }
                } else if ("BytesStorageMetadata".equals(type)) {
                    if (nonTensorNames.add(fqn)) {
                        nonTensors.add(fqn);
                    }
                } else {
                    throw new FormatException("Entry " + Quote.of(fqn) + " of state_dict_metadata is a "
                            + Quote.of(PyTypes.of(value)) + ", neither TensorStorageMetadata nor "
                            + "BytesStorageMetadata.");
                }
            }
            Object storage = metadata.get("storage_data");
            if (storage instanceof Map<?, ?> records) {
                storage(records);
                long missing = 0;
                String first = null;
                for (Map.Entry<?, ?> e : stateDict.entrySet()) {
                    budget.spend(1);
                    String fqn = (String) e.getKey(); // checked above
                    if (!stored.contains(fqn)) {
                        missing++;
                        first = first == null ? fqn : first;
                    }
                }
                if (missing > 0) {
                    warnings.add(missing + " entries of the DCP checkpoint, such as " + Quote.of(first)
                            + ", have no storage record in .metadata: torch cannot load them.");
                }
            } else if (storage != null) {
                warnings.add("DCP .metadata's storage_data is a " + Quote.of(PyTypes.of(storage))
                        + " (a storage other than FileSystemWriter's): where the data lies was not checked.");
            } else {
                warnings.add("DCP .metadata has no storage_data: where the data lies was not checked.");
            }
            if (metadata.get("version") instanceof String v) {
                version = v.length() > 40 ? v.substring(0, 40) + "..." : v;
            }
        }

        /** The checkpoint was read from rank-local metadata files, merged. */
        void perRank(int files) {
            perRankFiles = files;
        }

        /** Every tensor's entry, in the order the metadata (rank 0's first) lists them, and their coverage. */
        void finish() {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                Shape shape = Shape.of(t.size());
                noteCoverage(e.getKey(), t.covered(), shape);
                entries.add(entryOf(e.getKey(), shape, t.dtype()));
            }
            if (partial > 0) {
                warnings.add(firstPartial + (partial == 1 ? "" : " (so do " + (partial - 1) + " more tensors')")
                        + ": chunks overlap or leave part of a tensor out, which a DCP save never does.");
            }
        }

        private String fqn(Object key, String where) {
            if (!(key instanceof String fqn)) {
                throw new FormatException("A key of " + where + " is a " + Quote.of(PyTypes.of(key))
                        + ", not a string.");
            }
            budget.spendName(fqn);
            if (fqn.length() > maxNameChars) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has a name longer than " + maxNameChars
                        + " characters (" + Limit.TENSOR_NAME_CHARS.raise() + ").");
            }
            return fqn;
        }

        private Tensor tensor(String fqn, Map<?, ?> meta) {
            DType dtype = dtype(fqn, meta.get("properties"));
            long[] size = dims(fqn, meta.get("size"), "size");
            Shape shape = Shape.of(size);
            TorchReader.exact(() -> dtype.bytesFor(shape),
                    "Tensor " + Quote.of(fqn) + " has a size whose byte count overflows 64 bits.");
            if (!(meta.get("chunks") instanceof List<?> list)) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has no chunks list.");
            }
            Checked known = perRankFiles > 0 ? null : checkedChunks.get(list);
            if (known != null && Arrays.equals(known.size(), size)) {
                // a list the pickle shares (memoized) was checked against this size already
                budget.spend(1);
                chunks += list.size();
                return new Tensor(size, dtype, known.covered());
            }
            long covered = 0;
            for (Object chunk : list) {
                budget.spend(CHUNK_COST + 2L * size.length);
                Map<?, ?> c = fields(chunk, "ChunkStorageMetadata", "A chunk of " + Quote.of(fqn));
                long[] offsets = dims(fqn, c.get("offsets"), "chunk offsets");
                long[] sizes = dims(fqn, c.get("sizes"), "chunk sizes");
                if (offsets.length != size.length || sizes.length != size.length) {
                    throw new FormatException("Tensor " + Quote.of(fqn) + " has a chunk of another rank than its "
                            + "size " + shape.toPythonTuple() + ".");
                }
                long elements = 1;
                // an empty chunk (a DTensor rank past the end of an uneven shard) holds nothing to place
                boolean empty = Arrays.stream(sizes).anyMatch(d -> d == 0);
                for (int i = 0; i < size.length; i++) {
                    int d = i;
                    long end = TorchReader.exact(() -> Math.addExact(offsets[d], sizes[d]),
                            "Tensor " + Quote.of(fqn) + " has a chunk whose extent overflows 64 bits.");
                    if (end > size[i] && !empty) {
                        throw new FormatException("Tensor " + Quote.of(fqn) + " has a chunk reaching " + end
                                + " in dimension " + i + ", past its size " + shape.toPythonTuple() + ".");
                    }
                    long before = elements;
                    elements = TorchReader.exact(() -> Math.multiplyExact(before, sizes[d]),
                            "Tensor " + Quote.of(fqn) + " has a chunk whose size overflows 64 bits.");
                }
                if (perRankFiles > 0 && !seenChunks.add(new ChunkKey(fqn, List.of(Arrays.stream(offsets).boxed()
                        .toArray(Long[]::new)), List.of(Arrays.stream(sizes).boxed().toArray(Long[]::new))))) {
                    // without collectives nothing dedups a replicated tensor: every rank saved the same chunk
                    continue;
                }
                long sum = covered;
                long add = elements;
                covered = TorchReader.exact(() -> Math.addExact(sum, add),
                        "Tensor " + Quote.of(fqn) + " has chunks whose sizes overflow 64 bits.");
                chunks++;
            }
            checkedChunks.put(list, new Checked(size, covered));
            return new Tensor(size, dtype, covered);
        }

        private void noteCoverage(String fqn, long covered, Shape shape) {
            if (covered != shape.numel() && partial++ == 0) {
                firstPartial = "The chunks of tensor " + Quote.of(fqn) + " add up to " + covered + " elements where "
                        + "it has " + shape.numel();
            }
        }

        private static TensorEntry entryOf(String fqn, Shape shape, DType dtype) {
            Role role = StateDictRoles.classify(fqn, dtype);
            return role == Role.BUFFER ? TensorEntry.buffer(fqn, shape, dtype)
                    : TensorEntry.parameter(fqn, shape, dtype, !dtype.isQuantized());
        }

        /** TensorProperties: its __getstate__ tuple (dtype first) since torch 2.0, a field dict otherwise. */
        private static DType dtype(String fqn, Object properties) {
            String type = className(properties);
            if (!"TensorProperties".equals(type) || !(properties instanceof PyObject p)) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has properties of type "
                        + Quote.of(PyTypes.of(properties)) + ", not TensorProperties.");
            }
            Object dtype = p.state() instanceof PyTuple state && state.size() > 0 ? state.get(0)
                    : p.state() instanceof Map<?, ?> fields ? fields.get("dtype") : null;
            if (!(dtype instanceof PyGlobal g) || !g.module().equals("torch")) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has a dtype of type "
                        + Quote.of(PyTypes.of(dtype)) + ", not a torch dtype.");
            }
            return DType.byTorchName(g.name()).filter(DType::isTorchDtype).orElseThrow(() -> new FormatException(
                    "Tensor " + Quote.of(fqn) + " has dtype " + Quote.of(g) + ", which this tool does not know."));
        }

        /** A torch.Size (a tuple once unpickled), or the plain tuple or list a custom planner may leave. */
        private long[] dims(String fqn, Object value, String what) {
            List<Object> items;
            if (value instanceof PyTuple tuple) {
                items = tuple.items();
            } else if (value instanceof dev.modelsummary.format.pickle.PyList list) {
                items = list;
            } else {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has a " + what + " of type "
                        + Quote.of(PyTypes.of(value)) + ", not a torch.Size.");
            }
            if (items.size() > maxRank) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has " + items.size() + " dimensions, over "
                        + "the limit of " + maxRank + " (" + Limit.RANK.raise() + ").");
            }
            long[] dims = new long[items.size()];
            for (int i = 0; i < dims.length; i++) {
                if (!(items.get(i) instanceof Long d) || d < 0) {
                    throw new FormatException("Tensor " + Quote.of(fqn) + " has a " + what + " that is not a tuple "
                            + "of non-negative integers.");
                }
                dims[i] = d;
            }
            return dims;
        }

        /** storage_data: MetadataIndex -> _StorageInfo(relative_path, offset, length), each inside its file. */
        private void storage(Map<?, ?> records) throws IOException {
            for (Map.Entry<?, ?> e : records.entrySet()) {
                budget.spend(1);
                Map<?, ?> index = fields(e.getKey(), "MetadataIndex", "A key of storage_data");
                String fqn = fqn(index.get("fqn"), "a MetadataIndex");
                Map<?, ?> info = fields(e.getValue(), "_StorageInfo", "The storage record of " + Quote.of(fqn));
                if (!(info.get("relative_path") instanceof String file) || !(info.get("offset") instanceof Long offset)
                        || !(info.get("length") instanceof Long length) || offset < 0 || length < 0) {
                    throw new FormatException("The storage record of " + Quote.of(fqn) + " is not a relative path "
                            + "with a non-negative offset and length.");
                }
                long fileSize = shardSize(fqn, file);
                long end = TorchReader.exact(() -> Math.addExact(offset, length),
                        "The storage record of " + Quote.of(fqn) + " has an extent that overflows 64 bits.");
                if (end > fileSize) {
                    throw new FormatException("The storage record of " + Quote.of(fqn) + " reaches byte " + end
                            + " of " + Quote.of(file) + ", which holds " + fileSize + " bytes.");
                }
                stored.add(fqn);
                storageRecords++;
                if (info.get("transform_descriptors") instanceof List<?> transforms && !transforms.isEmpty()) {
                    // written through a stream extension (torch 2.7+: compression): not torch.save bytes as stored
                    transformed++;
                    firstTransform = firstTransform == null ? String.valueOf(transforms.get(0)) : firstTransform;
                } else if (nonTensorNames.contains(fqn)) {
                    objects.add(new ObjectRecord(fqn, file, offset, length));
                }
            }
        }

        /**
         * Each non-tensor entry's bytes are a torch.save archive that DCP's load_bytes reads with
         * {@code torch.load(weights_only=False)}: every one is unpickled by the restricted unpickler and scanned
         * like the metadata, up to the pickle-bytes limit in all. Tensor chunks are left unscanned: torch loads
         * them with weights_only=True.
         */
        void scanObjects(ChannelOpener opener, PickleScanBuilder scan) throws IOException {
            if ((objects.isEmpty() && transformed == 0) || folder == null) {
                return;
            }
            long limit = Limits.current().get(Limit.PICKLE_BYTES);
            long read = 0;
            long failed = 0;
            String firstFailure = null;
            List<ObjectRecord> sorted = new ArrayList<>(objects);
            sorted.sort(java.util.Comparator.comparing(ObjectRecord::file).thenComparingLong(ObjectRecord::offset));
            SeekableByteChannel channel = null;
            String open = null;
            try {
                for (ObjectRecord o : sorted) {
                    budget.spend(1);
                    if (o.length() > limit - read) {
                        throw new FormatException("The non-tensor entries of the DCP checkpoint (" + Quote.of(o.fqn())
                                + " and those before it) add up to more than " + limit + " bytes, over the "
                                + "pickle-bytes limit (" + Limit.PICKLE_BYTES.raise() + ").");
                    }
                    read += o.length();
                    if (!o.file().equals(open)) {
                        if (channel != null) {
                            channel.close();
                        }
                        channel = opener.open(folder.resolve(o.file()));
                        open = o.file();
                    }
                    try {
                        Unpickled object = TorchZip.read(new ChannelWindow(channel, o.offset(), o.length()));
                        scan.merge(object.scan(), o.file() + "@" + o.offset());
                    } catch (FormatException e) {
                        if (failed++ == 0) {
                            firstFailure = "the bytes of non-tensor entry " + Quote.of(o.fqn()) + " in "
                                    + Quote.of(o.file()) + " are not a torch.save archive that could be scanned ("
                                    + e.getMessage() + ")";
                        }
                    }
                }
            } finally {
                if (channel != null) {
                    channel.close();
                }
            }
            if (transformed > 0) {
                warnings.add(transformed + " storage records of the DCP checkpoint were written through stream "
                        + "transforms such as " + Quote.of(firstTransform) + ": the non-tensor entries among them "
                        + "were not scanned.");
            }
            if (failed > 0) {
                warnings.add(Character.toUpperCase(firstFailure.charAt(0)) + firstFailure.substring(1)
                        + (failed == 1 ? "" : "; so are " + (failed - 1) + " more") + ": torch.load would read "
                        + "them with weights_only=False.");
            }
        }

        /** A shard file: a plain name inside the checkpoint's folder, a regular file (no link followed). */
        private long shardSize(String fqn, String file) throws IOException {
            Long known = shardSizes.get(file);
            if (known != null) {
                return known;
            }
            if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals(".")
                    || file.equals("..") || file.indexOf('\0') >= 0 || file.contains(":")) {
                throw new FormatException("The storage record of " + Quote.of(fqn) + " names " + Quote.of(file)
                        + ", not a file of the checkpoint's own folder.");
            }
            Path shard = folder == null ? Path.of(file) : folder.resolve(file);
            if (!Files.isRegularFile(shard, LinkOption.NOFOLLOW_LINKS)) {
                throw new FormatException("Shard file " + Quote.of(file) + " (named by the storage record of "
                        + Quote.of(fqn) + ") is missing from the checkpoint's folder or is not a regular file.");
            }
            long size = Files.size(shard);
            shardSizes.put(file, size);
            return size;
        }

        Model toModel(String name, String source, PickleScanBuilder scan) {
            List<Fact> facts = new ArrayList<>();
            String files = shardSizes.size() <= MAX_NAMED ? String.join(", ", shardSizes.keySet())
                    : String.join(", ", List.copyOf(shardSizes.keySet()).subList(0, MAX_NAMED)) + ", ...";
            facts.add(new Fact("DCP checkpoint", shardSizes.size() + " shard files"
                    + (shardSizes.isEmpty() ? "" : " (" + files + ")") + ", " + chunks + " tensor chunks, "
                    + storageRecords + " storage records"));
            if (!nonTensors.isEmpty()) {
                facts.add(new Fact("non-tensor entries", nonTensors.size() + " (BytesStorageMetadata: objects saved "
                        + "inside the shards, such as " + Quote.of(nonTensors.get(0))
                        + "; their pickles scanned, not listed)"));
            }
            if (version != null) {
                facts.add(new Fact("DCP metadata version", version));
            }
            if (perRankFiles > 0) {
                facts.add(new Fact("DCP rank-local metadata", perRankFiles + " __<rank>.metadata files (saved with "
                        + "use_collectives=False), merged: each tensor's chunks from every rank"));
            }
            List<String> notes = List.of("Parameters and buffers are told apart by name and dtype, as for a state "
                    + "dict: a DCP checkpoint does not record which is which, so the split is a guess.");
            List<String> allWarnings = new ArrayList<>(warnings);
            String leftOut = scan.leftOutWarning();
            if (leftOut != null) {
                allWarnings.add(leftOut);
            }
            return new Model(name, FORMAT, source, entries, allWarnings).withDetails(
                    FileDetails.NONE.withFacts(facts).withNotes(notes).withPickle(scan.build()));
        }

        /** An object of DCP's class {@code type}: its BUILD state, a field dict. */
        private static Map<?, ?> fields(Object value, String type, String what) {
            if (!type.equals(className(value)) || !(((PyObject) value).state() instanceof Map<?, ?> state)) {
                throw new FormatException(what + " is a " + Quote.of(PyTypes.of(value)) + ", not a " + type
                        + " with its fields.");
            }
            return state;
        }

        /** The simple name of a DCP class the object was built from, else null. */
        private static String className(Object value) {
            if (value instanceof PyObject object && object.type() instanceof PyGlobal g
                    && (g.module().equals(MODULE) || g.module().equals(OLD_MODULE) || g.module().equals(FILESYSTEM))) {
                return g.name();
            }
            return null;
        }
    }
}
