package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.TensorData;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ZIP form of torch.save (torch ≥ 1.6, formats.md 2.2): every record under one folder
 * ({@code <archive>/data.pkl}, {@code <archive>/data/<key>}, {@code <archive>/version}, ...). Only the central
 * directory and {@code data.pkl} are read; a storage's record is only looked up in the directory. A TorchScript
 * archive (one with {@code constants.pkl}) goes on to {@link TorchScriptArchive}.
 */
final class TorchZip {
    private final ZipDirectory directory;
    private final String prefix;
    private final Map<String, TorchStorage> storages = new HashMap<>();

    private TorchZip(ZipDirectory directory, String prefix) {
        this.directory = directory;
        this.prefix = prefix;
    }

    static Unpickled read(SeekableByteChannel channel) throws IOException {
        ZipDirectory directory = ZipDirectory.read(channel);
        if (directory.entries().isEmpty()) {
            throw new FormatException("ZIP archive is empty, so it is not a torch.save file.");
        }
        // The reader takes the archive folder from the FIRST central-directory record, as torch's does.
        String first = directory.entries().get(0).name();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            throw new FormatException("ZIP archive's first record " + Quote.of(first)
                    + " is not inside a folder, so it is not a torch.save file.");
        }
        String prefix = first.substring(0, slash + 1);
        boolean script = directory.find(prefix + "constants.pkl").isPresent(); // torch.jit.save
        ZipDirectory.Entry pickle = directory.find(prefix + "data.pkl").orElseThrow(() -> new FormatException(
                "ZIP archive has no record " + Quote.of(prefix + "data.pkl") + ", so it is not a torch.save file."));
        if (pickle.size() > Limits.current().get(Limit.PICKLE_BYTES)) {
            throw new FormatException("Data.pkl is " + pickle.size() + " bytes, over the limit of "
                    + Limits.current().get(Limit.PICKLE_BYTES) + " (" + Limit.PICKLE_BYTES.raise() + ").");
        }
        TorchZip zip = new TorchZip(directory, prefix);
        try (InputStream in = directory.open(channel, pickle)) {
            Unpickler unpickler = new Unpickler(new PickleInput(in, pickle.size()),
                    script ? TorchScriptArchive.ALLOWLIST : TorchGlobals.ALLOWLIST, zip::storage);
            Object root = unpickler.load();
            // data.pkl's extent is its ZIP record: bytes after its STOP are never read by torch.load
            PickleScanBuilder scan = new PickleScanBuilder(
                    script ? TorchPickleSafety.TORCHSCRIPT : TorchPickleSafety.STANDARD)
                    .add(unpickler, pickle.name(), pickle.size());
            if (script) {
                root = TorchScriptArchive.list(channel, directory, prefix, root, unpickler.spent(), scan);
            }
            List<String> others = ArchivePickles.scanOthers(channel, directory, Set.of(pickle.name(), prefix + "constants.pkl"),
                    script ? TorchScriptArchive.ALLOWLIST : TorchGlobals.ALLOWLIST, scan);
            List<String> warnings = new ArrayList<>(withLeftOut(unpickler.warnings(scan::isAllowed), scan));
            warnings.addAll(others);
            return new Unpickled(root, List.copyOf(warnings), unpickler.spent(), scan.build());
        }
    }

    /** The unpickler's warnings and, when the scan left globals out, a line saying how many. */
    static List<String> withLeftOut(List<String> warnings, PickleScanBuilder scan) {
        String leftOut = scan.leftOutWarning();
        if (leftOut == null) {
            return warnings;
        }
        List<String> all = new ArrayList<>(warnings);
        all.add(leftOut);
        return all;
    }

    /**
     * BINPERSID: {@code ('storage', <storage class>, key, location, numel)}. The storage's bytes must be the
     * record {@code data/<key>}, at least {@code numel * element size} long. The first id for a key defines it,
     * as in torch's {@code loaded_storages}.
     */
    private TorchStorage storage(Object pid) {
        if (!(pid instanceof PyTuple id) || id.size() != 5 || !"storage".equals(id.get(0))
                || !(id.get(2) instanceof String key) || !(id.get(3) instanceof String location)
                || !(id.get(4) instanceof Long numel) || numel < 0) {
            throw new FormatException("Pickle has a persistent id that is not a ('storage', type, key, location, "
                    + "numel) tuple.");
        }
        TorchStorage known = storages.get(key);
        if (known != null) {
            return known;
        }
        String recordName = prefix + "data/" + key;
        ZipDirectory.Entry record = directory.find(recordName).orElseThrow(() -> new FormatException(
                "Storage " + Quote.of(key) + " has no record " + Quote.of(recordName) + " in the archive."));
        TorchStorage storage = TorchGlobals.storageOf(id.get(1), key, numel, location, record.size());
        if (!storage.known()) {
            storages.put(key, storage); // its element size is unknown: its record's size is all there is to say
            return storage;
        }
        long nbytes = TorchReader.exact(storage::nbytes,
                "Storage " + Quote.of(key) + " has a size that overflows 64 bits.");
        if (nbytes > record.size()) {
            throw new FormatException("Storage " + Quote.of(key) + " needs " + nbytes + " bytes (" + numel + " x "
                    + storage.elementBytes() + ") but its record holds " + record.size() + ".");
        }
        storages.put(key, storage);
        TensorData.noteStorage(storage, directory, record);
        return storage;
    }
}
