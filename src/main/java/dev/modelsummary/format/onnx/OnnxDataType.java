package dev.modelsummary.format.onnx;

import dev.modelsummary.model.DType;
import java.util.Optional;

/**
 * ONNX's {@code TensorProto.DataType} (onnx/onnx.proto), each with the DType that sizes it. Storage in
 * {@code raw_data} and external files: fixed-width little-endian; sub-byte types (4, 2 and 6 bits) packed as one
 * bit stream, first element in the low bits, {@code ceil(numel * bits / 8)} bytes, which {@link DType#bytesFor}
 * gives. STRING has no DType: its
 * elements are length-prefixed strings whose total size no header states.
 */
enum OnnxDataType {
    UNDEFINED(0, null),
    FLOAT(1, DType.FLOAT32),
    UINT8(2, DType.UINT8),
    INT8(3, DType.INT8),
    UINT16(4, DType.UINT16),
    INT16(5, DType.INT16),
    INT32(6, DType.INT32),
    INT64(7, DType.INT64),
    STRING(8, null),
    BOOL(9, DType.BOOL),
    FLOAT16(10, DType.FLOAT16),
    DOUBLE(11, DType.FLOAT64),
    UINT32(12, DType.UINT32),
    UINT64(13, DType.UINT64),
    COMPLEX64(14, DType.COMPLEX64),
    COMPLEX128(15, DType.COMPLEX128),
    BFLOAT16(16, DType.BFLOAT16),
    FLOAT8E4M3FN(17, DType.FLOAT8_E4M3FN),
    FLOAT8E4M3FNUZ(18, DType.FLOAT8_E4M3FNUZ),
    FLOAT8E5M2(19, DType.FLOAT8_E5M2),
    FLOAT8E5M2FNUZ(20, DType.FLOAT8_E5M2FNUZ),
    UINT4(21, DType.UINT4),
    INT4(22, DType.INT4),
    FLOAT4E2M1(23, DType.FLOAT4_E2M1),
    FLOAT8E8M0(24, DType.FLOAT8_E8M0FNU),
    UINT2(25, DType.UINT2),
    INT2(26, DType.INT2),
    /** onnx 1.23 (onnx/onnx#8349): 6-bit floats, a bit stream of {@code ceil(6 * numel / 8)} bytes. */
    FLOAT6E2M3(27, DType.FLOAT6_E2M3),
    FLOAT6E3M2(28, DType.FLOAT6_E3M2);

    private static final OnnxDataType[] BY_NUMBER = values();

    private final int number;
    private final DType dtype;

    OnnxDataType(int number, DType dtype) {
        this.number = number;
        this.dtype = dtype;
    }

    int number() {
        return number;
    }

    /** The DType, or empty for UNDEFINED and STRING. */
    Optional<DType> dtype() {
        return Optional.ofNullable(dtype);
    }

    /** The type with this enum number, or empty for a number ONNX does not define. */
    static Optional<OnnxDataType> of(long number) {
        // The constants are declared in number order, 0 to 28.
        return number >= 0 && number < BY_NUMBER.length ? Optional.of(BY_NUMBER[(int) number]) : Optional.empty();
    }
}
