package dev.modelsummary.remote;

import java.io.IOException;

/** A remote read that failed; the message names the URL (never a token) and what failed. */
public class RemoteIOException extends IOException {
    private final int status;

    public RemoteIOException(String message) {
        this(message, 0, null);
    }

    public RemoteIOException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status that failed, or 0 when no answer came. */
    public int status() {
        return status;
    }

    public boolean notFound() {
        return status == 404;
    }
}
