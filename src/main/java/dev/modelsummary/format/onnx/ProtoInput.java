package dev.modelsummary.format.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format over {@link CodedInputStream}, with every declared length checked against what
 * remains of its enclosing message before anything is read or allocated for it.
 *
 * <p>Wire format: a field is a key varint {@code (field_number << 3) | wire_type}, then by wire type: 0 a varint,
 * 1 eight bytes, 2 a varint length and that many bytes, 5 four bytes. Wire types 3 and 4 (groups, which ONNX
 * never writes) are refused: protobuf-java skips a group by recursion without a depth bound.
 */
final class ProtoInput {
    /** CodedInputStream's read buffer: payloads longer than what it holds are skipped by seeking. */
    private static final int BUFFER_BYTES = 4096;

    private final CodedInputStream in;

    /** {@code size} bytes of {@code stream}: the whole message, at most 2 GiB - 1 (protobuf's bound). */
    ProtoInput(InputStream stream, int size) throws IOException {
        in = CodedInputStream.newInstance(stream, BUFFER_BYTES);
        in.setSizeLimit(Integer.MAX_VALUE);
        in.pushLimit(size);
    }

    /** The next key, or 0 at the end of the current message. */
    int tag() throws IOException {
        return in.readTag();
    }

    static int field(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }

    static int wireType(int tag) {
        return WireFormat.getTagWireType(tag);
    }

    boolean atEnd() throws IOException {
        return in.isAtEnd();
    }

    long varint() throws IOException {
        return in.readRawVarint64();
    }

    /** A length prefix: checked against the bytes left in the enclosing message. */
    int length(String what) throws IOException {
        long n = in.readRawVarint64();
        int left = in.getBytesUntilLimit();
        if (n < 0 || n > left) {
            throw new FormatException(what + " declares '" + Long.toUnsignedString(n) + "' bytes, but only '"
                    + left + "' remain in the message around it.");
        }
        return (int) n;
    }

    /** Enters a length-delimited message; returns what {@link #exit} needs. */
    int enter(String what) throws IOException {
        return in.pushLimit(length(what));
    }

    /** Leaves a message entered with {@link #enter}, skipping what its reader left unread. */
    void exit(int oldLimit) throws IOException {
        in.skipRawBytes(in.getBytesUntilLimit());
        in.popLimit(oldLimit);
    }

    /** Skips a length-delimited payload by its declared length, never reading it into memory. */
    int skipBytes(String what) throws IOException {
        int n = length(what);
        in.skipRawBytes(n);
        return n;
    }

    /**
     * A UTF-8 string (a name) of at most {@code maxBytes} bytes, the bound the tensor-name-chars limit sets.
     *
     * @throws FormatException when it is longer
     */
    String string(String what, int maxBytes) throws IOException {
        int n = length(what);
        if (n > maxBytes) {
            throw new FormatException(what + " is '" + n + "' bytes long, over the limit of '" + maxBytes
                    + "' (" + Limit.TENSOR_NAME_CHARS.raise() + ").");
        }
        return new String(in.readRawBytes(n), StandardCharsets.UTF_8);
    }

    /** The string when it is at most {@code maxBytes} long, else null (skipped): for names compared to a few. */
    String shortString(String what, int maxBytes) throws IOException {
        int n = length(what);
        if (n > maxBytes) {
            in.skipRawBytes(n);
            return null;
        }
        return new String(in.readRawBytes(n), StandardCharsets.UTF_8);
    }

    /** Skips one field of any wire type but groups. */
    void skip(int tag, String where) throws IOException {
        switch (wireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64();
            case WireFormat.WIRETYPE_FIXED64 -> in.skipRawBytes(8);
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> skipBytes("Field '" + field(tag) + "' of " + where);
            case WireFormat.WIRETYPE_FIXED32 -> in.skipRawBytes(4);
            default -> throw new FormatException("Field '" + field(tag) + "' of " + where + " has the wire type '"
                    + wireType(tag) + "', which ONNX never writes (groups are 3 and 4; 6 and 7 do not exist).");
        }
    }
}
