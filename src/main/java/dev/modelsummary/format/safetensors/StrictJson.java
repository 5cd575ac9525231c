package dev.modelsummary.format.safetensors;

import dev.modelsummary.text.Quote;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limits;
import java.io.IOException;
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
final class StrictJson {
    /**
     * Jackson's default caps (50,000-character names, 20,000,000-character strings) are tighter than the
     * reference; the header itself is bounded by {@link Limits#SAFETENSORS_MAX_HEADER_BYTES}, so let names and
     * strings be as long as that.
     */
    private static final int MAX_TEXT =
            (int) Math.max(Limits.current().safetensorsHeaderBytes(), Limits.current().indexJsonBytes());

    /**
     * Field names are tensor names, nearly all distinct: interning or canonicalising them (Jackson's defaults,
     * meant for the same few keys over and over) only costs time and memory. Measured on a 750,000-tensor,
     * 85 MB header: a plain token loop takes about 1.6 s with the defaults and 0.3 s without.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNameLength(MAX_TEXT).maxStringLength(MAX_TEXT).build())
            .build();

    private StrictJson() {
    }

    /**
     * A parser over {@code json}, after checking what Jackson would otherwise guess about: the text must start
     * (after JSON whitespace) with {@code {} and hold no NUL byte. Without that, Jackson's encoding detection
     * would read {@code "{\0..."} as UTF-16 and a UTF-8 byte-order mark would be skipped; serde accepts neither.
     *
     * @param what       the document named in messages: {@code Header} or {@code Index}
     * @param fileOffset where {@code json} starts in the file, so messages point at the file's bytes
     */
    static JsonParser parser(byte[] json, String what, long fileOffset) throws IOException {
        int first = 0;
        while (first < json.length && isWhitespace(json[first])) {
            first++;
        }
        if (first == json.length) {
            throw new FormatException(what + " holds no JSON, only '" + json.length + "' bytes of whitespace.");
        }
        if (json[first] != '{') {
            throw new FormatException(what + " is not a JSON object: it starts with "
                    + Quote.of(new String(json, first, Math.min(16, json.length - first), StandardCharsets.UTF_8))
                    + ".");
        }
        for (int i = first; i < json.length; i++) {
            if (json[i] == 0) {
                throw new FormatException(what + " is not valid JSON: byte '" + (fileOffset + i)
                        + "' of the file is a NUL.");
            }
        }
        return FACTORY.createParser(json);
    }

    /**
     * Refuses bytes that are not UTF-8 (the reference's first check on the header text), without keeping a
     * decoded copy: the 100 MB worst case goes through an 8K window.
     *
     * @param fileOffset where {@code bytes} start in the file, so the message points at the bad byte
     */
    static void requireUtf8(byte[] bytes, String what, long fileOffset) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer window = CharBuffer.allocate(8192);
        CoderResult result;
        do {
            window.clear();
            result = decoder.decode(in, window, true);
            if (result.isError()) {
                throw new FormatException(what + " is not valid UTF-8: byte '" + (fileOffset + in.position())
                        + "' of the file starts a malformed sequence.");
            }
        } while (result.isOverflow());
    }

    /** JSON's four whitespace bytes; the reference accepts them before and after the header object. */
    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** Where Jackson's messages turn from the problem to a source excerpt or advice for the programmer. */
    private static final String[] JACKSON_ASIDES = {
            " (start marker at", ": enable `", " (not recognized as one since Feature"};

    /** Jackson's syntax error as one sentence: its own words and where, without asides meant for programmers. */
    static FormatException syntaxError(String what, JsonProcessingException e) {
        String detail = e.getOriginalMessage();
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
    static void requireEnd(JsonParser p, String what) throws IOException {
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
    static long nonNegativeLong(JsonParser p, Supplier<String> subject) throws IOException {
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
    static String wellFormed(String value, String subject) {
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
}
