package dev.modelsummary.format.safetensors;

import dev.modelsummary.model.DType;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code dtype} strings of a safetensors header, in the reference enum's declared order (which is also
 * the order its writer sorts by: highest first), with the bits one element takes.
 *
 * <p>Names are case-sensitive: the reference deserializes them with serde, which matches exactly.
 */
enum SafetensorsDType {
    BOOL(8, DType.BOOL),
    F4(4, DType.FLOAT4_E2M1),
    F6_E2M3(6, DType.FLOAT6_E2M3),
    F6_E3M2(6, DType.FLOAT6_E3M2),
    U8(8, DType.UINT8),
    I8(8, DType.INT8),
    F8_E5M2(8, DType.FLOAT8_E5M2),
    F8_E4M3(8, DType.FLOAT8_E4M3FN),
    F8_E8M0(8, DType.FLOAT8_E8M0FNU),
    F8_E4M3FNUZ(8, DType.FLOAT8_E4M3FNUZ),
    F8_E5M2FNUZ(8, DType.FLOAT8_E5M2FNUZ),
    I16(16, DType.INT16),
    U16(16, DType.UINT16),
    F16(16, DType.FLOAT16),
    BF16(16, DType.BFLOAT16),
    I32(32, DType.INT32),
    U32(32, DType.UINT32),
    F32(32, DType.FLOAT32),
    C64(64, DType.COMPLEX64),
    F64(64, DType.FLOAT64),
    I64(64, DType.INT64),
    U64(64, DType.UINT64);

    private static final Map<String, SafetensorsDType> BY_NAME =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

    private final int bits;
    private final DType dtype;

    SafetensorsDType(int bits, DType dtype) {
        this.bits = bits;
        this.dtype = dtype;
    }

    /** Bits per element: the reference sizes a tensor as {@code numel * bits / 8} and requires whole bytes. */
    int bits() {
        return bits;
    }

    /** The PyTorch-named type the rest of the tool reports. */
    DType dtype() {
        return dtype;
    }

    static Optional<SafetensorsDType> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
