package dev.modelsummary.format;

import dev.modelsummary.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads one weight format's headers into a {@link Model}. Implementations read only what names, shapes and
 * dtypes need, never tensor data, and execute nothing from the file.
 */
public interface WeightReader {

    /** The format's name, as {@code Model.format()} and JSON output report it: {@code safetensors}, {@code pytorch}. */
    String format();

    /**
     * Whether the file's first bytes are this format's. {@code head} holds the first
     * {@link WeightReaders#HEAD_BYTES} bytes, fewer when the file is shorter; {@code fileSize} is the whole size.
     */
    boolean sniff(byte[] head, long fileSize);

    /** File-name endings (lower case, with the dot) this reader claims when no reader recognises the bytes. */
    List<String> extensions();

    /** Whether this reader reads the directory as one model (a folder of shards). */
    default boolean readsDirectory(Path directory) {
        return false;
    }

    /**
     * @throws FormatException when the file is not a valid instance of the format
     * @throws IOException     when the file cannot be read at all
     */
    Model read(Path path, ChannelOpener opener) throws IOException;

    /**
     * Reads with options. A reader that has no use for an option refuses it; only readers that take one
     * override this.
     *
     * @throws UnsupportedOptionException when {@code options} sets something this reader has no use for
     */
    default Model read(Path path, ChannelOpener opener, ReadOptions options) throws IOException {
        options.refuseAllFor("a " + format() + " file");
        return read(path, opener);
    }
}
