package dev.modelsummary.format;

/**
 * A read option given for a source that has no use for it ({@code --key} with a safetensors file): the user's
 * mistake, not the file's, so the command reports it as a usage error.
 */
public class UnsupportedOptionException extends RuntimeException {
    public UnsupportedOptionException(String message) {
        super(message);
    }
}
