package dev.modelsummary.format.pytorch;

import dev.modelsummary.model.DType;

/**
 * A storage a persistent id names: {@code ('storage', <storage class>, key, location, numel)}.
 *
 * @param key         the record name suffix: the storage's bytes are the record {@code data/<key>}
 * @param dtype       the typed storage class's dtype, or null for {@code UntypedStorage} (numel counts bytes) and
 *                    for a storage class this tool does not know
 * @param numel       elements of {@code dtype} (bytes when untyped)
 * @param location    {@code cpu}, {@code cuda:0}, ... (not used for metadata)
 * @param unknownType the storage class's name when it is a {@code torch.<Name>Storage} this tool does not know
 *                    (its element size is unknown), else null
 * @param recordBytes the bytes its ZIP record holds, or -1 (legacy streams, or not looked up)
 */
public record TorchStorage(String key, DType dtype, long numel, String location, String unknownType,
                           long recordBytes) {

    public TorchStorage(String key, DType dtype, long numel, String location) {
        this(key, dtype, numel, location, null, -1);
    }

    /** Bytes per storage element: the dtype's, 1 for untyped storages. */
    public long elementBytes() {
        return dtype == null ? 1 : dtype.bytesFor(1);
    }

    /** Whether the element size is known: false for a storage class this tool does not know. */
    public boolean known() {
        return unknownType == null;
    }

    /** @throws ArithmeticException when {@code numel * elementBytes} does not fit a long */
    public long nbytes() {
        return Math.multiplyExact(numel, elementBytes());
    }
}
