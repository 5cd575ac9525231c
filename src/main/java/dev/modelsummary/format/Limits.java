package dev.modelsummary.format;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every bound a reader puts on what a file declares, in one place. A file over a bound is refused with a
 * {@link FormatException} that names the bound; nothing is allocated from an unchecked declared size.
 *
 * <p>The defaults fit every real file we know of, with room to spare. A user who meets one with a real file can
 * raise it for one run ({@code --limit tensors=50000000}): {@link #using} makes a set of limits current for the
 * reading done on this thread, and readers ask {@link #current()}.
 *
 * @param safetensorsHeaderBytes the safetensors reference implementation's {@code MAX_HEADER_SIZE}
 * @param tensors                tensors one source may list; the largest real checkpoints list about 100,000
 *                               (DeepSeek-V3), and a million costs a few hundred MB of heap
 * @param rank                   dimensions of one tensor
 * @param indexJsonBytes         an index JSON ({@code *.safetensors.index.json}) is metadata only; real ones are
 *                               well under 10 MB
 * @param zipEntries             ZIP records one archive may list; a torch.save file has one per storage
 * @param zipCentralDirectoryBytes the ZIP central directory is read entry by entry, never past this many bytes
 * @param pickleBytes            a torch.save {@code data.pkl}; real ones are kilobytes to a few megabytes
 * @param pickleValues           budget units one pickle may spend, each roughly 16 bytes of reader memory (a
 *                               push costs 1, a new dict 6, a dict entry 5, a joined name its length ...); a real state dict spends
 *                               about 100 per tensor
 * @param pickleDepth            nesting of tuples (at parse time) and of containers (when a reader walks them)
 * @param pickleIntBytes         bytes of one pickled integer (LONG4); real files never need more than 8
 * @param pickleKeptTextBytes    longer strings and byte strings are skipped, not kept: a header reader never
 *                               needs their text, and a checkpoint may pickle whole numpy arrays as bytes
 * @param pickleGlobalWarnings   unknown pickle globals named one by one in a model's warnings; the rest are
 *                               counted in one line
 * @param tensorNameChars        the longest tensor name a pickle may build from its nested keys; real names are a
 *                               few hundred characters at most
 * @param ggufMetadataKeys       GGUF metadata keys one file may declare; real files have a few dozen
 * @param ggufMetadataKeyBytes   bytes of all GGUF metadata keys together, kept for the uniqueness check; real
 *                               keys are short
 * @param npyHeaderChars         a {@code .npy} header dict; numpy's own {@code max_header_size} default
 * @param npyHeaderDepth         brackets nested in a {@code .npy} header; real ones nest two deep
 * @param tfjsJsonDepth          nesting of a TF.js {@code model.json}; real topologies nest a few dozen deep
 * @param tfjsStringChars        the longest string or key in a TF.js {@code model.json}
 * @param kerasConfigBytes       a {@code .keras} archive's {@code config.json} or {@code metadata.json}; real
 *                               ones are kilobytes to a few megabytes
 * @param hdf5GroupDepth         HDF5 group nesting walked (and config.json nesting searched for layers); Keras
 *                               nests a few levels per sublayer
 * @param hdf5Groups             HDF5 groups walked in one file (datasets are bounded by {@code tensors})
 * @param shardFiles             distinct files one manifest (shard index, TF.js model.json, GGUF split set) or
 *                               folder may make a reader open or measure besides itself; the largest real
 *                               checkpoints have a few hundred shards
 * @param remoteBytes            response body bytes one URL or {@code hf://} input may receive, all its files and
 *                               requests together; a header-only read of a real model takes a few megabytes
 * @param torchscriptCodeBytes   the code files ({@code code/__torch__/*.py}) of one TorchScript archive, together,
 *                               inflated; real archives hold kilobytes to a few megabytes of code
 * @param jsonStringBytes        the longest string or key (a tensor name) in a safetensors header or shard
 *                               index, in bytes: the parser holds one whole, several times over, so a header
 *                               within its 100 MB bound could otherwise hold one 100 MB name (500 MB to parse)
 * @param hdf5NodeRereads        tree nodes (B-tree, symbol-table, fractal-heap) the HDF5 reader may read again
 *                               at an address it has already read (one node shared along many paths); real
 *                               Keras files re-read a few dozen
 * @param hdf5RereadBytes        bytes the HDF5 reader may read again at addresses it has already read, on top
 *                               of four times the file's size (hard links to one large object header, many
 *                               attributes sharing one large heap); real files re-read about twice their
 *                               metadata
 */
public record Limits(long safetensorsHeaderBytes, int tensors, int rank, long indexJsonBytes, int zipEntries,
                     long zipCentralDirectoryBytes, long pickleBytes, long pickleValues, int pickleDepth,
                     int pickleIntBytes, int pickleKeptTextBytes, int pickleGlobalWarnings, int tensorNameChars,
                     long ggufMetadataKeys, long ggufMetadataKeyBytes, int npyHeaderChars, int npyHeaderDepth,
                     int tfjsJsonDepth, int tfjsStringChars, long kerasConfigBytes, int hdf5GroupDepth,
                     int hdf5Groups, int shardFiles, long remoteBytes, long torchscriptCodeBytes,
                     int jsonStringBytes, long hdf5NodeRereads, long hdf5RereadBytes) {

    /** The defaults. */
    public static final Limits DEFAULT = new Limits(100_000_000L, 1_000_000, 64, 100_000_000L, 2_000_000,
            512L * 1024 * 1024, 1L << 30, 10_000_000L, 1000, 1024, 1 << 20, 100, 4096,
            1_000_000L, 16L << 20, 10_000, 32, 200, 1 << 20, 64L << 20, 256, 1_000_000, 512,
            256L << 20, 64L << 20, 8 << 20, 10_000L, 64L << 20);

    private static final ThreadLocal<Limits> CURRENT = ThreadLocal.withInitial(() -> DEFAULT);

    /** The limits in force for the reading done on this thread. */
    public static Limits current() {
        return CURRENT.get();
    }

    /** Work that reads under a set of limits. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code work} with these limits current on this thread, then restores the previous ones. */
    public <T, E extends Exception> T using(Work<T, E> work) throws E {
        Limits previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.run();
        } finally {
            CURRENT.set(previous);
        }
    }

    /** Each limit by its option name ({@code tensors}, {@code pickle-values} ...), in declaration order. */
    public Map<String, Long> byName() {
        Map<String, Long> named = new LinkedHashMap<>();
        named.put("safetensors-header-bytes", safetensorsHeaderBytes);
        named.put("tensors", (long) tensors);
        named.put("rank", (long) rank);
        named.put("index-json-bytes", indexJsonBytes);
        named.put("zip-entries", (long) zipEntries);
        named.put("zip-central-directory-bytes", zipCentralDirectoryBytes);
        named.put("pickle-bytes", pickleBytes);
        named.put("pickle-values", pickleValues);
        named.put("pickle-depth", (long) pickleDepth);
        named.put("pickle-int-bytes", (long) pickleIntBytes);
        named.put("pickle-kept-text-bytes", (long) pickleKeptTextBytes);
        named.put("pickle-global-warnings", (long) pickleGlobalWarnings);
        named.put("tensor-name-chars", (long) tensorNameChars);
        named.put("gguf-metadata-keys", ggufMetadataKeys);
        named.put("gguf-metadata-key-bytes", ggufMetadataKeyBytes);
        named.put("npy-header-chars", (long) npyHeaderChars);
        named.put("npy-header-depth", (long) npyHeaderDepth);
        named.put("tfjs-json-depth", (long) tfjsJsonDepth);
        named.put("tfjs-string-chars", (long) tfjsStringChars);
        named.put("keras-config-bytes", kerasConfigBytes);
        named.put("hdf5-group-depth", (long) hdf5GroupDepth);
        named.put("hdf5-groups", (long) hdf5Groups);
        named.put("shard-files", (long) shardFiles);
        named.put("remote-bytes", remoteBytes);
        named.put("torchscript-code-bytes", torchscriptCodeBytes);
        named.put("json-string-bytes", (long) jsonStringBytes);
        named.put("hdf5-node-rereads", hdf5NodeRereads);
        named.put("hdf5-reread-bytes", hdf5RereadBytes);
        return named;
    }

    /**
     * These limits with one changed.
     *
     * @throws IllegalArgumentException for an unknown name, or a value below 1 or above what the limit can hold
     */
    public Limits with(String name, long value) {
        Map<String, Long> named = byName();
        if (!named.containsKey(name)) {
            throw new IllegalArgumentException("no limit '" + name + "'; the limits are "
                    + String.join(", ", named.keySet()));
        }
        if (value < 1) {
            throw new IllegalArgumentException("limit " + name + " must be at least 1");
        }
        named.put(name, value);
        return new Limits(named.get("safetensors-header-bytes"), toInt(named, "tensors"), toInt(named, "rank"),
                named.get("index-json-bytes"), toInt(named, "zip-entries"), named.get("zip-central-directory-bytes"),
                named.get("pickle-bytes"), named.get("pickle-values"), toInt(named, "pickle-depth"),
                toInt(named, "pickle-int-bytes"), toInt(named, "pickle-kept-text-bytes"),
                toInt(named, "pickle-global-warnings"), toInt(named, "tensor-name-chars"),
                named.get("gguf-metadata-keys"), named.get("gguf-metadata-key-bytes"),
                toInt(named, "npy-header-chars"), toInt(named, "npy-header-depth"), toInt(named, "tfjs-json-depth"),
                toInt(named, "tfjs-string-chars"), named.get("keras-config-bytes"), toInt(named, "hdf5-group-depth"),
                toInt(named, "hdf5-groups"), toInt(named, "shard-files"), named.get("remote-bytes"),
                named.get("torchscript-code-bytes"), toInt(named, "json-string-bytes"),
                named.get("hdf5-node-rereads"), named.get("hdf5-reread-bytes"));
    }

    private static int toInt(Map<String, Long> named, String name) {
        long value = named.get(name);
        // Arrays and collections are indexed by int; a few of these also size stacks and buffers.
        if (value > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("limit " + name + " can be at most " + (Integer.MAX_VALUE - 8));
        }
        return (int) value;
    }
}
