package dev.modelsummary.format.json;

import dev.modelsummary.text.Quote;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * JSON as strictly as the reference reads it (serde_json): one object, no comments, no NaN, exact integers.
 * Shared by the header and the shard index. Duplicate keys are left to the callers, which refuse them where
 * they read the values, by name and in their own words, and skip them where the reference ignores the
 * object.
 */
public final class StrictJson {
    /**
     * Jackson's default caps (50,000-character names, 20,000,000-character strings) are tighter than the
     * reference; the header itself is bounded by {@link Limit#SAFETENSORS_HEADER_BYTES}, so let names and
     * strings be as long as that.
     */
    private static final int MAX_TEXT =
            (int) Math.max(Limits.current().get(Limit.SAFETENSORS_HEADER_BYTES),
                    Limits.current().get(Limit.INDEX_JSON_BYTES));

    /**
     * Field names are tensor names, nearly all distinct: interning or canonicalising them (Jackson's defaults,
     * meant for the same few keys over and over) only costs time and memory. Measured on a 750,000-tensor,
     * 85 MB header: a plain token loop takes about 1.6 s with the defaults and 0.3 s without.
     */
    /** How many leading bytes Jackson looks at to guess a text's encoding. */
    private static final int ENCODING_BYTES = 4;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE) // CheckedBytes reads on after the parser stops
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNameLength(MAX_TEXT).maxStringLength(MAX_TEXT).build())
            .build();

    private StrictJson() {
    }

    /** Reads the parsed document; the parser is before its first token. */
    @FunctionalInterface
    public interface DocumentReader<T> {
        T read(JsonParser p) throws IOException;
    }

    /**
     * Reads one JSON document of {@code length} bytes from {@code in}, each byte once and none of them held:
     * a 100 MB header costs its parsed values, not its text. The reference checks the whole text before it
     * parses (valid UTF-8, then serde's view: an object, no NUL); here the bytes are checked as they stream
     * into the parser, and every check is settled on the whole text before a parse error or a result is
     * given, so the same file fails with the same message as if the text had been checked first:
     *
     * <ol>
     *   <li>not UTF-8 (wherever the parser stopped: the rest is read and checked),</li>
     *   <li>only whitespace, or not starting with {@code {} (without this, Jackson's encoding detection would
     *       read {@code "{\0..."} as UTF-16 and skip a UTF-8 byte-order mark; serde accepts neither),</li>
     *   <li>a NUL byte,</li>
     *   <li>the parse's own error: a syntax error or what {@code reader} refused.</li>
     * </ol>
     *
     * @param what       the document named in messages: {@code Header} or {@code Index}
     * @param fileOffset where the document starts in the file, so messages point at the file's bytes
     * @param endedEarly the message when {@code in} ends before {@code length} bytes (the file shrank)
     */
    public static <T> T read(InputStream in, long length, String what, long fileOffset, String endedEarly,
                      DocumentReader<T> reader) throws IOException {
        CheckedBytes checked = new CheckedBytes(in, what, fileOffset);
        PushbackInputStream text = new PushbackInputStream(checked, ENCODING_BYTES);
        byte[] head = text.readNBytes(ENCODING_BYTES);
        text.unread(head);
        T result = null;
        FormatException failure = null;
        // Text Jackson would not read as UTF-8 holds a NUL or a byte UTF-8 never has: finish() refuses it.
        if (readAsUtf8(head)) {
            try (JsonParser p = FACTORY.createParser(text)) {
                result = reader.read(p);
                requireEnd(p, what);
            } catch (JsonProcessingException e) {
                failure = syntaxError(what, e);
            } catch (FormatException e) {
                failure = e;
            }
        }
        checked.finish(length, endedEarly);
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /**
     * Whether Jackson reads a text starting with {@code head} (its first 4 bytes, or all of a shorter text) as
     * UTF-8. Jackson guesses the encoding from those bytes: a NUL among them means UTF-16 or UTF-32 to it (or
     * an exception, for byte orders it does not know), and FE or FF a byte-order mark of either.
     */
    private static boolean readAsUtf8(byte[] head) {
        for (byte b : head) {
            if (b == 0 || b == (byte) 0xfe || b == (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    /** JSON's four whitespace bytes; the reference accepts them before and after the header object. */
    public static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** Where Jackson's messages turn from the problem to a source excerpt or advice for the programmer. */
    private static final String[] JACKSON_ASIDES = {
            " (start marker at", ": enable `", " (not recognized as one since Feature"};

    /** Jackson's syntax error as one sentence: its own words and where, without asides meant for programmers. */
    public static FormatException syntaxError(String what, JsonProcessingException e) {
        String detail = String.valueOf(e.getOriginalMessage());
        for (String aside : JACKSON_ASIDES) {
            int at = detail.indexOf(aside);
            if (at >= 0) {
                detail = detail.substring(0, at);
            }
        }
        detail = detail.replaceAll("\\s+", " ").trim();
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "...";
        }
        // Jackson quotes a bad token as the file spells it, control characters and all.
        detail = Quote.bare(detail);
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new FormatException(what + " is not valid JSON: " + detail + where + ".", e);
    }

    /** After the root object: only whitespace may follow, as serde_json's {@code from_str} requires. */
    public static void requireEnd(JsonParser p, String what) throws IOException {
        if (p.nextToken() != null) {
            throw new FormatException(what + " has more JSON after its object, starting with "
                    + Quote.of(p.getText()) + ".");
        }
    }

    /**
     * The current token as an exact non-negative integer, the way serde reads a {@code usize}: no sign (not even
     * {@code -0}), no fraction, no exponent, and (Java's bound) at most {@link Long#MAX_VALUE}.
     *
     * @param subject how the message names the value, e.g. {@code Tensor 'x' has the shape entry}; built only
     *                for a message, since a header holds millions of numbers
     */
    public static long nonNegativeLong(JsonParser p, Supplier<String> subject) throws IOException {
        JsonToken token = p.currentToken();
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new FormatException(subject.get() + " " + Quote.of(p.getText()) + ", which is not an integer.");
        }
        if (p.getTextCharacters()[p.getTextOffset()] == '-') {
            throw new FormatException(subject.get() + " " + Quote.of(p.getText()) + ", which is negative.");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new FormatException(subject.get() + " " + Quote.of(p.getText()) + ", which is over the largest "
                    + "supported value '" + Long.MAX_VALUE + "'.");
        }
        return p.getLongValue();
    }

    /**
     * A string value as Java holds it, refused when it has an unpaired surrogate: only a {@code \\uD800}-style
     * escape can produce one (the bytes were checked as UTF-8), and serde refuses those escapes.
     */
    public static String wellFormed(String value, String subject) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new FormatException(subject + " " + Quote.of(value)
                        + ", which holds an unpaired UTF-16 surrogate escape.");
            }
        }
        return value;
    }

    /**
     * The document's bytes on their way into the parser, checked as they pass: valid UTF-8 (decoded through a
     * small window, a sequence split between two reads carried over), where the first NUL is, and how the
     * text starts. {@link #finish} reads what the parser left and gives the verdict.
     */
    private static final class CheckedBytes extends InputStream {
        private static final int START_BYTES = 16;

        private final InputStream in;
        private final String what;
        private final long fileOffset;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final CharBuffer window = CharBuffer.allocate(8192);
        /** Bytes of a UTF-8 sequence that the last read cut (at most 3), then each read's bytes. */
        private ByteBuffer pending = ByteBuffer.allocate(0);
        private long consumed;
        private long firstNul = -1;
        /** The first non-whitespace byte and up to 15 after it, for the "not an object" message. */
        private final byte[] start = new byte[START_BYTES];
        private int startLength;
        private FormatException notUtf8;
        /** Where a JSON string (key or value) is: inside one, after its backslash, how many bytes it has so far. */
        private boolean inString;
        private boolean escaped;
        private long stringBytes;
        private final long maxStringBytes = Limits.current().getInt(Limit.JSON_STRING_BYTES);
        /** A string over {@code maxStringBytes}, refused once (the rest of the text is still checked). */
        private boolean tooLong;
        /** That refusal, thrown once the bytes of the read that found it are checked. */
        private FormatException overLimit;

        CheckedBytes(InputStream in, String what, long fileOffset) {
            this.in = in;
            this.what = what;
            this.fileOffset = fileOffset;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (notUtf8 != null) {
                throw notUtf8;
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                check(b, off, n);
            }
            return n;
        }

        private void check(byte[] b, int off, int n) {
            for (int i = 0; i < n; i++) {
                byte c = b[off + i];
                if (c == 0 && firstNul < 0) {
                    firstNul = consumed + i;
                }
                if (startLength > 0 && startLength < START_BYTES || startLength == 0 && !isWhitespace(c)) {
                    start[startLength++] = c;
                }
                countString(c, consumed + i);
            }
            long pendingAt = consumed - pending.remaining();
            ByteBuffer bytes = ByteBuffer.allocate(pending.remaining() + n).put(pending).put(b, off, n).flip();
            consumed += n;
            decode(bytes, pendingAt, false);
            pending = bytes.slice();
            if (overLimit != null) {
                FormatException e = overLimit;
                overLimit = null;
                throw e;
            }
        }

        /**
         * Follows JSON's strings byte by byte (a quote opens or closes one, a backslash escapes the next byte) and
         * refuses one longer than {@link Limit#JSON_STRING_BYTES} before the parser has buffered more of it
         * (Jackson holds a name whole, as bytes, then chars, then a String); the read that finds it throws.
         */
        private void countString(byte c, long at) {
            if (!inString) {
                if (c == '"') {
                    inString = true;
                    stringBytes = 0;
                }
                return;
            }
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                return;
            }
            if (++stringBytes > maxStringBytes && !tooLong) {
                tooLong = true;
                overLimit = new FormatException(what + " holds a string longer than " + maxStringBytes
                        + " bytes, at byte '" + (fileOffset + at) + "' of the file ("
                        + Limit.JSON_STRING_BYTES.raise() + ").");
            }
        }

        /** Decodes {@code bytes}, which start at document offset {@code at}; keeps a cut sequence unread. */
        private void decode(ByteBuffer bytes, long at, boolean end) {
            CoderResult result;
            do {
                window.clear();
                result = decoder.decode(bytes, window, end);
                if (result.isError()) {
                    notUtf8 = new FormatException(what + " is not valid UTF-8: byte '" + (fileOffset + at
                            + bytes.position()) + "' of the file starts a malformed sequence.");
                    throw notUtf8;
                }
            } while (result.isOverflow());
        }

        /** Reads to the end of the document, then refuses it in the reference's order of checks. */
        void finish(long length, String endedEarly) throws IOException {
            byte[] rest = new byte[8192];
            while (read(rest, 0, rest.length) > 0) {
                // checked as read
            }
            decode(pending, consumed - pending.remaining(), true);
            if (consumed != length) {
                throw new FormatException(endedEarly);
            }
            if (startLength == 0) {
                throw new FormatException(what + " holds no JSON, only '" + length + "' bytes of whitespace.");
            }
            if (start[0] != '{') {
                throw new FormatException(what + " is not a JSON object: it starts with "
                        + Quote.of(new String(start, 0, startLength, StandardCharsets.UTF_8)) + ".");
            }
            if (firstNul >= 0) {
                throw new FormatException(what + " is not valid JSON: byte '" + (fileOffset + firstNul)
                        + "' of the file is a NUL.");
            }
        }
    }
}
