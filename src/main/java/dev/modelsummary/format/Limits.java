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

    private Limits() {
    }
}
