package dev.modelsummary.format.tfjs;

import dev.modelsummary.model.DType;
import java.util.Optional;

/**
 * The dtype strings of a TF.js weights manifest ({@code tfjs-core/src/io/types.ts}), each with the bytes one
 * element takes in a shard ({@code DTYPE_VALUE_SIZE_MAP} in {@code io_utils.ts}):
 *
 * <pre>
 * entry dtype        float32 4, int32 4, bool 1, complex64 8     ('string' has no fixed size: refused)
 * quantization dtype uint8 1, uint16 2, float16 2                 (the bytes stored for a quantized entry)
 * </pre>
 */
enum TfjsDType {
    FLOAT32("float32", DType.FLOAT32, false),
    INT32("int32", DType.INT32, false),
    BOOL("bool", DType.BOOL, false),
    COMPLEX64("complex64", DType.COMPLEX64, false),
    UINT8("uint8", DType.UINT8, true),
    UINT16("uint16", DType.UINT16, true),
    FLOAT16("float16", DType.FLOAT16, true);

    private final String name;
    private final DType dtype;
    private final boolean quantization;

    TfjsDType(String name, DType dtype, boolean quantization) {
        this.name = name;
        this.dtype = dtype;
        this.quantization = quantization;
    }

    String manifestName() {
        return name;
    }

    DType dtype() {
        return dtype;
    }

    /** Bytes one element takes in a shard. */
    int elementBytes() {
        return dtype.blockBytes();
    }

    /** An entry's own dtype ({@code quantization} false) or a quantization's dtype ({@code quantization} true). */
    static Optional<TfjsDType> of(String name, boolean quantization) {
        for (TfjsDType t : values()) {
            if (t.quantization == quantization && t.name.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    static String names(boolean quantization) {
        StringBuilder out = new StringBuilder();
        for (TfjsDType t : values()) {
            if (t.quantization == quantization) {
                out.append(out.length() == 0 ? "" : ", ").append(t.name);
            }
        }
        return out.toString();
    }
}
