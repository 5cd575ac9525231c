package dev.modelsummary.format.pytorch;

import dev.modelsummary.model.DType;

/**
 * A storage a persistent id names: {@code ('storage', <storage class>, key, location, numel)}.
 *
 * @param key      the record name suffix: the storage's bytes are the record {@code data/<key>}
 * @param dtype    the typed storage class's dtype, or null for {@code UntypedStorage} (numel counts bytes)
 * @param numel    elements of {@code dtype} (bytes when untyped)
 * @param location {@code cpu}, {@code cuda:0}, ... (not used for metadata)
 */
public record TorchStorage(String key, DType dtype, long numel, String location) {

    /** Bytes per storage element: the dtype's, 1 for untyped storages. */
    public long elementBytes() {
        return dtype == null ? 1 : dtype.bytesFor(1);
    }

    /** @throws ArithmeticException when {@code numel * elementBytes} does not fit a long */
    public long nbytes() {
        return Math.multiplyExact(numel, elementBytes());
    }
}
