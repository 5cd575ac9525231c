package io.jhdf.object.datatype;

import io.jhdf.Utils;
import io.jhdf.storage.HdfBackingStorage;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Replaces jhdf 0.13.0's class of the same name (the shade plugin drops jhdf's copy; on the test class path
 * target/classes comes first), with the same public API. jhdf's own reads the ASCII tag up to a NUL and throws
 * when the tag is empty, which is what h5py writes for a numpy 'V' dtype with no fields: {@code H5Tcreate(
 * H5T_OPAQUE, itemsize)} with no tag, so the datatype message's tag length is 0. That is how Keras's bfloat16
 * variables reach HDF5 (ml_dtypes.bfloat16 is such a dtype), and jhdf failed on the whole group holding one.
 * Here an empty tag is the empty string. Covered by {@code KerasBfloat16Test}.
 */
public class OpaqueDataType extends DataType {
    private final String asciiTag;

    public OpaqueDataType(ByteBuffer bb) {
        super(bb);
        // class bits 0-7: the tag's length, a multiple of 8 that includes its NUL padding (0: no tag)
        int tagLength = Utils.bitsToInt(classBits, 0, 8);
        byte[] tag = new byte[tagLength];
        bb.get(tag);
        int end = 0;
        while (end < tag.length && tag[end] != 0) {
            end++;
        }
        asciiTag = new String(tag, 0, end, StandardCharsets.US_ASCII);
    }

    public String getAsciiTag() {
        return asciiTag;
    }

    @Override
    public Class<?> getJavaType() {
        return byte[].class;
    }

    /** One {@code byte[]} of the element size per element, in an array of the dataset's dimensions. */
    @Override
    public Object fillData(ByteBuffer buffer, int[] dimensions, HdfBackingStorage hdfBackingStorage) {
        Object data = Array.newInstance(byte[].class, dimensions);
        fill(data, dimensions, 0, buffer);
        return data;
    }

    private void fill(Object array, int[] dimensions, int axis, ByteBuffer buffer) {
        for (int i = 0; i < dimensions[axis]; i++) {
            if (axis == dimensions.length - 1) {
                byte[] element = new byte[getSize()];
                buffer.get(element);
                Array.set(array, i, element);
            } else {
                fill(Array.get(array, i), dimensions, axis + 1, buffer);
            }
        }
    }
}
