package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.format.StateDictRoles;
import dev.modelsummary.format.TensorData;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Reads {@code torch.save} files header-only: the ZIP form (torch ≥ 1.6) and the legacy stream form. Only the
 * pickle and the container's directory are read, never a storage's bytes, and the pickle is read by a
 * restricted unpickler that executes nothing (formats.md section 2).
 */
public final class TorchReader implements WeightReader {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    /**
     * The first local header's name: {@code <archive>/data.pkl} for torch.save; TorchScript archives start with
     * {@code <archive>/data/<n>} (or data.pkl when they hold no tensor).
     */
    private static final Pattern TORCH_FIRST_RECORD = Pattern.compile("[^/]+/(data\\.pkl|data/\\d+)");
    private static final int TAR_MAGIC_OFFSET = 257;
    private static final String MODULE_PREFIX = "module.";
    private static final String SCALE = "scale";
    private static final String ZERO_POINT = "zero_point";

    @Override
    public String format() {
        return "pytorch";
    }

    @Override
    public List<String> extensions() {
        return List.of(".pt", ".pth", ".ckpt"); // not .bin: see WeightReaders
    }

    @Override
    public boolean sniff(byte[] head, long fileSize) {
        return TorchLegacy.startsWithMagic(head) || firstZipRecordIsTorch(head);
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        return read(path, opener, ReadOptions.NONE);
    }

    /** Takes {@code --key}: the checkpoint entry to read as the model. */
    @Override
    public Model read(Path path, ChannelOpener opener, ReadOptions options) throws IOException {
        Unpickled unpickled;
        try (SeekableByteChannel channel = opener.open(path)) {
            // Only as many leading bytes as telling the forms apart needs: the first record may be tiny.
            byte[] head = Channels.readUpTo(channel, 0, TorchLegacy.MAGIC_BYTES);
            if (startsWith(head, ZIP_MAGIC)) {
                unpickled = TorchZip.read(channel);
            } else if (TorchLegacy.startsWithMagic(head)) {
                unpickled = TorchLegacy.read(channel);
            } else {
                throw notTorch(Channels.readUpTo(channel, 0, TAR_MAGIC_OFFSET + 5), channel.size());
            }
        }
        return toModel(path, unpickled, options.key(), "pytorch");
    }

    /** A size computed from file data, or a FormatException saying it overflows. */
    static long exact(LongSupplier computation, String overflowMessage) {
        try {
            return computation.getAsLong();
        } catch (ArithmeticException e) {
            throw new FormatException(overflowMessage);
        }
    }

    /** The model of an unpickled object, its tensors named as a state dict; with its pickle scan. */
    static Model toModel(Path path, Unpickled unpickled, String key, String format) {
        if (unpickled.root() instanceof TorchScriptArchive.Listing script) {
            new ReadOptions(key).refuseAllFor("a TorchScript archive (its module tree is the model)");
            Model model = TorchScriptArchive.toModel(path, script, unpickled.warnings());
            return model.withDetails(model.details().withPickle(unpickled.scan()));
        }
        NameBudget names = new NameBudget(unpickled.valuesSpent());
        TensorWalk.Result result = TensorWalk.find(unpickled.root(), key, names);
        List<TensorWalk.Found> found = result.tensors();
        boolean stripModule = !found.isEmpty()
                && found.stream().allMatch(f -> f.name().startsWith(MODULE_PREFIX));
        List<TensorEntry> entries = new ArrayList<>(found.size());
        TiedWeights tied = new TiedWeights();
        Set<String> zeroPoints = quantizerZeroPoints(found);
        long totalBytes = 0;
        UnknownDtypes unknown = new UnknownDtypes();
        List<String> nested = new ArrayList<>();
        List<String> guessed = new ArrayList<>();
        for (TensorWalk.Found f : found) {
            String name = stripModule ? f.name().substring(MODULE_PREFIX.length()) : f.name();
            TorchTensor t = f.tensor();
            if (t.unknownDtype() != null) {
                unknown.add(name, t);
                continue;
            }
            if (t.nested()) {
                nested.add(name);
            }
            checkExtent(name, t);
            long bytes = exact(() -> t.dtype().bytesFor(t.shape()),
                    "Tensor " + Quote.of(name) + " has a size whose byte count overflows 64 bits.");
            long total = totalBytes;
            totalBytes = exact(() -> Math.addExact(total, bytes), "Tensors' sizes add up past 2^63 bytes.");
            TensorEntry entry = entry(name, f, zeroPoints);
            if (entry.trainable() && !t.parameter() && StateDictRoles.isGuessedParameter(name, t.dtype())) {
                guessed.add(name);
            }
            String first = tied.firstNameOf(t, name);
            if (first != null) {
                names.spendName(first); // an alias spells the name of what it aliases once more
                entry = entry.withAliasOf(first);
            }
            entries.add(entry);
            TensorData.noteView(name, path, t.storage(), t.dtype(), t.storageOffset(), t.size(), t.stride());
        }
        List<String> warnings = new ArrayList<>(unpickled.warnings());
        warnings.addAll(result.warnings());
        if (!nested.isEmpty()) {
            warnings.add(nestedWarning(nested));
        }
        warnings.addAll(unknown.warnings());
        if (!guessed.isEmpty()) {
            warnings.add(guessWarning(guessed));
        }
        return new Model(FileNames.stem(path), format, path.toString(), entries, warnings)
                .withDetails(FileDetails.NONE.withCheckpoint(result.checkpoint()).withPickle(unpickled.scan()));
    }

    /** Nested tensors named in a warning; the rest are counted. */
    private static final int NAMES_LISTED = 3;

    /**
     * One line for all nested tensors: each is one tensor (as torch counts it) whose components have different
     * shapes; it is listed with its packed values' shape, whose element count is the nested tensor's.
     */
    private static String nestedWarning(List<String> names) {
        boolean one = names.size() == 1;
        return names.size() + " nested tensor" + (one ? " " : "s ") + listNames(names) + (one ? " is" : " are")
                + " shown with the shape of " + (one ? "its" : "their") + " packed values (the element count torch "
                + "reports); the shapes of " + (one ? "its" : "their") + " components are not read.";
    }

    private static String listNames(List<String> names) {
        List<String> quoted = new ArrayList<>();
        for (String name : names.subList(0, Math.min(names.size(), NAMES_LISTED))) {
            quoted.add(Quote.of(name));
        }
        return "(" + String.join(", ", quoted) + (names.size() > NAMES_LISTED
                ? ", ... " + (names.size() - NAMES_LISTED) + " more)" : ")");
    }

    /**
     * Once per model, when the parameter/buffer split rests on a guess: a state dict does not record which
     * entries are buffers, and these float tensors have names torch.nn does not give parameters.
     */
    private static String guessWarning(List<String> names) {
        boolean one = names.size() == 1;
        return "the parameter/buffer split is a guess: the file does not record which entries are buffers, and "
                + names.size() + " tensor" + (one ? " " : "s ") + listNames(names) + " counted as trainable "
                + (one ? "parameter may be a buffer." : "parameters may be buffers.");
    }

    /**
     * Tensors of a dtype (or on a storage class) this tool does not know, a newer torch's: left out of the listing,
     * one warning per dtype naming them, with the bytes their storages hold where the file says.
     */
    private static final class UnknownDtypes {
        private final Map<String, List<String>> names = new TreeMap<>();
        private final Map<String, Map<TorchStorage, Boolean>> storages = new TreeMap<>();

        void add(String name, TorchTensor t) {
            names.computeIfAbsent(t.unknownDtype(), k -> new ArrayList<>()).add(name);
            if (t.storage() != null) {
                storages.computeIfAbsent(t.unknownDtype(), k -> new IdentityHashMap<>()).put(t.storage(), true);
            }
        }

        List<String> warnings() {
            List<String> lines = new ArrayList<>();
            names.forEach((dtype, tensors) -> lines.add(tensors.size() + " tensor" + (tensors.size() == 1 ? " " : "s ")
                    + listNames(tensors) + " of " + Quote.of(dtype) + ", a type this tool does not know, "
                    + (tensors.size() == 1 ? "is" : "are") + " left out of the listing and the totals"
                    + storageSize(storages.getOrDefault(dtype, Map.of()).keySet()) + "."));
            return lines;
        }

        /** What the storages hold, in bytes where that is known (untyped storages, ZIP records). */
        private static String storageSize(Set<TorchStorage> held) {
            if (held.isEmpty()) {
                return "";
            }
            long bytes = 0;
            for (TorchStorage storage : held) {
                long size = storage.known() ? exact(storage::nbytes, "Storage " + Quote.of(storage.key())
                        + " has a size that overflows 64 bits.") : storage.recordBytes();
                if (size < 0) {
                    return " (" + (held.size() == 1 ? "its storage holds " + storage.numel()
                            + " elements of unknown size" : "their storages' sizes are unknown") + ")";
                }
                long total = bytes;
                bytes = exact(() -> Math.addExact(total, size), "Storages' sizes add up past 2^63 bytes.");
            }
            return " (" + (held.size() == 1 ? "its storage holds " : "their storages hold ") + bytes + " bytes)";
        }
    }

    /**
     * A Parameter keeps its pickled requires_grad. Anything else is named like a state dict entry: buffers by
     * name and dtype, and parameters trainable (state_dict() saves them as plain tensors with requires_grad
     * False, but they are nn.Parameters in the module). Quantized modules (formats.md 2.9) keep their weights
     * as quantized tensors, which torch never lets require grad, and the quantizer's {@code scale} beside a
     * {@code zero_point} as state: a frozen parameter and a buffer.
     */
    private static TensorEntry entry(String name, TensorWalk.Found f, Set<String> zeroPoints) {
        TorchTensor t = f.tensor();
        if (t.parameter()) {
            return TensorEntry.parameter(name, t.shape(), t.dtype(), t.requiresGrad());
        }
        if (f.buffer() || StateDictRoles.classify(name, t.dtype()) == Role.BUFFER
                || isQuantizerScale(f.name(), zeroPoints)) {
            return TensorEntry.buffer(name, t.shape(), t.dtype());
        }
        return TensorEntry.parameter(name, t.shape(), t.dtype(), !t.dtype().isQuantized());
    }

    /**
     * The prefixes of every {@code <prefix>zero_point} tensor. A sorted set, not a hash set: the names come from
     * the file, and sorting costs the same whatever they are.
     */
    private static Set<String> quantizerZeroPoints(List<TensorWalk.Found> found) {
        Set<String> prefixes = new TreeSet<>();
        for (TensorWalk.Found f : found) {
            if (f.name().endsWith(ZERO_POINT)) {
                prefixes.add(f.name().substring(0, f.name().length() - ZERO_POINT.length()));
            }
        }
        return prefixes;
    }

    /** {@code <prefix>scale} with a {@code <prefix>zero_point} beside it; names as found, before any strip. */
    private static boolean isQuantizerScale(String name, Set<String> zeroPoints) {
        return name.endsWith(SCALE) && zeroPoints.contains(name.substring(0, name.length() - SCALE.length()));
    }

    /** The bytes the tensor reaches must lie inside its storage (formats.md 2.3). */
    static void checkExtent(String name, TorchTensor t) {
        if (t.storage() == null) {
            return;
        }
        long spanned = exact(t::storageBytesSpanned,
                "Tensor " + Quote.of(name) + " has a size or stride that overflows 64 bits.");
        long capacity = exact(t.storage()::nbytes,
                "Storage " + Quote.of(t.storage().key()) + " has a size that overflows 64 bits.");
        if (spanned > capacity) {
            throw new FormatException("Tensor " + Quote.of(name) + " reaches byte " + spanned + " of storage "
                    + Quote.of(t.storage().key()) + ", which holds " + capacity + " bytes.");
        }
    }

    /**
     * Two tensors are the same weight (tied) when they view the same storage the same way. Nothing from the file
     * is hashed: storages are told apart by identity (each key has one storage object) and a storage's views are
     * ordered by their numbers, so views crafted to share a hash code cost what any others do.
     */
    static final class TiedWeights {
        private static final Comparator<TorchTensor> VIEW_ORDER = Comparator
                .comparing(TorchTensor::dtype)
                .thenComparingLong(TorchTensor::storageOffset)
                .thenComparing(TorchTensor::size, Arrays::compare)
                .thenComparing(TorchTensor::stride, Arrays::compare);

        private final Map<TorchStorage, TreeMap<TorchTensor, String>> firstNames = new IdentityHashMap<>();

        /** The name of an earlier tensor that views the same bytes as {@code t}, else null (and {@code t} is kept). */
        String firstNameOf(TorchTensor t, String name) {
            if (t.storage() == null) {
                return null;
            }
            return firstNames.computeIfAbsent(t.storage(), s -> new TreeMap<>(VIEW_ORDER)).putIfAbsent(t, name);
        }
    }

    private static FormatException notTorch(byte[] head, long size) {
        if (size == 0) {
            return new FormatException("File is empty.");
        }
        if (head.length >= TAR_MAGIC_OFFSET + 5 && new String(head, TAR_MAGIC_OFFSET, 5, StandardCharsets.US_ASCII)
                .equals("ustar")) {
            return new FormatException("File is a tar archive: the legacy tar form of torch.save (PyTorch 0.1) is not "
                    + "supported.");
        }
        return new FormatException("File is neither a torch.save ZIP archive nor a legacy torch.save stream.");
    }

    /** The local header's name: u16 name length at +26, u16 extra length at +28, the name from +30. */
    private static boolean firstZipRecordIsTorch(byte[] head) {
        if (!startsWith(head, ZIP_MAGIC) || head.length < 30) {
            return false;
        }
        int nameLength = (head[26] & 0xff) | (head[27] & 0xff) << 8;
        if (head.length < 30 + nameLength) {
            return false;
        }
        String name = new String(head, 30, nameLength, StandardCharsets.UTF_8);
        return TORCH_FIRST_RECORD.matcher(name).matches();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
