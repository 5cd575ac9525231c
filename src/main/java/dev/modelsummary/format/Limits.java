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


    private Limits() {
    }
}
