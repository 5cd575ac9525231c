package dev.modelsummary.format;

/**
 * {@code --key} names no entry of the checkpoint: the command line's mistake, not the file's, so the command
 * reports it as a usage error (exit 2), where any other {@link FormatException} is the input's (exit 3).
 */
public final class KeyNotFoundException extends FormatException {
    public KeyNotFoundException(String message) {
        super(message);
    }
}
