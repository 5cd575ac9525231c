package dev.modelsummary.compute;

/** A shape, FLOP or activation count past {@code 2^63-1}. */
public final class ComputeOverflowException extends ComputeException {

    public ComputeOverflowException(String message) {
        this(null, message);
    }

    private ComputeOverflowException(String path, String message) {
        super(path, message);
    }

    @Override
    public ComputeOverflowException at(String path) {
        return path() != null ? this : new ComputeOverflowException(path, getMessage());
    }
}
