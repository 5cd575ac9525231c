package dev.modelsummary.format;

import dev.modelsummary.text.Quote;
import dev.modelsummary.text.Spelling;
import java.util.ArrayList;
import java.util.List;

/**
 * One bound a reader puts on what a file declares, declared once: its {@code --limit} name, its default, what it
 * counts, whether it must fit an {@code int}, and the line {@code --help-limits} prints for it. {@link Limits}
 * holds a value for each; {@code --limit} parsing, {@code --help-limits} and the refusals' "raise with" advice are
 * all derived from these declarations, so adding a limit is one entry here and its check in a reader.
 *
 * <p>The defaults fit every real file we know of, with room to spare; the comment on each says what a real file
 * needs. Users' scripts spell these names and rely on these defaults: change neither.
 */
public enum Limit {
    /** The safetensors reference implementation's {@code MAX_HEADER_SIZE}. */
    SAFETENSORS_HEADER_BYTES("safetensors-header-bytes", 100_000_000L, Unit.BYTES, Width.LONG,
            "a safetensors header (the reference implementation's own bound)"),
    /** The largest real checkpoints list about 100,000 (DeepSeek-V3); a million costs a few hundred MB of heap. */
    TENSORS("tensors", 1_000_000, Unit.COUNT, Width.INT,
            "tensors (or arrays, datasets, pickle members) one source may list"),
    RANK("rank", 64, Unit.COUNT, Width.INT,
            "dimensions of one tensor"),
    /** An index JSON ({@code *.safetensors.index.json}) is metadata only; real ones are well under 10 MB. */
    INDEX_JSON_BYTES("index-json-bytes", 100_000_000L, Unit.BYTES, Width.LONG,
            "a shard index, TF.js model.json or .pt2 JSON member"),
    /** A torch.save file has one record per storage. */
    ZIP_ENTRIES("zip-entries", 2_000_000, Unit.COUNT, Width.INT,
            "records one ZIP archive may list"),
    /** The central directory is read entry by entry, never past this many bytes. */
    ZIP_CENTRAL_DIRECTORY_BYTES("zip-central-directory-bytes", 512L * 1024 * 1024, Unit.BYTES, Width.LONG,
            "a ZIP archive's central directory"),
    /** A torch.save {@code data.pkl}; real ones are kilobytes to a few megabytes. */
    PICKLE_BYTES("pickle-bytes", 1L << 30, Unit.BYTES, Width.LONG,
            "one pickle (a torch.save data.pkl, a .metadata, a .npy of objects)"),
    /**
     * Budget units one pickle may spend, each roughly 16 bytes of reader memory (a push costs 1, a new dict 6, a
     * dict entry 5, a joined name its length ...); a real state dict spends about 100 per tensor.
     */
    PICKLE_VALUES("pickle-values", 10_000_000L, Unit.COUNT, Width.LONG,
            "budget one pickle may spend on values (a real state dict: ~100 a tensor)"),
    /** Nesting of tuples (at parse time) and of containers (when a reader walks them). */
    PICKLE_DEPTH("pickle-depth", 1000, Unit.COUNT, Width.INT,
            "nesting of a pickle's tuples and containers"),
    /** LONG4; real files never need more than 8. */
    PICKLE_INT_BYTES("pickle-int-bytes", 1024, Unit.BYTES, Width.INT,
            "one pickled integer"),
    /**
     * Longer strings and byte strings are skipped, not kept: a header reader never needs their text, and a
     * checkpoint may pickle whole numpy arrays as bytes.
     */
    PICKLE_KEPT_TEXT_BYTES("pickle-kept-text-bytes", 1 << 20, Unit.BYTES, Width.INT,
            "the longest pickled string kept (longer ones are skipped, not refused)"),
    /** The rest are counted in one line. */
    PICKLE_GLOBAL_WARNINGS("pickle-global-warnings", 100, Unit.COUNT, Width.INT,
            "unknown pickle globals named one by one in the warnings"),
    /** Built from a pickle's nested keys, or read; real names are a few hundred characters at most. */
    TENSOR_NAME_CHARS("tensor-name-chars", 4096, Unit.COUNT, Width.INT,
            "the longest tensor name"),
    /** Real files have a few dozen. */
    GGUF_METADATA_KEYS("gguf-metadata-keys", 1_000_000L, Unit.COUNT, Width.LONG,
            "metadata keys one GGUF file may declare"),
    /** Kept for the uniqueness check; real keys are short. */
    GGUF_METADATA_KEY_BYTES("gguf-metadata-key-bytes", 16L << 20, Unit.BYTES, Width.LONG,
            "all of a GGUF file's metadata keys together"),
    /** numpy's own {@code max_header_size} default. */
    NPY_HEADER_CHARS("npy-header-chars", 10_000, Unit.COUNT, Width.INT,
            "a .npy header dict (numpy's own default)"),
    /** Real ones nest two deep. */
    NPY_HEADER_DEPTH("npy-header-depth", 32, Unit.COUNT, Width.INT,
            "brackets nested in a .npy header"),
    /** Real topologies nest a few dozen deep. */
    TFJS_JSON_DEPTH("tfjs-json-depth", 200, Unit.COUNT, Width.INT,
            "nesting of a TF.js model.json"),
    TFJS_STRING_CHARS("tfjs-string-chars", 1 << 20, Unit.COUNT, Width.INT,
            "the longest string or key in a TF.js model.json"),
    /** Real ones are kilobytes to a few megabytes. */
    KERAS_CONFIG_BYTES("keras-config-bytes", 64L << 20, Unit.BYTES, Width.LONG,
            "a Keras config.json, metadata.json or model_config"),
    /** Keras nests a few levels per sublayer. */
    HDF5_GROUP_DEPTH("hdf5-group-depth", 256, Unit.COUNT, Width.INT,
            "HDF5 group nesting walked (and Keras config nesting searched)"),
    /** Datasets are bounded by {@link #TENSORS}. */
    HDF5_GROUPS("hdf5-groups", 1_000_000, Unit.COUNT, Width.INT,
            "HDF5 groups walked in one file"),
    /**
     * Files one manifest (shard index, TF.js model.json, GGUF split set) or folder may make a reader open or
     * measure besides itself; the largest real checkpoints have a few hundred shards.
     */
    SHARD_FILES("shard-files", 512, Unit.COUNT, Width.INT,
            "files one manifest or folder may make a reader open besides itself"),
    /**
     * All of one URL's or {@code hf://} input's files and requests together; a header-only read of a real model
     * takes a few megabytes.
     */
    REMOTE_BYTES("remote-bytes", 256L << 20, Unit.BYTES, Width.LONG,
            "response bodies one URL or hf:// input may receive"),
    /** The code files ({@code code/__torch__/*.py}), inflated; real archives hold kilobytes to a few megabytes. */
    TORCHSCRIPT_CODE_BYTES("torchscript-code-bytes", 64L << 20, Unit.BYTES, Width.LONG,
            "a TorchScript archive's code files together"),
    /**
     * In a safetensors header or shard index: the parser holds one whole, several times over, so a header within
     * its 100 MB bound could otherwise hold one 100 MB name (500 MB to parse).
     */
    JSON_STRING_BYTES("json-string-bytes", 8 << 20, Unit.BYTES, Width.INT,
            "the longest string or key in a safetensors header or shard index"),
    /**
     * Tree nodes (B-tree, symbol-table, fractal-heap) read again at an address already read (one node shared
     * along many paths); real Keras files re-read a few dozen.
     */
    HDF5_NODE_REREADS("hdf5-node-rereads", 10_000L, Unit.COUNT, Width.LONG,
            "HDF5 tree nodes the reader may read again"),
    /**
     * On top of four times the file's size (hard links to one large object header, many attributes sharing one
     * large heap); real files re-read about twice their metadata.
     */
    HDF5_REREAD_BYTES("hdf5-reread-bytes", 64L << 20, Unit.BYTES, Width.LONG,
            "HDF5 bytes read again, beyond four times the file's size");

    /** What a limit counts: {@code --help-limits} shows bytes in binary units too. */
    public enum Unit {
        BYTES, COUNT
    }

    /** The Java type a reader holds the value in, which sets the largest value {@code --limit} accepts. */
    public enum Width {
        /** Arrays and collections are indexed by int; a few of these also size stacks and buffers. */
        INT(Integer.MAX_VALUE - 8),
        LONG(Long.MAX_VALUE);

        private final long max;

        Width(long max) {
            this.max = max;
        }
    }

    private final String optionName;
    private final long defaultValue;
    private final Unit unit;
    private final Width width;
    private final String help;

    Limit(String optionName, long defaultValue, Unit unit, Width width, String help) {
        this.optionName = optionName;
        this.defaultValue = defaultValue;
        this.unit = unit;
        this.width = width;
        this.help = help;
    }

    /** The name {@code --limit NAME=N} spells: {@code tensors}, {@code pickle-values} ... */
    public String optionName() {
        return optionName;
    }

    public long defaultValue() {
        return defaultValue;
    }

    public Unit unit() {
        return unit;
    }

    public Width width() {
        return width;
    }

    /** One line for {@code --help-limits}: what the limit bounds. */
    public String help() {
        return help;
    }

    /** The largest value this limit takes. */
    public long max() {
        return width.max;
    }

    /** The advice a refusal at this limit ends with: {@code raise with --limit tensors=N}. */
    public String raise() {
        return "raise with --limit " + optionName + "=N";
    }

    /**
     * The limit {@code --limit} calls {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, suggesting the nearest one when it is a likely typo
     */
    public static Limit named(String name) {
        List<String> names = new ArrayList<>();
        for (Limit limit : values()) {
            if (limit.optionName.equals(name)) {
                return limit;
            }
            names.add(limit.optionName);
        }
        String nearest = names.stream().filter(known -> known.equalsIgnoreCase(name)).findFirst()
                .orElseGet(() -> Spelling.nearest(name, names));
        throw new IllegalArgumentException("no limit " + Quote.of(name) + (nearest != null
                ? "; did you mean " + Quote.of(nearest) + "? (model-summary --help-limits lists them)"
                : "; the limits are " + String.join(", ", names)));
    }

    /**
     * {@code text} as a value of this limit.
     *
     * @throws IllegalArgumentException for text that is not a whole number, or a value below 1 or above {@link #max}
     */
    public long parse(String text) {
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit " + optionName + " takes a whole number, not " + Quote.of(text));
        }
        check(value);
        return value;
    }

    /** @throws IllegalArgumentException for a value below 1 or above {@link #max} */
    void check(long value) {
        if (value < 1) {
            throw new IllegalArgumentException("limit " + optionName + " must be at least 1");
        }
        if (value > max()) {
            throw new IllegalArgumentException("limit " + optionName + " can be at most " + max());
        }
    }
}
