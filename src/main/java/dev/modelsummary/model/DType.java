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
    /** Two bfloat16 values (torch 2.14's {@code torch.bcomplex32}). */
    BCOMPLEX32("bcomplex32", 4, 1),
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
    /** Two 4-bit values per byte; torch pads each row (last dimension) to a whole byte: see {@link #bytesFor(Shape)}. */
    QUINT4X2("quint4x2", 1, 2),
    /** Four 2-bit values per byte, rows padded like {@link #QUINT4X2}. */
    QUINT2X4("quint2x4", 1, 4),
    BITS8("bits8", 1, 1),
    BITS16("bits16", 2, 1),
    BITS1X8("bits1x8", 1, 1),
    BITS2X4("bits2x4", 1, 1),
    BITS4X2("bits4x2", 1, 1),
    // GGUF (ggml) block-quantized types: bytes per block, elements per block, as ggml's type_traits give them.
    Q4_0("q4_0", 18, 32),
    Q4_1("q4_1", 20, 32),
    Q5_0("q5_0", 22, 32),
    Q5_1("q5_1", 24, 32),
    Q8_0("q8_0", 34, 32),
    Q8_1("q8_1", 36, 32),
    /**
     * Q8_1 as gguf-py's {@code GGML_QUANT_SIZES} sizes it (the old {@code float d, s} block, 40 bytes): the
     * layout of a file gguf-py wrote, whose tensors are reported as gguf-py's reader reports them.
     */
    Q8_1_GGUF_PY("q8_1", 40, 32),
    Q2_K("q2_k", 84, 256),
    Q3_K("q3_k", 110, 256),
    Q4_K("q4_k", 144, 256),
    Q5_K("q5_k", 176, 256),
    Q6_K("q6_k", 210, 256),
    Q8_K("q8_k", 292, 256),
    IQ2_XXS("iq2_xxs", 66, 256),
    IQ2_XS("iq2_xs", 74, 256),
    IQ3_XXS("iq3_xxs", 98, 256),
    IQ1_S("iq1_s", 50, 256),
    IQ4_NL("iq4_nl", 18, 32),
    IQ3_S("iq3_s", 110, 256),
    IQ2_S("iq2_s", 82, 256),
    IQ4_XS("iq4_xs", 136, 256),
    IQ1_M("iq1_m", 56, 256),
    TQ1_0("tq1_0", 54, 256),
    TQ2_0("tq2_0", 66, 256),
    MXFP4("mxfp4", 17, 32),
    NVFP4("nvfp4", 36, 64),
    Q1_0("q1_0", 18, 128),
    Q2_0("q2_0", 18, 64),
    // ONNX: sub-byte integers packed into bytes, first element in the low bits.
    UINT4("uint4", 1, 2),
    INT4("int4", 1, 2),
    UINT2("uint2", 1, 4),
    INT2("int2", 1, 4);

    private static final Map<String, DType> BY_NAME =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(DType::torchName, Function.identity(),
                    (first, later) -> first)); // Q8_1's two layouts share a name

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

    /** torch's quantized types ({@code torch.qint8} ...): values with a scale and zero point beside them. */
    public boolean isQuantized() {
        return switch (this) {
            case QINT8, QUINT8, QINT32, QUINT4X2, QUINT2X4 -> true;
            default -> false;
        };
    }

    /**
     * Storage bytes for {@code elements} values; a partial final block is counted as a whole block.
     *
     * @throws ArithmeticException when the result does not fit a {@code long}
     */
    public long bytesFor(long elements) {
        if (this == FLOAT6_E2M3 || this == FLOAT6_E3M2) {
            // A bit stream, ceil(6n / 8) bytes (onnx's packing); safetensors only allows whole bytes, n % 4 == 0.
            return Math.addExact(Math.multiplyExact(elements / 4, 3L), (elements % 4 * 6 + 7) / 8);
        }
        long blocks = elements / blockSize + (elements % blockSize == 0 ? 0 : 1);
        return Math.multiplyExact(blocks, blockBytes);
    }

    /**
     * Storage bytes of a tensor of this shape: {@link #bytesFor(long)} of its element count, except for torch's
     * packed quantized types, which torch stores row by row, each row (last dimension) padded to a whole byte
     * ({@code get_sub_byte_tensor_size} in ATen's {@code quantized/Quantizer.cpp}).
     *
     * @throws ArithmeticException when the result does not fit a {@code long}
     */
    public long bytesFor(Shape shape) {
        if ((this != QUINT4X2 && this != QUINT2X4) || shape.rank() == 0) {
            return bytesFor(shape.numel());
        }
        long rows = 1;
        for (int i = 0; i < shape.rank() - 1; i++) {
            rows = Math.multiplyExact(rows, shape.dim(i));
        }
        return Math.multiplyExact(rows, bytesFor(shape.dim(shape.rank() - 1)));
    }

    /**
     * The dtypes {@code torch} itself has ({@code torch.float32} ... {@code torch.bits4x2}): what a pickle may
     * name. The types appended after them (safetensors' F4/F6, GGUF's and other formats' block types) are not.
     */
    public boolean isTorchDtype() {
        return ordinal() <= BITS4X2.ordinal() && this != FLOAT4_E2M1 && this != FLOAT6_E2M3 && this != FLOAT6_E3M2;
    }

    public static Optional<DType> byTorchName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return torchName;
    }
}
