package dev.modelsummary.format.gguf;

import dev.modelsummary.model.DType;
import java.util.Optional;

/**
 * ggml's tensor types ({@code enum ggml_type} in ggml {@code include/ggml.h}) with their storage cost from
 * ggml's {@code type_traits} table: {@code blockBytes} bytes hold {@code blockSize} elements, and a tensor's
 * byte size is {@code ne[0] / blockSize * blockBytes * ne[1] * ne[2] * ne[3]}.
 *
 * <p>The sizes are ggml's ({@code sizeof(block_*)} in {@code ggml-common.h}). gguf-py's table
 * ({@code GGML_QUANT_SIZES} in {@code gguf-py/gguf/constants.py}) agrees on every type but one: it gives Q8_1
 * 40 bytes per block (the old {@code float d, s} layout) where ggml's {@code block_q8_1} holds two halves and
 * 32 quants, 36 bytes. A file gguf-py wrote lays its Q8_1 tensors out with 40-byte blocks
 * ({@link #ggufPyBlockBytes}).
 *
 * <p>Ids 4, 5 (Q4_2, Q4_3), 31-33 (Q4_0_4_4, Q4_0_4_8, Q4_0_8_8) and 36-38 (IQ4_NL_4_4, _4_8, _8_8) were removed
 * from ggml; their block size is 0 there and the reference reader refuses them, as {@link #byId} does (no
 * constant), along with every id past the last one known here.
 */
public enum GgmlType {
    F32(0, "f32", 1, 4, DType.FLOAT32),
    F16(1, "f16", 1, 2, DType.FLOAT16),
    Q4_0(2, "q4_0", 32, 18, DType.Q4_0),
    Q4_1(3, "q4_1", 32, 20, DType.Q4_1),
    Q5_0(6, "q5_0", 32, 22, DType.Q5_0),
    Q5_1(7, "q5_1", 32, 24, DType.Q5_1),
    Q8_0(8, "q8_0", 32, 34, DType.Q8_0),
    Q8_1(9, "q8_1", 32, 36, DType.Q8_1),
    Q2_K(10, "q2_K", 256, 84, DType.Q2_K),
    Q3_K(11, "q3_K", 256, 110, DType.Q3_K),
    Q4_K(12, "q4_K", 256, 144, DType.Q4_K),
    Q5_K(13, "q5_K", 256, 176, DType.Q5_K),
    Q6_K(14, "q6_K", 256, 210, DType.Q6_K),
    Q8_K(15, "q8_K", 256, 292, DType.Q8_K),
    IQ2_XXS(16, "iq2_xxs", 256, 66, DType.IQ2_XXS),
    IQ2_XS(17, "iq2_xs", 256, 74, DType.IQ2_XS),
    IQ3_XXS(18, "iq3_xxs", 256, 98, DType.IQ3_XXS),
    IQ1_S(19, "iq1_s", 256, 50, DType.IQ1_S),
    IQ4_NL(20, "iq4_nl", 32, 18, DType.IQ4_NL),
    IQ3_S(21, "iq3_s", 256, 110, DType.IQ3_S),
    IQ2_S(22, "iq2_s", 256, 82, DType.IQ2_S),
    IQ4_XS(23, "iq4_xs", 256, 136, DType.IQ4_XS),
    I8(24, "i8", 1, 1, DType.INT8),
    I16(25, "i16", 1, 2, DType.INT16),
    I32(26, "i32", 1, 4, DType.INT32),
    I64(27, "i64", 1, 8, DType.INT64),
    F64(28, "f64", 1, 8, DType.FLOAT64),
    IQ1_M(29, "iq1_m", 256, 56, DType.IQ1_M),
    BF16(30, "bf16", 1, 2, DType.BFLOAT16),
    TQ1_0(34, "tq1_0", 256, 54, DType.TQ1_0),
    TQ2_0(35, "tq2_0", 256, 66, DType.TQ2_0),
    MXFP4(39, "mxfp4", 32, 17, DType.MXFP4),
    NVFP4(40, "nvfp4", 64, 36, DType.NVFP4),
    Q1_0(41, "q1_0", 128, 18, DType.Q1_0),
    Q2_0(42, "q2_0", 64, 18, DType.Q2_0);

    private static final GgmlType[] BY_ID = new GgmlType[43];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final String ggmlName;
    private final int blockSize;
    private final int blockBytes;
    private final DType dtype;

    GgmlType(int id, String ggmlName, int blockSize, int blockBytes, DType dtype) {
        this.id = id;
        this.ggmlName = ggmlName;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.dtype = dtype;
    }

    /** The type with this id, or empty for a removed id (no known size) or an id newer than this table. */
    public static Optional<GgmlType> byId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[(int) id]) : Optional.empty();
    }

    public int id() {
        return id;
    }

    /** The name ggml's {@code ggml_type_name} prints ({@code q4_K}). */
    public String ggmlName() {
        return ggmlName;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block ({@code ggml_type_size}). */
    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes per block in gguf-py's {@code GGML_QUANT_SIZES}: ggml's, except Q8_1's 40. */
    public int ggufPyBlockBytes() {
        return this == Q8_1 ? 40 : blockBytes;
    }

    public DType dtype() {
        return dtype;
    }
}
