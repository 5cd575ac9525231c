package dev.modelsummary.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One tensor of a model: what a header says about it, never its data.
 *
 * @param name      the dotted name in the source's own spelling ({@code encoder.layers.encoder_layer_0.ln_1.weight})
 * @param shape     the declared shape
 * @param dtype     the element type
 * @param role      parameter or buffer
 * @param trainable {@code requires_grad} for parameters; always false for buffers
 * @param aliasOf   the name of an earlier entry whose storage this one shares exactly (tied weights), or null
 */
public record TensorEntry(String name, Shape shape, DType dtype, Role role, boolean trainable, String aliasOf) {

    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(role, "role");
        if (role == Role.BUFFER) {
            trainable = false;
        }
    }

    public static TensorEntry parameter(String name, Shape shape, DType dtype, boolean trainable) {
        return new TensorEntry(name, shape, dtype, Role.PARAMETER, trainable, null);
    }

    public static TensorEntry buffer(String name, Shape shape, DType dtype) {
        return new TensorEntry(name, shape, dtype, Role.BUFFER, false, null);
    }

    public TensorEntry withAliasOf(String original) {
        return new TensorEntry(name, shape, dtype, role, trainable, original);
    }

    public TensorEntry withRole(Role newRole, boolean newTrainable) {
        return new TensorEntry(name, shape, dtype, newRole, newTrainable, aliasOf);
    }

    public TensorEntry withName(String newName) {
        return new TensorEntry(newName, shape, dtype, role, trainable, aliasOf);
    }

    public Optional<String> alias() {
        return Optional.ofNullable(aliasOf);
    }

    public boolean isParameter() {
        return role == Role.PARAMETER;
    }

    public long numel() {
        return shape.numel();
    }

    public long bytes() {
        return dtype.bytesFor(shape);
    }

    public Form form() {
        return Form.of(shape);
    }
}
