package dev.modelsummary.format;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How readers open files. Readers never call {@code Files} directly, so a test can hand them a channel that
 * counts the bytes they read and prove that no tensor data is touched.
 */
@FunctionalInterface
public interface ChannelOpener {
    ChannelOpener FILES = Files::newByteChannel;

    SeekableByteChannel open(Path path) throws IOException;
}
