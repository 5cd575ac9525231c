package dev.modelsummary.format.safetensors;

import static dev.modelsummary.format.safetensors.StFiles.file;
import static dev.modelsummary.format.safetensors.StFiles.header;
import static dev.modelsummary.format.safetensors.StFiles.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every validation rule of the reference implementation (formats.md 1.3), one byte-built file each, with the
 * exact message. Nested classes follow the reference's order of checks.
 */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    private Model read(byte[] bytes) throws IOException {
        return new SafetensorsReader().read(StFiles.write(dir.resolve("t.safetensors"), bytes), ChannelOpener.FILES);
    }

    private void assertFails(byte[] bytes, String message) {
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(FormatException.class).hasMessage(message);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Nested
    class HeaderLength {
        @ParameterizedTest
        @ValueSource(ints = {0, 1, 7})
        void aFileShorterThanTheLengthFieldIsTooSmall(int size) {
            assertFails(new byte[size],
                    "File is too small to hold the 8-byte header length: it has '" + size + "' bytes.");
        }

        @Test
        void aLengthOverTheLimitIsRefusedBeforeAnythingIsAllocated() {
            assertFails(StFiles.withLength(100_000_001L, ascii("{}"), 0),
                    "Header length '100000001' is over the limit of '100000000' bytes (raise with --limit safetensors-header-bytes=N).");
        }

        @Test
        void aLengthOverLongMaxValueIsPrintedUnsigned() {
            assertFails(StFiles.withLength(-1L, ascii("{}"), 0),
                    "Header length '18446744073709551615' is over the limit of '100000000' bytes (raise with --limit safetensors-header-bytes=N).");
        }

        @Test
        void theLimitItselfIsAllowedAndThenMustFitTheFile() {
            assertFails(StFiles.withLength(100_000_000L, ascii("{}"), 0),
                    "Header length '100000000' runs past the end of the file, which has only '2' bytes after the "
                            + "length field.");
        }

        @Test
        void aLengthPastTheEndOfTheFileIsRefused() {
            assertFails(StFiles.withLength(100, ascii("{}      "), 40),
                    "Header length '100' runs past the end of the file, which has only '48' bytes after the length "
                            + "field.");
        }

        @Test
        void theLimitIsCheckedBeforeTheFileSize() {
            // Both wrong: the reference reports HeaderTooLarge first.
            assertFails(StFiles.withLength(Long.MAX_VALUE, ascii("{}"), 0),
                    "Header length '9223372036854775807' is over the limit of '100000000' bytes (raise with --limit safetensors-header-bytes=N).");
        }
    }

    @Nested
    class Utf8 {
        @ParameterizedTest(name = "{0}")
        @CsvSource({
                "lone continuation byte, 80",
                "invalid byte, ff",
                "overlong slash, c0af",
                "encoded surrogate, eda080",
                "truncated sequence at the end, e282",
        })
        void malformedUtf8IsRefusedWithTheFileOffsetOfTheBadByte(String what, String hex) {
            byte[] bad = java.util.HexFormat.of().parseHex(hex);
            byte[] json = new byte[6 + bad.length];
            System.arraycopy(ascii("{\"ab\":"), 0, json, 0, 6);
            System.arraycopy(bad, 0, json, 6, bad.length);
            // The key's bytes run from file offset 8; the bad sequence starts at 8 + 6.
            assertFails(StFiles.raw(json, 0),
                    "Header is not valid UTF-8: byte '14' of the file starts a malformed sequence.");
        }

        @Test
        void utf8IsCheckedBeforeJson() {
            assertFails(StFiles.raw(new byte[] {'[', (byte) 0xff}, 0),
                    "Header is not valid UTF-8: byte '9' of the file starts a malformed sequence.");
        }

        @Test
        void multiByteNamesAreRead() throws IOException {
            Model model = read(file(header(tensor("größe.π", "F32", "[1]", 0, 4)), 4));
            assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("größe.π");
        }
    }

    /**
     * The header is checked as it streams into the parser, yet fails exactly as if the whole text had been
     * checked first: the text's checks win over an earlier parse error, and chunk boundaries change nothing.
     */
    @Nested
    class Streaming {
        private byte[] concat(String head, int spaces, byte... tail) {
            byte[] text = (head + " ".repeat(spaces)).getBytes(StandardCharsets.UTF_8);
            byte[] json = java.util.Arrays.copyOf(text, text.length + tail.length);
            System.arraycopy(tail, 0, json, text.length, tail.length);
            return StFiles.raw(json, 0);
        }

        @Test
        void aBadByteFarPastASyntaxErrorIsStillTheError() {
            assertFails(concat("{\"a\": x", 200_000, (byte) 0xff),
                    "Header is not valid UTF-8: byte '200015' of the file starts a malformed sequence.");
        }

        @Test
        void aBadByteFarPastARefusedTensorIsStillTheError() {
            assertFails(concat(header(tensor("a", "F99", "[1]", 0, 4)), 100_000, (byte) 0xc3),
                    "Header is not valid UTF-8: byte '100062' of the file starts a malformed sequence.");
        }

        @Test
        void aNulFarPastASyntaxErrorIsStillTheError() {
            assertFails(concat("{\"a\": x", 100_000, (byte) 0), "Header is not valid JSON: byte '100015' of the "
                    + "file is a NUL.");
        }

        /** Found by fuzzing: Jackson guesses UTF-16 or UTF-32 from NULs in the first 4 bytes, and may throw. */
        @Test
        void jacksonNeverGuessesAnotherEncoding() {
            assertFails(StFiles.raw(new byte[] {0, 0, '"', 0}, 0),
                    "Header is not a JSON object: it starts with '\\u0000\\u0000\"\\u0000'.");
            assertFails(StFiles.raw(new byte[] {0, 0, 0, ' ', '(', 'x'}, 0),
                    "Header is not a JSON object: it starts with '\\u0000\\u0000\\u0000 (x'.");
            assertFails(StFiles.raw(new byte[] {' ', '{', 0, 0}, 0), "Header is not valid JSON: byte '10' of the "
                    + "file is a NUL.");
        }

        @Test
        void multiByteCharactersCutByEveryReadAreRead() throws IOException {
            String value = "π€😀".repeat(40_000); // 2, 3 and 4 bytes: some read ends inside each kind
            String json = "{\"__metadata__\":{\"k\":\"" + value + "\"}," + tensor("w", "F32", "[1]", 0, 4) + "}";

            assertThat(read(file(json, 4)).tensors()).extracting(TensorEntry::name).containsExactly("w");
        }
    }

    @Nested
    class JsonStructure {
        @Test
        void syntaxErrorsKeepJacksonsWordsAndPosition() {
            assertFails(file("{\"a\":", 0),
                    "Header is not valid JSON: Unexpected end-of-input within/between Object entries"
                            + " (line 1, column 6).");
            assertFails(file("{a:1}", 0), "Header is not valid JSON: Unexpected character ('a' (code 97)): was "
                    + "expecting double-quote to start field name (line 1, column 2).");
        }

        @Test
        void jacksonsWordsAreEscaped() {
            // Jackson quotes the bad token raw, and ESC counts as part of a Java identifier.
            assertFails(file("{\"a\": x\u001b[2J}", 0), "Header is not valid JSON: Unrecognized token 'x\\u001b': "
                    + "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') "
                    + "(line 1, column 9).");
        }

        /** The reference implementation keeps the last of two same-named tensors; this reader refuses (README). */
        @Test
        void duplicateTensorNamesAreRefused() {
            String a = tensor("a\\n", "F32", "[1]", 0, 4); // a JSON escape: the name holds a newline
            assertFails(file(header(a, a), 4), "Header lists tensor 'a\\u000a' twice.");
        }

        @Test
        void duplicateFieldsInsideATensorAreRefused() {
            assertFails(file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\"}}", 0),
                    "Tensor 'a' has the field 'dtype' twice.");
        }

        @Test
        void unknownFieldsInsideATensorAreSkippedEvenTwice() throws IOException {
            String t = "\"a\":{\"x\":{\"k\":1,\"k\":2},\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":0}";
            assertThat(read(file(header(t), 4)).tensors()).hasSize(1);
        }

        @Test
        void duplicateMetadataKeysAreRefused() {
            assertFails(file("{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}}", 0),
                    "Header's '__metadata__' has the key 'k' twice.");
            assertFails(file("{\"__metadata__\":{},\"__metadata__\":null}", 0), "Header has '__metadata__' twice.");
        }

        @Test
        void theHeaderMustBeAnObject() {
            assertFails(file("[1, 2]", 0), "Header is not a JSON object: it starts with '[1, 2]'.");
            assertFails(file("  ", 0), "Header holds no JSON, only '2' bytes of whitespace.");
        }

        @Test
        void aByteOrderMarkIsNotWhitespace() {
            assertFails(file("\ufeff{}", 0), "Header is not a JSON object: it starts with '\\ufeff{}'.");
        }

        @Test
        void aNulByteIsRefusedBeforeJacksonCouldTakeTheTextForUtf16() {
            assertFails(StFiles.raw(new byte[] {'{', 0, '}', ' '}, 0),
                    "Header is not valid JSON: byte '9' of the file is a NUL.");
        }

        @Test
        void onlyWhitespaceMayFollowTheObject() {
            assertFails(file("{} {}", 0), "Header has more JSON after its object, starting with '{'.");
            assertFails(file("{}x", 0), "Header is not valid JSON: Unrecognized token 'x': was expecting (JSON String, "
                    + "Number, Array, Object or token 'null', 'true' or 'false') (line 1, column 4).");
        }

        @Test
        void commentsAndNanAreNotJson() {
            // Jackson's advice to the programmer ("enable ALLOW_COMMENTS") is cut: the user cannot act on it.
            assertFails(file("{/*c*/}", 0), "Header is not valid JSON: Unexpected character ('/' (code 47)): maybe a "
                    + "(non-standard) comment? (line 1, column 2).");
            assertFails(file(header(tensor("a", "F32", "[NaN]", 0, 4)), 4),
                    "Header is not valid JSON: Non-standard token 'NaN' (line 1, column 33).");
        }

        @Test
        void aTensorMustBeAnObject() {
            assertFails(file("{\"a\":[1]}", 0), "Tensor 'a' is not described by a JSON object.");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}|Tensor 'a' has no 'dtype'.",
                "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}|Tensor 'a' has no 'shape'.",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}|Tensor 'a' has no 'data_offsets'.",
        })
        void everyFieldIsRequired(String json, String message) {
            assertFails(file(json, 4), message);
        }

        @Test
        void unknownFieldsInATensorAreSkipped() throws IOException {
            Model model = read(file("{\"a\":{\"note\":{\"x\":[1,{}]},"
                    + "\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],"
                    + "\"more\":null}}", 4));
            assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("a");
        }

        @ParameterizedTest
        @ValueSource(strings = {"F128", "f32", "FLOAT32", "float32", ""})
        void unknownDtypesAreRefusedCaseSensitively(String dtype) {
            assertFails(file(header(tensor("a", dtype, "[1]", 0, 4)), 4),
                    "Tensor 'a' has the unknown dtype '" + dtype + "'.");
        }

        @Test
        void aDtypeMustBeAString() {
            assertFails(file("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                    "Tensor 'a' has the dtype '4', which is not a string.");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "[-1]|'-1', which is negative",
                "[-0]|'-0', which is negative",
                "[1.0]|'1.0', which is not an integer",
                "[1e2]|'1e2', which is not an integer",
                "[\"2\"]|'2', which is not an integer",
                "[null]|'null', which is not an integer",
                "[[1]]|'[', which is not an integer",
                "[9223372036854775808]|'9223372036854775808', which is over the largest supported value"
                        + " '9223372036854775807'",
        })
        void shapeEntriesMustBeExactNonNegativeIntegers(String shape, String problem) {
            assertFails(file(header(tensor("a", "F32", shape, 0, 4)), 4),
                    "Tensor 'a' has the shape entry " + problem + ".");
        }

        @Test
        void aShapeMustBeAList() {
            assertFails(file(header(tensor("a", "F32", "4", 0, 4)), 4),
                    "Tensor 'a' has a shape that is not a list of integers.");
        }

        @Test
        void aShapeHasAtMost64Dimensions() throws IOException {
            String ones = "[" + "1,".repeat(64) + "1]";
            assertFails(file(header(tensor("a", "F32", ones, 0, 4)), 4),
                    "Tensor 'a' has more than '64' dimensions, the limit (raise with --limit rank=N).");
            String sixtyFour = "[" + "1,".repeat(63) + "1]";
            assertThat(read(file(header(tensor("a", "F32", sixtyFour, 0, 4)), 4)).tensors().get(0).shape().rank())
                    .isEqualTo(64);
        }

        @Test
        void dataOffsetsAreExactlyTwoIntegers() {
            assertFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
                    "Tensor 'a' has '1' data_offsets instead of two.");
            assertFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4),
                    "Tensor 'a' has more than two data_offsets.");
            assertFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}}}", 4),
                    "Tensor 'a' has data_offsets that are not a list of two integers.");
            assertFails(file(header(tensor("a", "F32", "[1]", -4, 4)), 4),
                    "Tensor 'a' has the data offset '-4', which is negative.");
        }

        @Test
        void metadataIsAnObjectOfStringsOrNull() throws IOException {
            assertFails(file("{\"__metadata__\":{\"format\":1}}", 0),
                    "Header's '__metadata__' value for 'format' is not a string.");
            assertFails(file("{\"__metadata__\":[\"pt\"]}", 0),
                    "Header has a '__metadata__' that is not an object of strings.");
            assertThat(read(file("{\"__metadata__\":null}", 0)).tensors()).isEmpty();
        }

        @Test
        void metadataIsNotATensor() throws IOException {
            Model model = read(file(header("\"__metadata__\":{\"format\":\"pt\"}",
                    tensor("a", "F32", "[1]", 0, 4)), 4));
            assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("a");
        }

        @Test
        void unpairedSurrogateEscapesAreRefused() {
            assertFails(file(header(tensor("x\\ud800", "F32", "[1]", 0, 4)), 4),
                    "Header has the key 'x\\ud800', which holds an unpaired UTF-16 surrogate escape.");
        }

        @Test
        void namesLongerThanJacksonsDefaultCapAreRead() throws IOException {
            String name = "n".repeat(60_000);
            assertThat(read(file(header(tensor(name, "F32", "[1]", 0, 4)), 4)).tensors().get(0).name()).isEqualTo(name);
        }

        @Test
        void structureIsCheckedBeforeOffsets() {
            // "a" has a gap, but "b" names an unknown dtype: the parse fails first, as in the reference.
            assertFails(file(header(tensor("a", "F32", "[1]", 4, 8), tensor("b", "F99", "[1]", 8, 12)), 12),
                    "Tensor 'b' has the unknown dtype 'F99'.");
        }
    }

    @Nested
    class Offsets {
        @Test
        void theFirstTensorMustStartAtZero() {
            assertFails(file(header(tensor("a", "F32", "[1]", 4, 8)), 8),
                    "Tensor 'a' starts at data offset '4' where '0' was expected; tensors must fill the data buffer "
                            + "from 0 with no gap or overlap.");
        }

        @Test
        void aGapIsRefused() {
            assertFails(file(header(tensor("a", "F32", "[1]", 0, 4), tensor("b", "F32", "[1]", 8, 12)), 12),
                    "Tensor 'b' starts at data offset '8' where '4' was expected; tensors must fill the data buffer "
                            + "from 0 with no gap or overlap.");
        }

        @Test
        void anOverlapIsRefused() {
            assertFails(file(header(tensor("a", "F32", "[2]", 0, 8), tensor("b", "F32", "[1]", 4, 8)), 8),
                    "Tensor 'b' starts at data offset '4' where '8' was expected; tensors must fill the data buffer "
                            + "from 0 with no gap or overlap.");
        }

        @Test
        void anEndBeforeTheBeginIsRefused() {
            assertFails(file(header(tensor("a", "F32", "[1]", 0, 4), tensor("b", "F32", "[0]", 4, 2)), 4),
                    "Tensor 'b' ends at data offset '2', before it starts at '4'.");
        }

        @Test
        void offsetsAreCheckedInOffsetOrderNotKeyOrder() {
            // Key order b, a; offset order a, b. The gap is after a, so b is the tensor named.
            assertFails(file(header(tensor("b", "F32", "[1]", 8, 12), tensor("a", "F32", "[1]", 0, 4)), 12),
                    "Tensor 'b' starts at data offset '8' where '4' was expected; tensors must fill the data buffer "
                            + "from 0 with no gap or overlap.");
        }

        @Test
        void aSizeErrorAfterAnOffsetErrorIsNotReached() {
            // a (offset 0) has the wrong size; b (offset 4) leaves a gap. a comes first in offset order.
            assertFails(file(header(tensor("b", "F32", "[1]", 8, 12), tensor("a", "F32", "[2]", 0, 4)), 12),
                    "Tensor 'a' spans '4' bytes but its shape (2,) of 'F32' needs '8'.");
        }

        @Test
        void keyOrderIsTheTensorOrderWhateverTheOffsets() throws IOException {
            Model model = read(file(header(tensor("b", "F32", "[1]", 4, 8), tensor("a", "F16", "[2]", 0, 4)), 8));
            assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("b", "a");
        }

        @Test
        void emptyTensorsShareAnOffset() throws IOException {
            Model model = read(file(header(tensor("a", "F32", "[0]", 0, 0), tensor("b", "I8", "[3,0]", 0, 0),
                    tensor("c", "F32", "[]", 0, 4)), 4));
            assertThat(model.tensors()).extracting(TensorEntry::shape)
                    .containsExactly(Shape.of(0), Shape.of(3, 0), Shape.scalar());
        }
    }

    @Nested
    class Sizes {
        @Test
        void theSpanMustBeNumelTimesTheElementSize() {
            assertFails(file(header(tensor("a", "BF16", "[2,3]", 0, 6)), 6),
                    "Tensor 'a' spans '6' bytes but its shape (2, 3) of 'BF16' needs '12'.");
        }

        @Test
        void anElementCountThatOverflowsIsRefused() {
            assertFails(file(header(tensor("a", "U8", "[9223372036854775807,2]", 0, 0)), 0),
                    "Tensor 'a' has the shape (9223372036854775807, 2), whose size in bytes overflows.");
        }

        @Test
        void aBitCountThatOverflowsIsRefused() {
            // 2^60 elements fit a long; 2^60 x 32 bits do not.
            assertFails(file(header(tensor("a", "F32", "[1152921504606846976]", 0, 0)), 0),
                    "Tensor 'a' has the shape (1152921504606846976,), whose size in bytes overflows.");
        }

        @Test
        void subByteTypesMustFillWholeBytes() {
            assertFails(file(header(tensor("a", "F4", "[3]", 0, 2)), 2),
                    "Tensor 'a' has '3' elements of 'F4', which do not fill whole bytes.");
            assertFails(file(header(tensor("a", "F6_E2M3", "[2]", 0, 2)), 2),
                    "Tensor 'a' has '2' elements of 'F6_E2M3', which do not fill whole bytes.");
        }

        @Test
        void subByteTypesAreSizedInBits() throws IOException {
            Model model = read(file(header(tensor("a", "F4", "[2,3]", 0, 3), tensor("b", "F6_E3M2", "[4]", 3, 6)), 6));
            assertThat(model.tensors()).extracting(TensorEntry::dtype)
                    .containsExactly(DType.FLOAT4_E2M1, DType.FLOAT6_E3M2);
            assertThat(model.tensors()).extracting(TensorEntry::bytes).containsExactly(3L, 3L);
        }
    }

    @Nested
    class BufferEnd {
        @Test
        void trailingBytesAreRefused() {
            assertFails(file(header(tensor("a", "F32", "[1]", 0, 4)), 5),
                    "Tensors fill '4' bytes of data but the file holds '5' bytes after the header.");
        }

        @Test
        void missingBytesAreRefused() {
            assertFails(file(header(tensor("a", "F32", "[2]", 0, 8)), 4),
                    "Tensors fill '8' bytes of data but the file holds '4' bytes after the header.");
        }

        @Test
        void noTensorsMeansNoData() throws IOException {
            assertFails(file("{}", 1), "Tensors fill '0' bytes of data but the file holds '1' bytes after the header.");
            assertThat(read(file("{}", 0)).tensors()).isEmpty();
        }

        @Test
        void sizesAreCheckedBeforeTheBufferEnd() {
            assertFails(file(header(tensor("a", "F32", "[2]", 0, 4)), 99),
                    "Tensor 'a' spans '4' bytes but its shape (2,) of 'F32' needs '8'.");
        }
    }

    @Nested
    class Whitespace {
        @Test
        void leadingAndTrailingJsonWhitespaceIsAccepted() throws IOException {
            Model model = read(file(" \t\r\n" + header(tensor("a", "F32", "[1]", 0, 4)) + " \t\r\n    ", 4));
            assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("a");
        }

        @Test
        void otherControlCharactersAreNotWhitespace() {
            assertFails(file("\u000b{}", 0), "Header is not a JSON object: it starts with '\\u000b{}'.");
        }
    }

    @Test
    void theReferenceWritersTestVectorIsRead() throws IOException {
        // tensor.rs test_serialization: {"attn.0": F32 [1, 2, 3]}, header padded to 64 bytes.
        byte[] bytes = new byte[8 + 64 + 24];
        byte[] json = ascii("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}");
        bytes[0] = 64;
        System.arraycopy(json, 0, bytes, 8, json.length);
        List<TensorEntry> tensors = read(bytes).tensors();
        assertThat(tensors).containsExactly(TensorEntry.parameter("attn.0", Shape.of(1, 2, 3), DType.FLOAT32, true));
    }
}
