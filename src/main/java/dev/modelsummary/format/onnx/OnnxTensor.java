package dev.modelsummary.format.onnx;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.util.Arrays;

/**
 * What a {@code TensorProto} says of itself, its data skipped. A second occurrence of the same message field
 * merges into the first, as protobuf merges: scalars last-wins, {@code dims} and {@code external_data} appended.
 *
 * <pre>
 * TensorProto: dims = 1 (repeated int64, packed or not), data_type = 2 (int32), segment = 3, float_data = 4,
 *   int32_data = 5, string_data = 6, int64_data = 7, name = 8 (string), raw_data = 9 (bytes), double_data = 10,
 *   uint64_data = 11, doc_string = 12, external_data = 13 (StringStringEntryProto: key = 1, value = 2),
 *   data_location = 14 (enum: DEFAULT 0, EXTERNAL 1), metadata_props = 16
 * </pre>
 */
final class OnnxTensor {
    static final int DATA_LOCATION_EXTERNAL = 1;

    String name = "";
    long[] dims = new long[0];
    int rank;
    long dataType;
    long dataLocation;
    /** Length of the last raw_data field, or -1 when there is none. */
    long rawDataBytes = -1;
    String location;
    String offset;
    String length;

    /** Reads (or merges) one TensorProto's fields from the current message. */
    void read(ProtoInput in, int maxNameBytes) throws IOException {
        for (int tag = in.tag(); tag != 0; tag = in.tag()) {
            int field = ProtoInput.field(tag);
            int wire = ProtoInput.wireType(tag);
            if (field == 1 && wire == 0) {
                addDim(in.varint());
            } else if (field == 1 && wire == 2) {
                int old = in.enter("A tensor's packed dims");
                while (!in.atEnd()) {
                    addDim(in.varint());
                }
                in.exit(old);
            } else if (field == 2 && wire == 0) {
                dataType = (int) in.varint(); // int32 on the wire as a varint: truncated as protobuf does
            } else if (field == 8 && wire == 2) {
                name = in.string("A tensor name", maxNameBytes);
            } else if (field == 9 && wire == 2) {
                rawDataBytes = in.skipBytes("A tensor's raw_data");
            } else if (field == 13 && wire == 2) {
                int old = in.enter("A tensor's external_data entry");
                readExternalEntry(in, maxNameBytes);
                in.exit(old);
            } else if (field == 14 && wire == 0) {
                dataLocation = (int) in.varint();
            } else {
                in.skip(tag, "a TensorProto");
            }
        }
    }

    void addDim(long dim) {
        int maxRank = Limits.current().getInt(Limit.RANK);
        if (rank == maxRank) {
            throw new FormatException("A tensor has more than '" + maxRank + "' dims, the limit ("
                    + Limit.RANK.raise() + ").");
        }
        if (rank == dims.length) {
            dims = Arrays.copyOf(dims, Math.min(maxRank, Math.max(4, rank * 2)));
        }
        dims[rank++] = dim;
    }

    /** StringStringEntryProto: key = 1, value = 2. Keys other than these three are ignored, as onnx ignores them. */
    private void readExternalEntry(ProtoInput in, int maxBytes) throws IOException {
        String key = null;
        String value = "";
        for (int tag = in.tag(); tag != 0; tag = in.tag()) {
            if (tag == (1 << 3 | 2)) {
                key = in.string("An external_data key", maxBytes);
            } else if (tag == (2 << 3 | 2)) {
                value = in.string("An external_data value", maxBytes);
            } else {
                in.skip(tag, "an external_data entry");
            }
        }
        if ("location".equals(key)) {
            location = value;
        } else if ("offset".equals(key)) {
            offset = value;
        } else if ("length".equals(key)) {
            length = value;
        }
    }

    long[] dims() {
        return Arrays.copyOf(dims, rank);
    }

    /** Used in messages: {@code Initializer 'fc.weight'}. */
    static String subject(String kind, String name) {
        return kind + " " + Quote.of(name);
    }
}
