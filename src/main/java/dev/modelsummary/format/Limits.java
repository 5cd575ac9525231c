package dev.modelsummary.format;

/**
 * Every bound a reader puts on what a file declares, in one place. A file over a bound is refused with a
 * {@link FormatException} that names the bound; nothing is allocated from an unchecked declared size.
 */
public final class Limits {
    /** The safetensors reference implementation's {@code MAX_HEADER_SIZE}. */
    public static final long SAFETENSORS_MAX_HEADER_BYTES = 100_000_000L;
    /** Tensors one source may list. */
    public static final int MAX_TENSORS = 10_000_000;
    /** Dimensions of one tensor. */
    public static final int MAX_RANK = 64;
    /** An index JSON ({@code *.safetensors.index.json}) is metadata only; real ones are well under 10 MB. */
    public static final long MAX_INDEX_JSON_BYTES = 100_000_000L;

    /** ZIP records one archive may list; a torch.save file has one per storage (thousands for big models). */
    public static final int ZIP_MAX_ENTRIES = 2_000_000;
    /** The ZIP central directory is read whole-entry by whole-entry, never past this many bytes. */
    public static final long ZIP_MAX_CENTRAL_DIRECTORY_BYTES = 512L * 1024 * 1024;

    /** A torch.save {@code data.pkl}; real ones are kilobytes to a few megabytes (about 190 bytes per tensor). */
    public static final long PICKLE_MAX_BYTES = 1L << 30;
    /**
     * Budget units one pickle may spend, each roughly 16 bytes of reader memory (a push costs 1, a new dict 6,
     * a dict entry 3, ...). This bounds memory whatever the file says, to a few hundred MB at worst; a real
     * state dict spends about 100 per tensor, 1,000,000 for 10,000 tensors.
     */
    public static final long PICKLE_MAX_VALUES = 10_000_000L;
    /** Nesting of tuples (at parse time) and of containers (when a reader walks the result). */
    public static final int PICKLE_MAX_DEPTH = 1000;
    /** Bytes of one pickled integer (LONG4); real files never need more than 8. */
    public static final int PICKLE_MAX_INT_BYTES = 1024;
    /**
     * Longer strings and byte strings are skipped, not kept: a header reader never needs their text, and a
     * checkpoint may pickle whole numpy arrays as bytes.
     */
    public static final int PICKLE_MAX_KEPT_TEXT_BYTES = 1 << 20;
    /** Unknown pickle globals named one by one in a model's warnings; the rest are counted in one line. */
    public static final int PICKLE_MAX_GLOBAL_WARNINGS = 100;

    private Limits() {
    }
}
