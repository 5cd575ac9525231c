package dev.modelsummary.cli;

/** A failure the CLI reports as one line with a given exit code. The message is complete and user-facing. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    int exitCode() {
        return exitCode;
    }
}
