package dev.modelsummary.remote;

/** A malformed {@code hf://} reference: the user's typing, so the command reports it as a usage error. */
public class RemoteReferenceException extends IllegalArgumentException {
    public RemoteReferenceException(String message) {
        super(message);
    }
}
