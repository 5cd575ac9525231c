package dev.modelsummary.compute;

/** An input torch refuses, with torch's own message ({@code Output size is too small}, ...). */
public final class ShapeException extends ComputeException {

    public ShapeException(String message) {
        this(null, message);
    }

    private ShapeException(String path, String message) {
        super(path, message);
    }

    @Override
    public ShapeException at(String path) {
        return path() != null ? this : new ShapeException(path, getMessage());
    }
}
