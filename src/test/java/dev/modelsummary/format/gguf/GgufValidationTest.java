package dev.modelsummary.format.gguf;

import static dev.modelsummary.format.gguf.GgufBytes.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.Facts;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.MemoryOpener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every validation rule on byte-built files, with its exact message. */
class GgufValidationTest {
    private static final int F32 = 0;
    private static final int F16 = 1;
    private static final int Q4_0 = 2;

    private static GgufReader.Read read(byte[] bytes) throws IOException {
        return new GgufReader().readWithMetadata(Path.of("t.gguf"), new MemoryOpener(bytes));
    }

    private static void refused(byte[] bytes, String message) {
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(FormatException.class).hasMessage(message);
    }

    /** One F32 tensor 'w' of ggml dims [4, 2] (PyTorch [2, 4]), 32 bytes of data. */
    private static byte[] oneTensor(int version) {
        return header(version, 1, 1).kvString("general.architecture", "llama")
                .tensor("w", F32, 0, 4, 2).withData(32, 32);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void eachVersionReadsItsWidths(int version) throws IOException {
        GgufReader.Read read = read(oneTensor(version));
        Model model = read.model();
        assertThat(model.format()).isEqualTo("gguf");
        assertThat(model.name()).isEqualTo("t");
        assertThat(model.tensors()).containsExactly(TensorEntry.parameter("w", Shape.of(2, 4), DType.FLOAT32, true));
        assertThat(read.metadata().version()).isEqualTo(version);
        assertThat(read.metadata().architecture()).isEqualTo("llama");
        assertThat(read.metadata().alignment()).isEqualTo(32);
    }

    @Test
    void noTensorsAndNoMetadataIsAnEmptyModel() throws IOException {
        assertThat(read(header(3, 0, 0).build()).model().tensors()).isEmpty();
    }

    @Test
    void aScalarHasNoDimensions() throws IOException {
        byte[] b = header(3, 1, 0).tensor("s", F32, 0).withData(32, 4);
        assertThat(read(b).model().tensors().get(0).shape()).isEqualTo(Shape.scalar());
    }

    // ---- magic and version ----

    @Test
    void magicMustBeGguf() {
        byte[] b = oneTensor(3);
        b[3] = 'X';
        refused(b, "Not a GGUF file: it does not start with 'GGUF'.");
        refused("GGU".getBytes(StandardCharsets.US_ASCII), "Not a GGUF file: it does not start with 'GGUF'.");
    }

    @Test
    void versionZeroIsInvalid() {
        refused(header(0, 0, 0).build(), "GGUF version is '0', which is invalid.");
    }

    @Test
    void bigEndianIsRefusedAsGgmlRefusesIt() {
        refused(header(3 << 24, 0, 0).build(), "GGUF version reads as '50331648': the file is big-endian, and only "
                + "little-endian files are read (as ggml reads them).");
    }

    @Test
    void versionsPastThreeAreUnsupported() {
        refused(header(4, 0, 0).build(), "GGUF version '4' is not supported (versions 1 to 3 are).");
    }

    @Test
    void truncatedCountsEndTheFile() {
        byte[] b = header(3, 0, 0).build();
        refused(java.util.Arrays.copyOf(b, 12), "File ends inside the tensor count.");
    }

    // ---- counts ----

    @Test
    void negativeCountsAreRefused() {
        refused(header(3, -1, 0).build(), "Header's tensor count '18446744073709551615' is negative as an int64.");
        refused(header(3, 0, -2).build(),
                "Header's metadata key/value count '18446744073709551614' is negative as an int64.");
    }

    @Test
    void tensorCountIsBoundedByTheLimit() throws Exception {
        Limits low = Limits.DEFAULT.with(Limit.TENSORS, 2);
        assertThatThrownBy(() -> low.using(() -> read(header(3, 3, 0).build())))
                .hasMessage("Header declares '3' tensors, over the limit of '2' (raise with --limit tensors=N).");
    }

    @Test
    void keyCountIsBounded() {
        refused(header(3, 0, 1_000_001).build(), "Header declares '1000001' metadata keys, over the limit of '1000000' "
                + "(raise with --limit gguf-metadata-keys=N).");
    }

    @Test
    void moreKeysThanTheFileHoldsEndTheFile() {
        refused(header(3, 0, 5).kvU32("a", 1).build(), "File ends inside metadata key 2.");
    }

    // ---- metadata ----

    @Test
    void keysMustNotBeEmpty() {
        refused(header(3, 0, 1).kvU32("", 1).build(), "Metadata key 1 is empty.");
    }

    @Test
    void keysMustBeUnique() {
        refused(header(3, 0, 2).kvU32("a.b", 1).kvU32("a.b", 2).build(), "Metadata key 'a.b' appears twice.");
    }

    @Test
    void aRepeatedKeyIsFoundFarFromItsFirstUseAndAmongMany() {
        GgufBytes b = header(3, 0, 2002);
        for (int i = 0; i < 1000; i++) {
            b.kvU32("k." + i, i);
        }
        b.kvString("general.name", "x");
        for (int i = 1000; i < 2000; i++) {
            b.kvU32("k." + i, i);
        }
        b.kvU32("k.17", 3);
        refused(b.build(), "Metadata key 'k.17' appears twice.");
    }

    @Test
    void manyDistinctKeysAreRead() throws IOException {
        GgufBytes b = header(3, 0, 20_000);
        for (int i = 0; i < 19_999; i++) {
            b.kvU32("k." + i, i);
        }
        b.kvString("general.name", "last");
        assertThat(read(b.build()).metadata().name()).isEqualTo("last");
    }

    @Test
    void keyBytesAreBoundedAndTheLineNamesTheLimit() throws Exception {
        Limits low = Limits.DEFAULT.with(Limit.GGUF_METADATA_KEY_BYTES, 5);
        assertThatThrownBy(() -> low.using(() -> read(header(3, 0, 2).kvU32("abc", 1).kvU32("def", 2).build())))
                .hasMessage("Metadata keys take more than '5' bytes, the limit (raise with --limit "
                        + "gguf-metadata-key-bytes=N).");
    }

    @Test
    void stringLengthsAreCappedAtOneGibibyte() {
        refused(header(3, 0, 1).u64(1L << 31).build(),
                "String length '2147483648' in metadata key 1 is over ggml's limit of '1073741824' bytes.");
        refused(header(3, 0, 1).u64(-1).build(),
                "String length '18446744073709551615' in metadata key 1 is over ggml's limit of '1073741824' bytes.");
    }

    @Test
    void stringLengthsMustFitTheFile() {
        refused(header(3, 0, 1).string("k").u32(GgufHeader.STRING).u64(100).raw(new byte[10]).build(),
                "File ends inside the value of metadata key 'k'.");
    }

    @Test
    void unknownValueTypesAreRefused() {
        refused(header(3, 0, 1).string("k").u32(13).u32(0).build(), "Type '13' of the value of metadata key 'k' "
                + "is not a GGUF type.");
    }

    @Test
    void arraysOfArraysAreRefusedAsGgmlRefusesThem() {
        refused(header(3, 0, 1).string("k").u32(GgufHeader.ARRAY).u32(GgufHeader.ARRAY).u64(0).build(),
                "The array in the value of metadata key 'k' holds arrays, which ggml does not read.");
    }

    @Test
    void arrayElementTypesMustBeKnown() {
        refused(header(3, 0, 1).string("k").u32(GgufHeader.ARRAY).u32(99).u64(0).build(),
                "The array in the value of metadata key 'k' has element type '99', which is not a GGUF type.");
    }

    @Test
    void arrayCountsAreCappedAndMustFitTheFile() {
        refused(header(3, 0, 1).string("k").u32(GgufHeader.ARRAY).u32(GgufHeader.UINT8).u64((1L << 30) + 1).build(),
                "The array in the value of metadata key 'k' declares '1073741825' elements, over ggml's limit of "
                        + "'1073741824'.");
        refused(header(3, 0, 1).string("k").u32(GgufHeader.ARRAY).u32(GgufHeader.UINT64).u64(1000).build(),
                "File ends inside the value of metadata key 'k'.");
        refused(header(3, 0, 1).string("k").u32(GgufHeader.ARRAY).u32(GgufHeader.STRING).u64(1000).build(),
                "File ends inside the value of metadata key 'k'.");
    }

    @Test
    void skippedValuesOfEveryTypeAreSteppedOver() throws IOException {
        GgufBytes b = header(3, 0, 15);
        b.string("u8").u32(0).u8(1).string("i8").u32(1).u8(-1).string("u16").u32(2).u16(1)
                .string("i16").u32(3).u16(1).string("u32").u32(4).u32(1).string("i32").u32(5).u32(1)
                .string("f32").u32(6).u32(1).string("bool").u32(7).u8(1).string("str").u32(8).string("x")
                .string("u64").u32(10).u64(1).string("i64").u32(11).u64(1).string("f64").u32(12).u64(1)
                .string("arr").u32(9).u32(8).u64(2).string("a").string("bc")
                .string("arr2").u32(9).u32(12).u64(2).u64(0).u64(0)
                .kvString("general.name", "n");
        assertThat(read(b.build()).metadata().name()).isEqualTo("n");
    }

    @Test
    void factsNameTheFileTypeAndCutALongName() throws IOException {
        String longName = "n".repeat(1000);
        GgufBytes g = header(3, 0, 4)
                .kvString("general.architecture", "llama")
                .kvString("general.name", longName)
                .kvU32("general.file_type", 15)
                .kvU32("general.quantization_version", 2);
        Model model = read(g.build()).model();

        assertThat(model.details().facts()).extracting(f -> f.label() + ": " + f.value())
                .containsExactly("architecture: llama", "name: " + "n".repeat(Facts.MAX_VALUE_CHARS - 1) + "…",
                        "file type: MOSTLY_Q4_K_M (15)", "quantization version: 2", "GGUF version: 3");
    }

    @Test
    void anUnnamedFileTypeIsShownAsItsNumber() throws IOException {
        Model model = read(header(3, 0, 1).kvU32("general.file_type", 40).build()).model();

        // 40 is both TQ3_0 and Q1_0 in llama.h as read: a number with two meanings is not named.
        assertThat(model.details().facts()).contains(new Fact("file type", "40"));
    }

    @Test
    void keptMetadataIsReturned() throws IOException {
        GgufBytes g = header(3, 0, 8)
                .string("llama.context_length").u32(GgufHeader.UINT32).u32(4096)
                .kvString("general.architecture", "llama")
                .kvString("general.name", "tiny")
                .kvU32("general.file_type", 15)
                .string("split.no").u32(GgufHeader.UINT16).u16(0)
                .string("split.count").u32(GgufHeader.UINT16).u16(1)
                .string("split.tensors.count").u32(GgufHeader.INT32).u32(0)
                .string("other.context_length").u32(GgufHeader.UINT64).u64(7);
        GgufMetadata m = read(g.build()).metadata();
        assertThat(m).isEqualTo(new GgufMetadata(3, 32, "llama", "tiny", 15L, 4096L, 0L, 1L, 0L, null));
    }

    @Test
    void alignmentMustBeUint32() {
        refused(header(3, 0, 1).string("general.alignment").u32(GgufHeader.UINT64).u64(32).build(),
                "Metadata key 'general.alignment' has type '10'; it must be UINT32 ('4').");
    }

    @Test
    void alignmentMustBeAPowerOfTwo() {
        refused(header(3, 0, 1).kvU32("general.alignment", 0).build(), "Alignment '0' is not a power of two.");
        refused(header(3, 0, 1).kvU32("general.alignment", 48).build(), "Alignment '48' is not a power of two.");
    }

    @Test
    void alignmentPlacesTheDataSection() throws IOException {
        byte[] b = header(3, 2, 1).kvU32("general.alignment", 64)
                .tensor("a", F32, 0, 1).tensor("b", F32, 64, 1).withData(64, 68);
        GgufReader.Read read = read(b);
        assertThat(read.metadata().alignment()).isEqualTo(64);
        assertThat(read.model().tensors()).hasSize(2);
    }

    // ---- tensor infos ----

    @Test
    void namesMustBeShorterThanSixtyFourBytes() throws IOException {
        String ok = "n".repeat(63);
        assertThat(read(header(3, 1, 0).tensor(ok, F32, 0, 1).withData(32, 4)).model().tensors()).hasSize(1);
        refused(header(3, 1, 0).tensor("n".repeat(64), F32, 0, 1).withData(32, 4),
                "Tensor 1's name is '64' bytes; ggml allows at most '63'.");
    }

    @Test
    void namesMustBeUnique() {
        refused(header(3, 2, 0).tensor("w", F32, 0, 1).tensor("w", F32, 32, 1).withData(32, 36),
                "Tensor 'w' appears twice.");
    }

    @Test
    void atMostFourDimensions() {
        refused(header(3, 1, 0).tensor("w", F32, 0, 1, 1, 1, 1, 1).withData(32, 4),
                "Tensor 'w' has '5' dimensions; ggml allows at most '4'.");
    }

    @Test
    void dimensionsMustNotBeNegative() {
        refused(header(3, 1, 0).tensor("w", F32, 0, -1).withData(32, 4),
                "Tensor 'w' has dimension '18446744073709551615', negative as an int64.");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 31, 32, 33, 36, 37, 38, 43, -1})
    void typesWithoutAKnownSizeAreRefused(int type) {
        refused(header(3, 1, 0).tensor("w", type, 0, 32).withData(32, 64), "Tensor 'w' has ggml type '" + type
                + "', which has no known size (a removed type, or one newer than this reader).");
    }

    @Test
    void theInnermostDimensionMustHoldWholeBlocks() {
        refused(header(3, 1, 0).tensor("w", Q4_0, 0, 16, 2).withData(32, 18),
                "Tensor 'w' has '16' elements in its innermost dimension, not a multiple of q4_0's block of '32'.");
    }

    @Test
    void blockQuantizedSizesFollowTheBlocks() throws IOException {
        // q4_0, ggml dims [64, 3]: 2 blocks of 18 bytes per row, 3 rows = 108 bytes.
        byte[] b = header(3, 2, 0).tensor("q", Q4_0, 0, 64, 3).tensor("h", F16, 128, 3).withData(32, 134);
        Model model = read(b).model();
        assertThat(model.tensors()).extracting(TensorEntry::shape, TensorEntry::dtype, TensorEntry::bytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Shape.of(3, 64), DType.Q4_0, 108L),
                        org.assertj.core.groups.Tuple.tuple(Shape.of(3), DType.FLOAT16, 6L));
    }

    @Test
    void sizesThatOverflowAreRefused() {
        refused(header(3, 1, 0).tensor("w", F32, 0, 1L << 40, 1L << 30).withData(32, 4), "Tensor 'w' has ggml shape "
                + "(1099511627776, 1073741824, 1, 1): ggml refuses it, as its number of elements is 2^63 - 1 or more.");
        // 2^61 f64 values: the count fits, the 2^64 bytes do not.
        refused(header(3, 1, 0).tensor("w", 28, 0, 1L << 61).withData(32, 4), "Tensor 'w''s size does not fit in 64 bits.");
    }

    @Test
    void aZeroDimensionAnywhereHoldsNothing() throws IOException {
        long big = 1L << 62;
        // ggml order (0, 2^62, 2^62): ggml's test passes it (INT64_MAX/2^62 = 1 > 0 * ...).
        assertThat(read(header(3, 1, 0).tensor("w", F32, 0, 0, big, big).withData(32, 0)).model().tensors())
                .extracting(TensorEntry::shape, TensorEntry::bytes).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Shape.of(big, big, 0), 0L));
        // (2^62, 0, 2^62): ggml would divide by zero; the count is 0.
        assertThat(read(header(3, 1, 0).tensor("w", F32, 0, big, 0, big).withData(32, 0)).model().tensors())
                .extracting(TensorEntry::bytes).containsExactly(0L);
        assertThat(Shape.of(big, big, 0).numel()).isZero();
    }

    @Test
    void elementCountsAreCheckedAsGgmlChecksThem() throws IOException {
        long big = 1L << 62;
        // (2^62, 2^62, 0): INT64_MAX/ne[1] = 1 <= ne[0], refused by ggml before the zero is reached.
        refused(header(3, 1, 0).tensor("w", F32, 0, big, big, 0).withData(32, 0), "Tensor 'w' has ggml shape "
                + "(4611686018427387904, 4611686018427387904, 0, 1): ggml refuses it, as its number of elements "
                + "is 2^63 - 1 or more.");
        assertThat(GgufHeader.tooManyElements(new long[] {Long.MAX_VALUE})).isTrue(); // INT64_MAX/1 <= ne[0]
        assertThat(GgufHeader.tooManyElements(new long[] {Long.MAX_VALUE - 1, 1})).isFalse();
        assertThat(GgufHeader.tooManyElements(new long[] {1L << 31, 1L << 31, 1})).isFalse();
        assertThat(GgufHeader.tooManyElements(new long[] {1L << 31, 1L << 31, 2})).isTrue(); // 2^63
        assertThat(GgufHeader.tooManyElements(new long[] {1L << 31, 1L << 31, 1L << 2})).isTrue();
        assertThat(GgufHeader.tooManyElements(new long[] {0, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE}))
                .isFalse();
        assertThat(GgufHeader.tooManyElements(new long[] {3, 5, 7, 1L << 40})).isFalse();
    }

    private static final int Q8_1 = 9;

    @Test
    void q81TensorsLaidOutByGgufPyAreReadWithAWarning() throws IOException {
        // 8 blocks of Q8_1: ggml 288 bytes (next at 288), gguf-py 320 (next at 320).
        Model py = read(header(3, 2, 0).tensor("q", Q8_1, 0, 32, 8).tensor("h", F32, 320, 1).withData(32, 352))
                .model();
        assertThat(py.tensors()).extracting(TensorEntry::name).containsExactly("q", "h");
        assertThat(py.warnings()).singleElement().asString().startsWith("Its Q8_1 tensors are laid out in 40-byte "
                + "blocks, as gguf-py's table (GGML_QUANT_SIZES) sizes them;");
        Model ggml = read(header(3, 2, 0).tensor("q", Q8_1, 0, 32, 8).tensor("h", F32, 288, 1).withData(32, 320))
                .model();
        assertThat(ggml.tensors()).extracting(TensorEntry::bytes).containsExactly(288L, 4L);
        assertThat(ggml.warnings()).isEmpty();
        refused(header(3, 2, 0).tensor("q", Q8_1, 0, 32, 8).tensor("h", F32, 352, 1).withData(32, 384),
                "Tensor 'h' has offset '352'; ggml requires '288' (right after the previous tensor, aligned to '32').");
    }

    @Test
    void aLastQ81TensorIsGgufPysWhenTheFileEndsWhereItsBlocksEnd() throws IOException {
        assertThat(read(header(3, 1, 0).tensor("q", Q8_1, 0, 32, 8).withData(32, 320)).model().warnings())
                .hasSize(1);
        assertThat(read(header(3, 1, 0).tensor("q", Q8_1, 0, 32, 8).withData(32, 288)).model().warnings())
                .isEmpty();
        assertThat(read(header(3, 1, 0).tensor("q", Q8_1, 0, 32, 8).withData(32, 300)).model().warnings())
                .isEmpty();
    }

    @Test
    void offsetsOverTheInt64RangeAreRefused() {
        refused(header(3, 1, 0).tensor("w", F32, -1, 1).withData(32, 4),
                "Tensor 'w' has offset '18446744073709551615', over the int64 range.");
    }

    @Test
    void offsetsMustBeAligned() {
        refused(header(3, 1, 0).tensor("w", F32, 4, 1).withData(32, 8),
                "Tensor 'w' has offset '4', not a multiple of the alignment '32'.");
    }

    @Test
    void theFirstTensorStartsTheDataSection() {
        refused(header(3, 1, 0).tensor("w", F32, 32, 1).withData(32, 64),
                "Tensor 'w' has offset '32'; ggml requires '0' (right after the previous tensor, aligned to '32').");
    }

    @Test
    void offsetsMustBeExactlySequential() {
        // 'a' is 40 bytes, so 'b' belongs at 64: 32 overlaps 'a', 96 leaves a gap, and order is the info order.
        refused(header(3, 2, 0).tensor("a", F32, 0, 10).tensor("b", F32, 32, 1).withData(32, 100),
                "Tensor 'b' has offset '32'; ggml requires '64' (right after the previous tensor, aligned to '32').");
        refused(header(3, 2, 0).tensor("a", F32, 0, 10).tensor("b", F32, 96, 1).withData(32, 100),
                "Tensor 'b' has offset '96'; ggml requires '64' (right after the previous tensor, aligned to '32').");
        refused(header(3, 2, 0).tensor("a", F32, 64, 10).tensor("b", F32, 0, 1).withData(32, 100),
                "Tensor 'a' has offset '64'; ggml requires '0' (right after the previous tensor, aligned to '32').");
    }

    @Test
    void tensorsMustEndWithinTheFile() throws IOException {
        GgufBytes b = header(3, 1, 0).tensor("w", F32, 0, 10);
        int dataStart = (b.size() + 31) / 32 * 32;
        assertThat(read(header(3, 1, 0).tensor("w", F32, 0, 10).withData(32, 40)).model().tensors()).hasSize(1);
        refused(b.withData(32, 39), "Tensor 'w' ('40' bytes at data offset '0') ends past the end of the file ('"
                + (dataStart + 39) + "' bytes).");
    }

    @Test
    void theWholeDataSectionMissingIsRefused() {
        refused(header(3, 1, 0).tensor("w", F32, 0, 1).build(), "Tensor 'w' ('4' bytes at data offset '0') ends "
                + "past the end of the file ('57' bytes).");
    }

    @Test
    void truncatedTensorInfosEndTheFile() {
        byte[] b = header(3, 1, 0).tensor("w", F32, 0, 4, 2).build();
        refused(java.util.Arrays.copyOf(b, b.length - 3), "File ends inside the info of tensor 'w'.");
    }

    @Test
    void valuesFromTheFileAreQuotedAndEscaped() {
        refused(header(3, 2, 0).tensor("a\nb", F32, 0, 1).tensor("a\nb", F32, 32, 1).withData(32, 36),
                "Tensor 'a\\u000ab' appears twice.");
    }

    @Test
    void sniffsTheMagic() {
        GgufReader reader = new GgufReader();
        assertThat(reader.sniff("GGUF\3\0\0\0".getBytes(StandardCharsets.ISO_8859_1), 8)).isTrue();
        assertThat(reader.sniff("GGUX".getBytes(StandardCharsets.ISO_8859_1), 4)).isFalse();
        assertThat(reader.sniff("GGU".getBytes(StandardCharsets.ISO_8859_1), 3)).isFalse();
        assertThat(reader.extensions()).containsExactly(".gguf");
    }
}
