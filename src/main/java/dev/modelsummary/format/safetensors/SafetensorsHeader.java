package dev.modelsummary.format.safetensors;

import dev.modelsummary.text.Quote;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.modelsummary.format.Facts;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.json.StrictJson;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.Shape;
import dev.modelsummary.format.io.RegionInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates one safetensors header, touching only its first {@code 8 + N} bytes.
 *
 * <pre>
 * offset 0     u64 LE  N, the header length in bytes
 * offset 8     N bytes of UTF-8 JSON: {"__metadata__": {str: str}?, name: {"dtype", "shape", "data_offsets"}, ...}
 * offset 8+N   the data buffer: every tensor's bytes, back to back, to the end of the file
 * </pre>
 *
 * The checks are the reference implementation's ({@code SafeTensors::read_metadata} and
 * {@code Metadata::validate}), in its order, so a file fails here exactly when it fails there.
 */
final class SafetensorsHeader {
    private static final int LENGTH_BYTES = 8;
    private static final String METADATA_KEY = "__metadata__";
    /**
     * {@code "format": "pt"}: the tag every {@code save_file} of torch, numpy or flax writes. It says nothing
     * about the model, and as a fact it would make every safetensors page differ from the built-in's page.
     */
    private static final String FRAMEWORK_TAG = "format";

    private SafetensorsHeader() {
    }

    /** Metadata entries kept as facts; real files have one ({@code format: pt}) to a handful. */
    static final int MAX_METADATA_FACTS = 8;

    /**
     * A header: its tensors and the first {@link #MAX_METADATA_FACTS} {@code __metadata__} entries as facts
     * (cut by {@link Facts}), then one fact counting the rest.
     */
    record Header(List<HeaderTensor> tensors, List<Fact> metadata) {
    }

    /** The header's tensors in the header's own key order; the channel must be at offset 0. */
    static List<HeaderTensor> read(SeekableByteChannel channel) throws IOException {
        return readHeader(channel).tensors();
    }

    /** The header, tensors in its own key order; the channel must be at offset 0. */
    static Header readHeader(SeekableByteChannel channel) throws IOException {
        long fileSize = channel.size();
        // 1. HeaderTooSmall
        if (fileSize < LENGTH_BYTES) {
            throw new FormatException("File is too small to hold the 8-byte header length: it has '"
                    + fileSize + "' bytes.");
        }
        long n = readFully(channel, LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // 2. HeaderTooLarge; a u64 over Long.MAX_VALUE reads as negative and is over the limit too.
        if (n < 0 || n > Limits.current().get(Limit.SAFETENSORS_HEADER_BYTES)) {
            throw new FormatException("Header length '" + Long.toUnsignedString(n) + "' is over the limit of '"
                    + Limits.current().get(Limit.SAFETENSORS_HEADER_BYTES)
                    + "' bytes (" + Limit.SAFETENSORS_HEADER_BYTES.raise() + ").");
        }
        // 3. InvalidHeaderLength: checked before anything is allocated from n.
        if (n > fileSize - LENGTH_BYTES) {
            throw new FormatException("Header length '" + n + "' runs past the end of the file, which has only '"
                    + (fileSize - LENGTH_BYTES) + "' bytes after the length field.");
        }
        // 4. InvalidHeader (UTF-8) and 5. InvalidHeaderDeserialization, streamed: the text is never held.
        Header header;
        try (InputStream in = new BufferedInputStream(new RegionInputStream(channel, LENGTH_BYTES, n), 1 << 16)) {
            header = StrictJson.read(in, n, "Header", LENGTH_BYTES,
                    "File ended while its header was read; it changed while being read.", SafetensorsHeader::parse);
        }
        // 6 and 7: offsets, sizes.
        long bufferEnd = validate(header.tensors());
        // 8. MetadataIncompleteBuffer: the tensors must end exactly where the file does.
        long dataBytes = fileSize - LENGTH_BYTES - n;
        if (bufferEnd != dataBytes) {
            throw new FormatException("Tensors fill '" + bufferEnd + "' bytes of data but the file holds '"
                    + dataBytes + "' bytes after the header.");
        }
        return header;
    }

    private static ByteBuffer readFully(SeekableByteChannel channel, int length) throws IOException {
        return Channels.readExactly(channel, length,
                read -> "File ended while its header was read; it changed while being read.");
    }

    /** Step 5: the JSON structure, read as a stream so the key order is kept and nothing is held twice. */
    private static Header parse(JsonParser p) throws IOException {
        p.nextToken(); // START_OBJECT, or StrictJson.read refuses the text whatever this makes of it
        List<HeaderTensor> tensors = new ArrayList<>();
        List<Fact> metadata = new ArrayList<>();
        Set<String> names = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = StrictJson.wellFormed(p.currentName(), "Header has the key");
            p.nextToken();
            if (!names.add(name)) {
                // The reference keeps the last of the two (a map); a file that says two things is refused.
                throw new FormatException(name.equals(METADATA_KEY) ? "Header has '__metadata__' twice."
                        : "Header lists tensor " + Quote.of(name) + " twice.");
            }
            if (name.equals(METADATA_KEY)) {
                metadata = readMetadata(p);
            } else {
                if (tensors.size() == Limits.current().getInt(Limit.TENSORS)) {
                    throw new FormatException("Header lists more than '" + Limits.current().getInt(Limit.TENSORS)
                            + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
                }
                tensors.add(readTensor(name, p));
            }
        }
        return new Header(tensors, metadata);
    }

    /** {@code __metadata__} is a string-to-string map (or null); it is checked, and its first entries kept. */
    private static List<Fact> readMetadata(JsonParser p) throws IOException {
        List<Fact> kept = new ArrayList<>();
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return kept; // serde reads the Option as None
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new FormatException("Header has a '__metadata__' that is not an object of strings.");
        }
        Set<String> keys = new HashSet<>();
        int shown = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = StrictJson.wellFormed(p.currentName(), "Header's '__metadata__' has the key");
            if (!keys.add(key)) {
                throw new FormatException("Header's '__metadata__' has the key " + Quote.of(key) + " twice.");
            }
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new FormatException("Header's '__metadata__' value for " + Quote.of(key)
                        + " is not a string.");
            }
            String value = StrictJson.wellFormed(p.getText(), "Header's '__metadata__' has the value");
            if (key.equals(FRAMEWORK_TAG)) {
                continue;
            }
            shown++;
            if (shown <= MAX_METADATA_FACTS) {
                kept.add(Facts.fromFile(key, value));
            }
        }
        if (shown > MAX_METADATA_FACTS) {
            kept.add(new Fact("metadata", (shown - MAX_METADATA_FACTS) + " more entries not shown"));
        }
        return kept;
    }

    /**
     * {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}. Unknown fields are skipped, as serde
     * does, however often they appear; each known one must appear once, as serde's derived struct requires.
     */
    private static HeaderTensor readTensor(String name, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new FormatException(subject(name) + " is not described by a JSON object.");
        }
        SafetensorsDType dtype = null;
        Shape shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            boolean repeated = switch (field) {
                case "dtype" -> dtype != null;
                case "shape" -> shape != null;
                case "data_offsets" -> offsets != null;
                default -> false;
            };
            if (repeated) {
                throw new FormatException(subject(name) + " has the field '" + field + "' twice.");
            }
            switch (field) {
                case "dtype" -> dtype = readDType(p, name);
                case "shape" -> shape = Shape.of(readShape(p, name));
                case "data_offsets" -> offsets = readOffsets(p, name);
                default -> p.skipChildren();
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw new FormatException(subject(name) + " has no '" + missing + "'.");
        }
        return new HeaderTensor(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static SafetensorsDType readDType(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new FormatException(subject(name) + " has the dtype " + Quote.of(p.getText())
                    + ", which is not a string.");
        }
        String text = p.getText();
        return SafetensorsDType.byName(text).orElseThrow(
                () -> new FormatException(subject(name) + " has the unknown dtype " + Quote.of(text) + "."));
    }

    private static long[] readShape(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new FormatException(subject(name) + " has a shape that is not a list of integers.");
        }
        long[] dims = new long[4];
        int rank = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (rank == Limits.current().getInt(Limit.RANK)) {
                throw new FormatException(subject(name) + " has more than '" + Limits.current().getInt(Limit.RANK)
                        + "' dimensions, the limit (" + Limit.RANK.raise() + ").");
            }
            if (rank == dims.length) {
                dims = Arrays.copyOf(dims, rank * 2);
            }
            dims[rank++] = StrictJson.nonNegativeLong(p, () -> subject(name) + " has the shape entry");
        }
        return Arrays.copyOf(dims, rank);
    }

    private static long[] readOffsets(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new FormatException(subject(name) + " has data_offsets that are not a list of two integers.");
        }
        long[] offsets = new long[2];
        int count = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (count == 2) {
                throw new FormatException(subject(name) + " has more than two data_offsets.");
            }
            offsets[count++] = StrictJson.nonNegativeLong(p, () -> subject(name) + " has the data offset");
        }
        if (count != 2) {
            throw new FormatException(subject(name) + " has '" + count + "' data_offsets instead of two.");
        }
        return offsets;
    }

    /**
     * Steps 6 and 7. Sorted by (begin, end), each tensor must start where the previous one ended (so together
     * they tile the buffer from 0, with no gap or overlap), and span exactly {@code numel * bits / 8} bytes.
     *
     * @return where the last tensor ends: the data buffer's required length
     */
    static long validate(List<HeaderTensor> tensors) {
        List<HeaderTensor> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(HeaderTensor::begin).thenComparingLong(HeaderTensor::end));
        long expected = 0;
        for (HeaderTensor t : byOffset) {
            if (t.begin() != expected) {
                throw new FormatException(subject(t.name()) + " starts at data offset '" + t.begin() + "' where '"
                        + expected + "' was expected; tensors must fill the data buffer from 0 with no gap or "
                        + "overlap.");
            }
            if (t.end() < t.begin()) {
                throw new FormatException(subject(t.name()) + " ends at data offset '" + t.end()
                        + "', before it starts at '" + t.begin() + "'.");
            }
            expected = t.end();
            long bytes = byteSize(t);
            if (t.end() - t.begin() != bytes) {
                throw new FormatException(subject(t.name()) + " spans '" + (t.end() - t.begin())
                        + "' bytes but its shape " + t.shape().toPythonTuple() + " of '" + t.dtype() + "' needs '"
                        + bytes + "'.");
            }
        }
        return expected;
    }

    /** {@code numel * bits / 8}, overflow-checked, whole bytes only. */
    private static long byteSize(HeaderTensor t) {
        long bits;
        try {
            bits = Math.multiplyExact(t.shape().numel(), t.dtype().bits());
        } catch (ArithmeticException e) {
            throw new FormatException(subject(t.name()) + " has the shape " + t.shape().toPythonTuple()
                    + ", whose size in bytes overflows.");
        }
        if (bits % 8 != 0) {
            throw new FormatException(subject(t.name()) + " has '" + t.shape().numel() + "' elements of '" + t.dtype()
                    + "', which do not fill whole bytes.");
        }
        return bits / 8;
    }

    /** How messages name a tensor; built only when there is something to report. */
    private static String subject(String name) {
        return "Tensor " + Quote.of(name);
    }
}
