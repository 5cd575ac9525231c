package dev.modelsummary.catalog;

/**
 * A builder keyword argument that the builder does not take, of the wrong type, or with a value the real
 * builder refuses. The message is one sentence in torchvision's words where it has them.
 */
public class ArgumentException extends IllegalArgumentException {
    public ArgumentException(String message) {
        super(message);
    }
}
