package dev.modelsummary.model;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Element types, named as PyTorch names them ({@code str(torch.float32)} without the {@code torch.} prefix).
 *
 * <p>Every type knows its storage cost as "{@code blockBytes} bytes per {@code blockSize} elements", which
 * covers plain types (4 bytes per 1 element), packed sub-byte types (1 byte per 2 elements) and, later,
 * block-quantized types (GGUF's q4_K: 144 bytes per 256 elements) with one formula.
 */
public enum DType {
    FLOAT64("float64", 8, 1),
    FLOAT32("float32", 4, 1),
    FLOAT16("float16", 2, 1),
    BFLOAT16("bfloat16", 2, 1),
    COMPLEX128("complex128", 16, 1),
    COMPLEX64("complex64", 8, 1),
    COMPLEX32("complex32", 4, 1),
    INT64("int64", 8, 1),
    INT32("int32", 4, 1),
    INT16("int16", 2, 1),
    INT8("int8", 1, 1),
    UINT64("uint64", 8, 1),
    UINT32("uint32", 4, 1),
    UINT16("uint16", 2, 1),
    UINT8("uint8", 1, 1),
    BOOL("bool", 1, 1),
    FLOAT8_E5M2("float8_e5m2", 1, 1),
    FLOAT8_E4M3FN("float8_e4m3fn", 1, 1),
    FLOAT8_E5M2FNUZ("float8_e5m2fnuz", 1, 1),
    FLOAT8_E4M3FNUZ("float8_e4m3fnuz", 1, 1),
    FLOAT8_E8M0FNU("float8_e8m0fnu", 1, 1),
    /** torch's packed pair type: one element of the tensor is one byte holding two fp4 values. */
    FLOAT4_E2M1FN_X2("float4_e2m1fn_x2", 1, 1),
    /** safetensors F4: the header counts logical fp4 values, two to a byte. */
    FLOAT4_E2M1("float4_e2m1", 1, 2),
    /** safetensors F6 types: four 6-bit values in three bytes. */
    FLOAT6_E2M3("float6_e2m3", 3, 4),
    FLOAT6_E3M2("float6_e3m2", 3, 4),
    QINT8("qint8", 1, 1),
    QUINT8("quint8", 1, 1),
    QINT32("qint32", 4, 1),
    QUINT4X2("quint4x2", 1, 1),
    QUINT2X4("quint2x4", 1, 1),
    BITS8("bits8", 1, 1),
    BITS16("bits16", 2, 1),
    BITS1X8("bits1x8", 1, 1),
    BITS2X4("bits2x4", 1, 1),
    BITS4X2("bits4x2", 1, 1),
    // ONNX: sub-byte integers packed into bytes, first element in the low bits.
    UINT4("uint4", 1, 2),
    INT4("int4", 1, 2),
    UINT2("uint2", 1, 4),
    INT2("int2", 1, 4);

    private static final Map<String, DType> BY_NAME =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(DType::torchName, Function.identity()));

    private final String torchName;
    private final int blockBytes;
    private final int blockSize;

    DType(String torchName, int blockBytes, int blockSize) {
        this.torchName = torchName;
        this.blockBytes = blockBytes;
        this.blockSize = blockSize;
    }

    /** The name PyTorch prints, e.g. {@code float32}; also the name used in JSON output. */
    public String torchName() {
        return torchName;
    }

    /** Bytes per block and elements per block: {@code bytesFor(n) = n / blockSize * blockBytes}. */
    public int blockBytes() {
        return blockBytes;
    }

    public int blockSize() {
        return blockSize;
    }

    /** True for integer and bool types, which a state_dict only ever holds as buffers in torchvision models. */
    public boolean isIntegerOrBool() {
        return switch (this) {
            case INT64, INT32, INT16, INT8, UINT64, UINT32, UINT16, UINT8, BOOL, UINT4, INT4, UINT2, INT2 -> true;
            default -> false;
        };
    }

    /**
     * Storage bytes for {@code elements} values; a partial final block is counted as a whole block.
     *
     * @throws ArithmeticException when the result does not fit a {@code long}
     */
    public long bytesFor(long elements) {
        long blocks = elements / blockSize + (elements % blockSize == 0 ? 0 : 1);
        return Math.multiplyExact(blocks, blockBytes);
    }

    public static Optional<DType> byTorchName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return torchName;
    }
}
