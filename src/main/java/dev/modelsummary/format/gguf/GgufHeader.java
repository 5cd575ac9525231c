package dev.modelsummary.format.gguf;

import dev.modelsummary.format.Fingerprint;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
    /**
     * At most this many {@code *.context_length}, {@code *.expert_count} and {@code *.expert_used_count}
     * candidates are kept until the architecture is known.
     */
    private static final int MAX_ARCHITECTURE_KEYS = 48;
    /** The {@code <architecture>.*} integers kept. */
    private static final List<String> ARCHITECTURE_KEYS = List.of(".context_length", ".expert_count",
            ".expert_used_count");

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

    /**
     * One tensor info, its shape already in PyTorch order; {@code offset} is absolute in the file.
     *
     * @param ggufPyLayout its type sized as gguf-py sizes it (Q8_1 in 40-byte blocks, see {@link GgmlType})
     */
    record Tensor(String name, Shape shape, GgmlType type, long offset, long bytes, boolean ggufPyLayout) {
        Tensor(String name, Shape shape, GgmlType type, long offset, long bytes) {
            this(name, shape, type, offset, bytes, false);
        }

        /** The tensor's dtype: its type's, or gguf-py's Q8_1 where the file was laid out that way. */
        DType dtype() {
            return ggufPyLayout && type == GgmlType.Q8_1 ? DType.Q8_1_GGUF_PY : type.dtype();
        }
    }

    /** @param warnings what the file does that ggml would not read, one line each */
    record File(GgufMetadata metadata, List<Tensor> tensors, List<String> warnings) {
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
    private final Map<String, Long> architectureIntegers = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();

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
        if (tensorCount > Limits.current().getInt(Limit.TENSORS)) {
            throw new FormatException("Header declares '" + tensorCount + "' tensors, over the limit of '"
                    + Limits.current().getInt(Limit.TENSORS) + "' (" + Limit.TENSORS.raise() + ").");
        }
        if (kvCount > Limits.current().get(Limit.GGUF_METADATA_KEYS)) {
            throw new FormatException("Header declares '" + kvCount + "' metadata keys, over the limit of '"
                    + Limits.current().get(Limit.GGUF_METADATA_KEYS) + "' (" + Limit.GGUF_METADATA_KEYS.raise() + ").");
        }
        readMetadata(kvCount);
        long align = alignment == null ? DEFAULT_ALIGNMENT : alignment;
        List<Tensor> infos = readTensorInfos((int) tensorCount, align);
        return new File(new GgufMetadata(version, align, architecture, generalName, fileType,
                architectureInteger(".context_length"), splitNo, splitCount, splitTensors, quantizationVersion,
                architectureInteger(".expert_count"), architectureInteger(".expert_used_count")), infos,
                List.copyOf(warnings));
    }

    /** {@code <architecture><suffix>}, or null. */
    private Long architectureInteger(String suffix) {
        return architecture == null ? null : architectureIntegers.get(architecture + suffix);
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

    /**
     * KV = string key; u32 value_type; value. Keys must be non-empty and unique. Uniqueness is checked on a
     * fingerprint of each key, eight bytes a key whatever its length, sorted once at the end; only when two
     * fingerprints match are the keys read again and compared as text ({@link Fingerprint}: a crafted file
     * cannot force that slow pass).
     */
    private void readMetadata(long kvCount) throws IOException {
        long maxKeyBytes = Limits.current().get(Limit.GGUF_METADATA_KEY_BYTES);
        long start = in.position();
        Fingerprint fingerprint = Fingerprint.random();
        long[] fingerprints = new long[(int) Math.min(kvCount, 1024)];
        long keyBytes = 0;
        for (long i = 0; i < kvCount; i++) {
            String what = "metadata key " + (i + 1);
            long length = stringLength(what);
            if (length == 0) {
                throw new FormatException("Metadata key " + (i + 1) + " is empty.");
            }
            keyBytes += length;
            if (keyBytes > maxKeyBytes) {
                throw new FormatException("Metadata keys take more than '" + maxKeyBytes
                        + "' bytes, the limit (" + Limit.GGUF_METADATA_KEY_BYTES.raise() + ").");
            }
            byte[] raw = in.bytes((int) length, what);
            if (i == fingerprints.length) {
                fingerprints = Arrays.copyOf(fingerprints, (int) Math.min(kvCount, 2L * fingerprints.length));
            }
            fingerprints[(int) i] = fingerprint.of(raw);
            String key = utf8(raw);
            long type = in.u32("the type of metadata key " + Quote.of(key));
            readValue(key, type);
        }
        long end = in.position();
        long[] sorted = fingerprints.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1] && (i == 1 || sorted[i - 2] != sorted[i])) {
                String twice = keyTwice(start, kvCount, fingerprints, sorted[i]);
                if (twice != null) {
                    throw new FormatException("Metadata key " + Quote.of(twice) + " appears twice.");
                }
            }
        }
        in.seek(end);
    }

    /**
     * The key that appears twice among the keys with this fingerprint, found by reading the keys again from
     * {@code start} and comparing the few that share it as text; null when they only share the fingerprint.
     */
    private String keyTwice(long start, long kvCount, long[] fingerprints, long fingerprint) throws IOException {
        in.seek(start);
        Set<String> seen = new HashSet<>();
        for (long i = 0; i < kvCount; i++) {
            String what = "metadata key " + (i + 1);
            long length = stringLength(what);
            if (fingerprints[(int) i] == fingerprint) {
                String key = utf8(in.bytes((int) length, what));
                if (!seen.add(key)) {
                    return key;
                }
            } else {
                in.skip(length, what);
            }
            skipValue(in.u32(what), what);
        }
        return null;
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
                || isArchitectureKey(key) && architectureIntegers.size() < MAX_ARCHITECTURE_KEYS;
        if (keepInteger && isInteger(type)) {
            long value = integer(type, what);
            switch (key) {
                case "general.file_type" -> fileType = value;
                case "general.quantization_version" -> quantizationVersion = value;
                case "split.no" -> splitNo = value;
                case "split.count" -> splitCount = value;
                case "split.tensors.count" -> splitTensors = value;
                default -> architectureIntegers.put(key, value);
            }
            return;
        }
        skipValue(type, what);
    }

    private static boolean isArchitectureKey(String key) {
        for (String suffix : ARCHITECTURE_KEYS) {
            if (key.endsWith(suffix)) {
                return true;
            }
        }
        return false;
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
            if (tooManyElements(ne)) {
                throw new FormatException("Tensor " + Quote.of(name) + " has ggml shape " + ggmlShape(ne)
                        + ": ggml refuses it, as its number of elements is 2^63 - 1 or more.");
            }
            long bytes = 0; // with a zero dimension anywhere, whatever the others
            try {
                if (Arrays.stream(ne).noneMatch(d -> d == 0)) {
                    bytes = Math.multiplyExact(ne0 / type.blockSize(), (long) type.blockBytes());
                }
                for (int d = 1; d < ne.length && bytes != 0; d++) {
                    bytes = Math.multiplyExact(bytes, ne[d]);
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
        boolean ggufPyQ81 = false;
        List<Tensor> placed = new ArrayList<>(infos.size());
        for (int i = 0; i < infos.size(); i++) {
            Tensor t = infos.get(i);
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
            String end = "Tensor " + Quote.of(t.name()) + "'s end";
            expected = alignUp(Math.addExact(t.offset(), t.bytes()), align, end);
            long pyBytes = ggufPyBytes(t);
            if (pyBytes != t.bytes()) {
                // gguf-py wrote this file if the next tensor (or the end of the file) sits where its larger
                // Q8_1 blocks end rather than where ggml's do.
                long pyExpected = pyBytes < 0 || pyBytes > in.size() ? -1
                        : alignUp(Math.addExact(t.offset(), pyBytes), align, end);
                boolean py = i + 1 < infos.size() ? infos.get(i + 1).offset() == pyExpected
                        : in.size() - dataStart == pyExpected;
                if (py && pyExpected != expected) {
                    expected = pyExpected;
                    ggufPyQ81 = true;
                }
            }
            placed.add(new Tensor(t.name(), t.shape(), t.type(), start, t.bytes()));
        }
        if (ggufPyQ81) {
            warnings.add("Its Q8_1 tensors are laid out in 40-byte blocks, as gguf-py's table (GGML_QUANT_SIZES) "
                    + "sizes them; ggml's block_q8_1 is 36 bytes, so llama.cpp refuses this file. Sizes here are "
                    + "gguf-py's (40 bytes per 32 values), as its reader reports them.");
            placed.replaceAll(t -> t.type() == GgmlType.Q8_1
                    ? new Tensor(t.name(), t.shape(), t.type(), t.offset(), ggufPyBytes(t), true) : t);
        }
        return placed;
    }

    /** The tensor's bytes as gguf-py sizes its type; -1 when that passes 2^63 - 1. */
    private static long ggufPyBytes(Tensor t) {
        GgmlType type = t.type();
        if (type.ggufPyBlockBytes() == type.blockBytes()) {
            return t.bytes();
        }
        long blocks = t.bytes() / type.blockBytes();
        return blocks > Long.MAX_VALUE / type.ggufPyBlockBytes() ? -1 : blocks * type.ggufPyBlockBytes();
    }

    /**
     * ggml's own test ({@code gguf_init_from_file_impl} in {@code gguf.cpp}), with unused dimensions 1:
     * {@code INT64_MAX/ne[1] <= ne[0] || INT64_MAX/ne[2] <= ne[0]*ne[1] || INT64_MAX/ne[3] <= ne[0]*ne[1]*ne[2]},
     * evaluated left to right. A zero divisor ends the test with the tensor accepted: the element count is then
     * 0, whatever the other dimensions (ggml itself would divide by zero there; gguf-py reads the tensor).
     */
    static boolean tooManyElements(long[] ne) {
        long[] n = {1, 1, 1, 1};
        System.arraycopy(ne, 0, n, 0, ne.length);
        long product = n[0];
        for (int k = 1; k < n.length; k++) {
            if (n[k] == 0) {
                return false;
            }
            if (Long.MAX_VALUE / n[k] <= product) {
                return true;
            }
            product *= n[k]; // < INT64_MAX by the test just passed
        }
        return false;
    }

    /** ggml's order, unused dimensions 1, as ggml prints a shape: {@code (64, 32, 1, 1)}. */
    private static String ggmlShape(long[] ne) {
        StringBuilder b = new StringBuilder("(");
        for (int d = 0; d < MAX_DIMS; d++) {
            b.append(d == 0 ? "" : ", ").append(d < ne.length ? ne[d] : 1);
        }
        return b.append(')').toString();
    }

    private static long alignUp(long value, long align, String what) {
        try {
            return Math.multiplyExact(Math.addExact(value, align - 1) / align, align);
        } catch (ArithmeticException e) {
            throw new FormatException(what + " does not fit in 64 bits.", e);
        }
    }
}
