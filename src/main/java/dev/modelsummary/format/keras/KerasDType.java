package dev.modelsummary.format.keras;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.model.DType;
import dev.modelsummary.text.Quote;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.OpaqueDataType;

/**
 * The HDF5 datatypes Keras variables are stored as (h5py's mapping of numpy dtypes), with their sizes.
 * HDF5 datatype message classes: 0 fixed-point (signed flag, size), 1 floating-point (size), 8 enum (h5py's
 * bool is an enum over int8 with FALSE=0, TRUE=1), 5 opaque (bfloat16, below).
 */
enum KerasDType {
    FLOAT16(DType.FLOAT16, 2),
    FLOAT32(DType.FLOAT32, 4),
    FLOAT64(DType.FLOAT64, 8),
    INT8(DType.INT8, 1),
    INT16(DType.INT16, 2),
    INT32(DType.INT32, 4),
    INT64(DType.INT64, 8),
    UINT8(DType.UINT8, 1),
    UINT16(DType.UINT16, 2),
    UINT32(DType.UINT32, 4),
    UINT64(DType.UINT64, 8),
    BOOL(DType.BOOL, 1),
    /**
     * A 2-byte HDF5 opaque type with no tag: h5py's mapping of a numpy 'V' dtype without fields, which is what
     * ml_dtypes.bfloat16 (Keras 3) and TensorFlow's bfloat16 (tf.keras) are. Keras 3's H5IOStore adds the
     * dataset attribute {@code dtype="bfloat16"}; legacy {@code .h5} files have no marker. A 2-byte integer
     * dataset carrying that attribute is read as bfloat16 too.
     */
    BFLOAT16(DType.BFLOAT16, 2);

    private final DType dtype;
    private final int bytes;

    KerasDType(DType dtype, int bytes) {
        this.dtype = dtype;
        this.bytes = bytes;
    }

    DType dtype() {
        return dtype;
    }

    int bytes() {
        return bytes;
    }

    /**
     * The type of a dataset's HDF5 datatype; {@code bfloat16Attribute} when the dataset carries
     * {@code dtype="bfloat16"}, which only a 2-byte type may.
     */
    static KerasDType of(DataType type, boolean bfloat16Attribute, String path) {
        KerasDType kind = plain(type);
        if (kind == null) {
            throw new FormatException("Dataset " + Quote.of(path) + " has HDF5 datatype class '"
                    + type.getDataClass() + "' of " + type.getSize() + " bytes, not a Keras variable type.");
        }
        if (bfloat16Attribute) {
            if (kind.bytes != 2 || kind == FLOAT16) {
                throw new FormatException("Dataset " + Quote.of(path) + " is marked bfloat16 but holds "
                        + kind.dtype + " values.");
            }
            return BFLOAT16;
        }
        return kind;
    }

    /** A 2-byte opaque type with no tag: bfloat16 as h5py stores it (see {@link #BFLOAT16}). */
    static boolean isUntaggedOpaque16(DataType type) {
        return type instanceof OpaqueDataType opaque && opaque.getSize() == 2 && opaque.getAsciiTag().isEmpty();
    }

    private static KerasDType plain(DataType type) {
        if (isUntaggedOpaque16(type)) {
            return BFLOAT16;
        }
        if (type instanceof FloatingPoint) {
            return switch (type.getSize()) {
                case 2 -> FLOAT16;
                case 4 -> FLOAT32;
                case 8 -> FLOAT64;
                default -> null;
            };
        }
        if (type instanceof FixedPoint fixed) {
            boolean signed = fixed.isSigned();
            return switch (type.getSize()) {
                case 1 -> signed ? INT8 : UINT8;
                case 2 -> signed ? INT16 : UINT16;
                case 4 -> signed ? INT32 : UINT32;
                case 8 -> signed ? INT64 : UINT64;
                default -> null;
            };
        }
        if (type instanceof EnumDataType e && e.getSize() == 1 && e.getEnumMapping().size() == 2
                && "FALSE".equals(e.getEnumMapping().get(0)) && "TRUE".equals(e.getEnumMapping().get(1))) {
            return BOOL;
        }
        return null;
    }
}
