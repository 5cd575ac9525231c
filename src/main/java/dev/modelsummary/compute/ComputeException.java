package dev.modelsummary.compute;

/**
 * Why a shape-only forward pass stopped: torch would refuse the input ({@link ShapeException}), or a count does
 * not fit a {@code long} ({@link ComputeOverflowException}). Both name the module whose call failed, as a
 * path ({@code layer4.0.conv1}; empty for the root), once it is known.
 */
public abstract class ComputeException extends RuntimeException {
    private final String path;

    protected ComputeException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** The failing module's path, or null while the error has not yet left the op that raised it. */
    public final String path() {
        return path;
    }

    /** This error attributed to the module at {@code path}; one that already names a module keeps it. */
    public abstract ComputeException at(String path);
}
