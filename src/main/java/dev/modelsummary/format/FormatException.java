package dev.modelsummary.format;

/**
 * A file that cannot be read as the format it claims to be: truncated, corrupt, unsupported or over a limit.
 *
 * <p>The message is one sentence about the problem (with the bad value in quotes where there is one) and
 * never names the file: the CLI adds the path at the edge, so every reader's messages read alike.
 */
public class FormatException extends RuntimeException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
