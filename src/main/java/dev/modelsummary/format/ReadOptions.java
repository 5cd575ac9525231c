package dev.modelsummary.format;

/**
 * What the user asked of a read besides the path. An explicit value passed down
 * ({@link WeightReaders#read(java.nio.file.Path, ReadOptions)} to
 * {@link WeightReader#read(java.nio.file.Path, ChannelOpener, ReadOptions)}) rather than a ThreadLocal like
 * {@link Limits}: limits bound every reader (and the readers a reader calls) alike, but an option belongs to one
 * read of one file, and a reader that has no use for it must see it to refuse it, which a thread-wide setting
 * would let it silently ignore.
 *
 * @param key the entry of a PyTorch checkpoint to read as the model ({@code --key}, a dotted path), or null to
 *            let the reader find the model's weights itself
 */
public record ReadOptions(String key) {
    /** No options: every reader reads as it would by default. */
    public static final ReadOptions NONE = new ReadOptions(null);

    /**
     * @param what the file as the message names it: {@code "a safetensors file"}
     * @throws UnsupportedOptionException when an option is set that a reader of {@code what} has no use for
     */
    public void refuseAllFor(String what) {
        if (key != null) {
            throw new UnsupportedOptionException("--key applies to PyTorch checkpoint files (.pth, .pt, .bin, "
                    + ".ckpt); " + what + " has no entries to choose from.");
        }
    }
}
