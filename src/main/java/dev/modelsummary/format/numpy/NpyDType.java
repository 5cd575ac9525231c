package dev.modelsummary.format.numpy;

import dev.modelsummary.model.DType;

/**
 * The element types a {@code .npy} {@code descr} string can name here: numpy's kind character and item size
 * ({@code dtype.str} without its byte-order character), each with its size in bytes.
 */
public enum NpyDType {
    B1("b1", 1, DType.BOOL),
    I1("i1", 1, DType.INT8),
    I2("i2", 2, DType.INT16),
    I4("i4", 4, DType.INT32),
    I8("i8", 8, DType.INT64),
    U1("u1", 1, DType.UINT8),
    U2("u2", 2, DType.UINT16),
    U4("u4", 4, DType.UINT32),
    U8("u8", 8, DType.UINT64),
    F2("f2", 2, DType.FLOAT16),
    F4("f4", 4, DType.FLOAT32),
    F8("f8", 8, DType.FLOAT64),
    C8("c8", 8, DType.COMPLEX64),
    C16("c16", 16, DType.COMPLEX128),
    /** Python objects ({@code |O}): the data is a pickle of the array, not weights. */
    OBJECT("O", 0, null);

    private final String code;
    private final int bytes;
    private final DType dtype;

    NpyDType(String code, int bytes, DType dtype) {
        this.code = code;
        this.bytes = bytes;
        this.dtype = dtype;
    }

    /** Bytes per element, the number in the code. */
    int bytes() {
        return bytes;
    }

    /** The PyTorch-named type the rest of the tool reports. */
    DType dtype() {
        return dtype;
    }

    /**
     * The reported dtype of a type code such as {@code f4} (numpy's {@code dtype.str} without its byte order, as a
     * pickled {@code numpy.dtype} names it), or null for a code that is not a number type here.
     */
    public static DType dtypeOf(String code) {
        NpyDType type = byCode(code);
        return type == null ? null : type.dtype;
    }

    /** The type for a code such as {@code f4}, or null ({@link #OBJECT} is matched by the header only). */
    static NpyDType byCode(String code) {
        for (NpyDType t : values()) {
            if (t != OBJECT && t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }
}
