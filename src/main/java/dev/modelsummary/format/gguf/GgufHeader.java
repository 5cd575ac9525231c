package dev.modelsummary.format.gguf;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.Shape;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One GGUF file's header: metadata and tensor infos, validated as ggml's reference reader
 * ({@code gguf_init_from_reader} in ggml {@code src/gguf.cpp}) validates them, plus version 1, which current
 * ggml refuses but older files use. Nothing past the tensor infos is read.
 */
final class GgufHeader {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    /** {@code GGUF_DEFAULT_ALIGNMENT}. */
    static final long DEFAULT_ALIGNMENT = 32;
    /** {@code GGUF_MAX_STRING_LENGTH} and {@code GGUF_MAX_ARRAY_ELEMENTS}: 1 GiB. */
    static final long MAX_STRING_BYTES = 1L << 30;
    static final long MAX_ARRAY_ELEMENTS = 1L << 30;
    /** {@code GGML_MAX_NAME}: a name must be shorter. */
    static final int MAX_NAME_BYTES = 64;
    /** {@code GGML_MAX_DIMS}. */
    static final int MAX_DIMS = 4;
    /** Kept string values ({@code general.name} ...) longer than this are skipped, not kept. */
    private static final int MAX_KEPT_STRING_BYTES = 1024;
    /** At most this many {@code *.context_length} candidates are kept until the architecture is known. */
    private static final int MAX_CONTEXT_LENGTH_KEYS = 16;

    // gguf_type: the metadata value types.
    static final int UINT8 = 0;
    static final int INT8 = 1;
    static final int UINT16 = 2;
    static final int INT16 = 3;
    static final int UINT32 = 4;
    static final int INT32 = 5;
    static final int FLOAT32 = 6;
    static final int BOOL = 7;
    static final int STRING = 8;
    static final int ARRAY = 9;
    static final int UINT64 = 10;
    static final int INT64 = 11;
    static final int FLOAT64 = 12;

    /** One tensor info, its shape already in PyTorch order; {@code offset} is absolute in the file. */
    record Tensor(String name, Shape shape, GgmlType type, long offset, long bytes) {
    }

    record File(GgufMetadata metadata, List<Tensor> tensors) {
    }

    private final GgufCursor in;
    private int version;
    private String architecture;
    private String generalName;
    private Long fileType;
    private Long alignment;
    private Long splitNo;
    private Long splitCount;
    private Long splitTensors;
    private Long quantizationVersion;
    private final Map<String, Long> contextLengths = new HashMap<>();

    private GgufHeader(GgufCursor in) {
        this.in = in;
    }

    static File read(SeekableByteChannel channel) throws IOException {
        return new GgufHeader(new GgufCursor(channel)).read();
    }

    private File read() throws IOException {
        // u8[4] magic "GGUF"; u32 version
        if (in.size() < 8 || in.i32("the magic") != MAGIC) {
            throw new FormatException("Not a GGUF file: it does not start with 'GGUF'.");
        }
        long v = in.u32("the version");
        if (v == 0) {
            throw new FormatException("GGUF version is '0', which is invalid.");
        }
        if ((v & 0xFFFF) == 0) {
            throw new FormatException("GGUF version reads as '" + v + "': the file is big-endian, and only "
                    + "little-endian files are read (as ggml reads them).");
        }
        if (v > 3) {
            throw new FormatException("GGUF version '" + v + "' is not supported (versions 1 to 3 are).");
        }
        version = (int) v;

        // u64 tensor_count; u64 metadata_kv_count (v1: u32 each), read as int64 as ggml does
        long tensorCount = count("the tensor count");
        long kvCount = count("the metadata key/value count");
        if (tensorCount > Limits.current().tensors()) {
            throw new FormatException("Header declares '" + tensorCount + "' tensors, over the limit of '"
                    + Limits.current().tensors() + "'.");
        }
        if (kvCount > Limits.current().ggufMetadataKeys()) {
            throw new FormatException("Header declares '" + kvCount + "' metadata keys, over the limit of '"
                    + Limits.current().ggufMetadataKeys() + "'.");
        }
        readMetadata(kvCount);
        long align = alignment == null ? DEFAULT_ALIGNMENT : alignment;
        List<Tensor> infos = readTensorInfos((int) tensorCount, align);
        Long contextLength = architecture == null ? null : contextLengths.get(architecture + ".context_length");
        return new File(new GgufMetadata(version, align, architecture, generalName, fileType, contextLength,
                splitNo, splitCount, splitTensors, quantizationVersion), infos);
    }

    private long count(String what) throws IOException {
        long n = version == 1 ? in.u32(what) : in.i64(what);
        if (n < 0) {
            throw new FormatException("Header's " + what.substring(4) + " '" + Long.toUnsignedString(n)
                    + "' is negative as an int64.");
        }
        return n;
    }

    // ---- metadata -------------------------------------------------------------------------------------------

    /** KV = string key; u32 value_type; value. Keys must be non-empty and unique. */
    private void readMetadata(long kvCount) throws IOException {
        // Keys are kept for the uniqueness check, so their bytes are bounded together.
        long maxKeyBytes = Limits.current().ggufMetadataKeyBytes();
        Set<String> keys = new HashSet<>();
        long keyBytes = 0;
        for (long i = 0; i < kvCount; i++) {
            long length = stringLength("metadata key " + (i + 1));
            if (length == 0) {
                throw new FormatException("Metadata key " + (i + 1) + " is empty.");
            }
            keyBytes += length;
            if (keyBytes > maxKeyBytes) {
                throw new FormatException("Metadata keys take more than '" + maxKeyBytes
                        + "' bytes, the limit.");
            }
            String key = utf8(in.bytes((int) length, "metadata key " + (i + 1)));
            if (!keys.add(key)) {
                throw new FormatException("Metadata key " + Quote.of(key) + " appears twice.");
            }
            long type = in.u32("the type of metadata key " + Quote.of(key));
            readValue(key, type);
        }
    }

    private void readValue(String key, long type) throws IOException {
        String what = "the value of metadata key " + Quote.of(key);
        if (key.equals("general.alignment")) {
            if (type != UINT32) {
                throw new FormatException("Metadata key 'general.alignment' has type '" + type
                        + "'; it must be UINT32 ('4').");
            }
            long a = in.u32(what);
            if (a == 0 || (a & (a - 1)) != 0) {
                throw new FormatException("Alignment '" + a + "' is not a power of two.");
            }
            alignment = a;
            return;
        }
        boolean keepString = key.equals("general.architecture") || key.equals("general.name");
        if (type == STRING && keepString) {
            long length = stringLength(what);
            if (length > MAX_KEPT_STRING_BYTES) {
                in.skip(length, what);
                return;
            }
            String value = utf8(in.bytes((int) length, what));
            if (key.equals("general.architecture")) {
                architecture = value;
            } else {
                generalName = value;
            }
            return;
        }
        boolean keepInteger = key.equals("general.file_type") || key.equals("general.quantization_version")
                || key.startsWith("split.")
                || key.endsWith(".context_length") && contextLengths.size() < MAX_CONTEXT_LENGTH_KEYS;
        if (keepInteger && isInteger(type)) {
            long value = integer(type, what);
            switch (key) {
                case "general.file_type" -> fileType = value;
                case "general.quantization_version" -> quantizationVersion = value;
                case "split.no" -> splitNo = value;
                case "split.count" -> splitCount = value;
                case "split.tensors.count" -> splitTensors = value;
                default -> {
                    if (key.endsWith(".context_length")) {
                        contextLengths.put(key, value);
                    }
                }
            }
            return;
        }
        skipValue(type, what);
    }

    private static boolean isInteger(long type) {
        return type <= INT32 || type == UINT64 || type == INT64;
    }

    private long integer(long type, String what) throws IOException {
        return switch ((int) type) {
            case UINT8 -> in.u8(what);
            case INT8 -> (byte) in.u8(what);
            case UINT16 -> in.u16(what);
            case INT16 -> (short) in.u16(what);
            case UINT32 -> in.u32(what);
            case INT32 -> in.i32(what);
            default -> in.i64(what); // UINT64 above Long.MAX_VALUE comes back negative; kept as read
        };
    }

    /** Skips a value of any type without allocating for it. Arrays hold scalars or strings, never arrays. */
    private void skipValue(long type, String what) throws IOException {
        if (type == STRING) {
            in.skip(stringLength(what), what);
            return;
        }
        if (type == ARRAY) {
            // u32 element_type; u64 count (v1: u32); elements
            long elementType = in.u32(what);
            if (elementType == ARRAY) {
                throw new FormatException("The array in " + what + " holds arrays, which ggml does not read.");
            }
            if (elementType > FLOAT64) {
                throw new FormatException("The array in " + what + " has element type '" + elementType
                        + "', which is not a GGUF type.");
            }
            long count = version == 1 ? in.u32(what) : in.i64(what);
            if (count < 0 || count > MAX_ARRAY_ELEMENTS) {
                throw new FormatException("The array in " + what + " declares '" + Long.toUnsignedString(count)
                        + "' elements, over ggml's limit of '" + MAX_ARRAY_ELEMENTS + "'.");
            }
            if (elementType == STRING) {
                long lengthBytes = version == 1 ? 4 : 8;
                if (count * lengthBytes > in.remaining()) {
                    throw new FormatException("File ends inside " + what + ".");
                }
                for (long i = 0; i < count; i++) {
                    in.skip(stringLength(what), what);
                }
            } else {
                in.skip(count * scalarBytes(elementType), what);
            }
            return;
        }
        if (type > FLOAT64) {
            throw new FormatException("Type '" + type + "' of " + what + " is not a GGUF type.");
        }
        in.skip(scalarBytes(type), what);
    }

    private static int scalarBytes(long type) {
        return switch ((int) type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            default -> 8; // UINT64, INT64, FLOAT64
        };
    }

    /** A string's declared length (u64, v1: u32), checked against ggml's 1 GiB and the bytes left. */
    private long stringLength(String what) throws IOException {
        long length = version == 1 ? in.u32(what) : in.i64(what);
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new FormatException("String length '" + Long.toUnsignedString(length) + "' in " + what
                    + " is over ggml's limit of '" + MAX_STRING_BYTES + "' bytes.");
        }
        if (length > in.remaining()) {
            throw new FormatException("File ends inside " + what + ".");
        }
        return length;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---- tensor infos -----------------------------------------------------------------------------------------

    /**
     * TensorInfo = string name; u32 n_dims; n_dims x u64 dim (v1: u32), innermost first; u32 type; u64 offset.
     * Then padding to the alignment, then the data section; offsets are relative to its start and must be
     * exactly sequential: tensor i at the sum of the earlier tensors' sizes, each rounded up to the alignment.
     */
    private List<Tensor> readTensorInfos(int count, long align) throws IOException {
        List<Tensor> infos = new ArrayList<>(Math.min(count, 1024));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String what = "the name of tensor " + (i + 1);
            long length = stringLength(what);
            if (length >= MAX_NAME_BYTES) {
                throw new FormatException("Tensor " + (i + 1) + "'s name is '" + length + "' bytes; ggml allows at "
                        + "most '" + (MAX_NAME_BYTES - 1) + "'.");
            }
            String name = utf8(in.bytes((int) length, what));
            if (!names.add(name)) {
                throw new FormatException("Tensor " + Quote.of(name) + " appears twice.");
            }
            what = "the info of tensor " + Quote.of(name);
            long nDims = in.u32(what);
            if (nDims > MAX_DIMS) {
                throw new FormatException("Tensor " + Quote.of(name) + " has '" + nDims + "' dimensions; ggml "
                        + "allows at most '" + MAX_DIMS + "'.");
            }
            long[] ne = new long[(int) nDims];
            for (int d = 0; d < ne.length; d++) {
                ne[d] = version == 1 ? in.u32(what) : in.i64(what);
                if (ne[d] < 0) {
                    throw new FormatException("Tensor " + Quote.of(name) + " has dimension '"
                            + Long.toUnsignedString(ne[d]) + "', negative as an int64.");
                }
            }
            int typeId = in.i32(what);
            GgmlType type = GgmlType.byId(typeId).orElseThrow(() -> new FormatException("Tensor " + Quote.of(name)
                    + " has ggml type '" + typeId + "', which has no known size (a removed type, or one newer "
                    + "than this reader)."));
            long offset = in.i64(what);
            if (offset < 0) {
                throw new FormatException("Tensor " + Quote.of(name) + " has offset '"
                        + Long.toUnsignedString(offset) + "', over the int64 range.");
            }
            long ne0 = ne.length == 0 ? 1 : ne[0];
            if (ne0 % type.blockSize() != 0) {
                throw new FormatException("Tensor " + Quote.of(name) + " has '" + ne0 + "' elements in its "
                        + "innermost dimension, not a multiple of " + type.ggmlName() + "'s block of '"
                        + type.blockSize() + "'.");
            }
            long bytes;
            try {
                long elements = 1;
                bytes = ne0 / type.blockSize() * type.blockBytes();
                for (int d = 0; d < ne.length; d++) {
                    elements = Math.multiplyExact(elements, ne[d]);
                    if (d > 0) {
                        bytes = Math.multiplyExact(bytes, ne[d]);
                    }
                }
            } catch (ArithmeticException e) {
                throw new FormatException("Tensor " + Quote.of(name) + "'s size does not fit in 64 bits.", e);
            }
            long[] torch = new long[ne.length];
            for (int d = 0; d < ne.length; d++) {
                torch[d] = ne[ne.length - 1 - d];
            }
            infos.add(new Tensor(name, Shape.of(torch), type, offset, bytes));
        }
        if (count == 0) {
            return infos;
        }
        long dataStart = alignUp(in.position(), align, "The data section's start");
        long expected = 0;
        List<Tensor> placed = new ArrayList<>(infos.size());
        for (Tensor t : infos) {
            if (t.offset() % align != 0) {
                throw new FormatException("Tensor " + Quote.of(t.name()) + " has offset '" + t.offset()
                        + "', not a multiple of the alignment '" + align + "'.");
            }
            if (t.offset() != expected) {
                throw new FormatException("Tensor " + Quote.of(t.name()) + " has offset '" + t.offset()
                        + "'; ggml requires '" + expected + "' (right after the previous tensor, aligned to '"
                        + align + "').");
            }
            long start = Math.addExact(dataStart, t.offset()); // both under the file size + alignment: no overflow
            if (start > in.size() || t.bytes() > in.size() - start) {
                throw new FormatException("Tensor " + Quote.of(t.name()) + " ('" + t.bytes() + "' bytes at data "
                        + "offset '" + t.offset() + "') ends past the end of the file ('" + in.size() + "' bytes).");
            }
            expected = alignUp(Math.addExact(t.offset(), t.bytes()), align, "Tensor " + Quote.of(t.name()) + "'s end");
            placed.add(new Tensor(t.name(), t.shape(), t.type(), start, t.bytes()));
        }
        return placed;
    }

    private static long alignUp(long value, long align, String what) {
        try {
            return Math.multiplyExact(Math.addExact(value, align - 1) / align, align);
        } catch (ArithmeticException e) {
            throw new FormatException(what + " does not fit in 64 bits.", e);
        }
    }
}
