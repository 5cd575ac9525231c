package dev.modelsummary.format.numpy;

import static dev.modelsummary.format.numpy.NpyFiles.header;
import static dev.modelsummary.format.numpy.NpyFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.MemoryOpener;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule the reader checks, on byte-built files, with its exact message. */
class NumpyValidationTest {
    private final NumpyReader reader = new NumpyReader();

    private Model read(String fileName, byte[] bytes) throws IOException {
        return reader.read(Path.of(fileName), new MemoryOpener(bytes));
    }

    private Model readNpy(String headerText, int dataBytes) throws IOException {
        return read("x.npy", npy(headerText, dataBytes));
    }

    private void refusesNpy(String headerText, int dataBytes, String message) {
        assertThatThrownBy(() -> readNpy(headerText, dataBytes)).isInstanceOf(FormatException.class)
                .hasMessage(message);
    }

    @Test
    void aPlainHeaderReads() throws IOException {
        Model model = readNpy(header("<f4", "(3, 4)"), 48);
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("x", Shape.of(3, 4), DType.FLOAT32));
        assertThat(model.format()).isEqualTo("numpy");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "|b1;bool", "|i1;int8", "<i2;int16", "<i4;int32", "<i8;int64", "|u1;uint8", "<u2;uint16",
            "<u4;uint32", "<u8;uint64", "<f2;float16", "<f4;float32", "<f8;float64", "<c8;complex64",
            "<c16;complex128", ">f8;float64", "=i4;int32", "|f4;float32"})
    void everySupportedDescrMapsToItsType(String descr, String torchName) throws IOException {
        assertThat(readNpy(header(descr, "(2,)"), 32).tensors().get(0).dtype().torchName()).isEqualTo(torchName);
    }

    @Test
    void keyOrderWhitespaceTrailingCommasAndDoubleQuotesAreFree() throws IOException {
        Model model = readNpy("{ \"shape\" : ( 2 , 3 , ) ,\n\t'fortran_order':True,'descr':\"<i2\"}   \n", 12);
        assertThat(model.tensors().get(0).shape()).isEqualTo(Shape.of(2, 3));
    }

    @Test
    void scalarsAndEmptyArraysRead() throws IOException {
        assertThat(readNpy(header("<f8", "()"), 8).tensors().get(0).shape()).isEqualTo(Shape.scalar());
        assertThat(readNpy(header("<f8", "(0, 5)"), 0).tensors().get(0).shape()).isEqualTo(Shape.of(0, 5));
    }

    @Test
    void python2LongSuffixesAreReadInVersionOneAndTwoOnly() throws IOException {
        assertThat(readNpy(header("<f4", "(3L, 4L)"), 48).tensors().get(0).shape()).isEqualTo(Shape.of(3, 4));
        byte[] v3 = npy(3, header("<f4", "(3L,)").getBytes(StandardCharsets.UTF_8), 12);
        assertThatThrownBy(() -> read("x.npy", v3)).hasMessage("Header is not a valid Python literal: unexpected "
                + "'L' after the integer '3'; only decimal integers are supported (character 52).");
    }

    @Test
    void versionsTwoAndThreeHaveAFourByteLength() throws IOException {
        for (int major = 2; major <= 3; major++) {
            byte[] file = npy(major, header("<u2", "(5,)").getBytes(StandardCharsets.UTF_8), 10);
            assertThat(read("x.npy", file).tensors().get(0).shape()).isEqualTo(Shape.of(5));
        }
    }

    @Test
    void theMagicAndVersionAreChecked() {
        byte[] file = npy(header("<f4", "(1,)"), 4);
        file[6] = 4;
        assertThatThrownBy(() -> read("x.npy", file))
                .hasMessage("Unsupported .npy format version '4.0'; numpy writes 1.0, 2.0 and 3.0.");
        file[6] = 1;
        file[7] = 1;
        assertThatThrownBy(() -> read("x.npy", file))
                .hasMessage("Unsupported .npy format version '1.1'; numpy writes 1.0, 2.0 and 3.0.");
        assertThatThrownBy(() -> read("x.npy", Arrays.copyOf(file, 7))).hasMessage("File ends inside the .npy header.");
    }

    @Test
    void aHeaderPastTheFileOrNumpysLimitIsRefused() {
        byte[] file = npy(header("<f4", "(1,)"), 4);
        assertThatThrownBy(() -> read("x.npy", Arrays.copyOf(file, 20)))
                .hasMessage("Header of 58 bytes runs past the end of the 20-byte array.");
        String longHeader = header("<f4", "(1,)") + " ".repeat(10_000);
        assertThatThrownBy(() -> readNpy(longHeader, 4))
                .hasMessage("Header is 10058 bytes, over the limit of 10000 characters (numpy's own default "
                        + "max_header_size; raise with --limit npy-header-chars=N).");
        byte[] v3 = npy(3, ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}" + "\u00e9".repeat(9_990))
                .getBytes(StandardCharsets.UTF_8), 4);
        assertThatThrownBy(() -> read("x.npy", v3))
                .hasMessage("Header is 10045 characters, over the limit of 10000 (numpy's own default "
                        + "max_header_size; raise with --limit npy-header-chars=N).");
        byte[] badUtf8 = npy(3, new byte[] {'{', (byte) 0xff, '}'}, 0);
        assertThatThrownBy(() -> read("x.npy", badUtf8)).hasMessage("Version 3.0 header is not valid UTF-8.");
    }

    @Test
    void theDataMustFitInTheFile() {
        refusesNpy(header("<f4", "(3, 4)"), 47, "Array data of 48 bytes (shape (3, 4), 4 bytes each) runs past the "
                + "end: 47 bytes follow the header.");
        refusesNpy(header("<c16", "(4611686018427387904,)"), 0,
                "Array of shape (4611686018427387904,) holds more than 2^63 - 1 bytes.");
        refusesNpy(header("<f4", "(4294967296, 4294967296)"), 0,
                "Array of shape (4294967296, 4294967296) holds more than 2^63 - 1 bytes.");
    }

    @Test
    void theDictMustHaveExactlyNumpysKeys() {
        refusesNpy("{'descr': '<f4', 'shape': (1,)}", 4, "Header has the keys '[descr, shape]'; numpy requires "
                + "exactly 'descr', 'fortran_order' and 'shape'.");
        refusesNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4, "Header has the keys "
                + "'[descr, fortran_order, shape, x]'; numpy requires exactly 'descr', 'fortran_order' and 'shape'.");
        refusesNpy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4,
                "Header is not a valid Python literal: the key 'descr' appears twice (character 17).");
        refusesNpy("('descr', '<f4')", 4, "Header is not a dict literal.");
        refusesNpy("{1: 2}", 4, "Header is not a valid Python literal: a dict key is not a string (character 1).");
    }

    @Test
    void valuesMustHaveTheirTypes() {
        refusesNpy("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", 4,
                "Header's fortran_order is not True or False.");
        refusesNpy(header("<f4", "[1]"), 4, "Header's shape is not a tuple.");
        refusesNpy(header("<f4", "(1)"), 4, "Header's shape is not a tuple.");
        refusesNpy(header("<f4", "(1, 'a')"), 4, "Header's shape holds 'a', not an integer.");
        refusesNpy(header("<f4", "(1, True)"), 4, "Header's shape holds 'true', not an integer.");
        refusesNpy(header("<f4", "(-1,)"), 4, "Header's shape holds the negative dimension '-1'.");
        refusesNpy(header("<f4", "(" + "1, ".repeat(65) + ")"), 4,
                "Header's shape has 65 dimensions, over the limit of 64 (raise with --limit rank=N).");
        refusesNpy("{'descr': 4, 'fortran_order': False, 'shape': (1,)}", 4, "Header's descr is not a string.");
    }

    @Test
    void theRankLimitCanBeRaised() throws IOException {
        Limits raised = Limits.DEFAULT.with(Limit.RANK, 70);
        Model model = raised.using(() -> readNpy(header("<f4", "(" + "1, ".repeat(65) + ")"), 4));
        assertThat(model.tensors().get(0).shape().rank()).isEqualTo(65);
    }

    @Test
    void unsupportedDtypesAreRefusedByKind() {
        // an object array's data is a pickle, scanned: eight zero bytes are not one
        refusesNpy(header("|O", "(1,)"), 8, "Pickle has unsupported opcode 0x00 at byte 0.");
        refusesNpy(header("|O8", "(1,)"), 8, "Header's descr '|O8' is not a dtype numpy writes ('|O' is an object "
                + "array).");
        refusesNpy("{'descr': ('<f4', (2,)), 'fortran_order': False, 'shape': (1,)}", 8,
                "Header's descr is a sub-array dtype (a tuple), which is not supported.");
        refusesNpy(header("<U5", "(1,)"), 20, "Header's descr '<U5' is not a supported dtype (b1, i1-i8, u1-u8, f2, "
                + "f4, f8, c8, c16).");
        refusesNpy(header("<f16", "(1,)"), 16, "Header's descr '<f16' is not a supported dtype (b1, i1-i8, u1-u8, "
                + "f2, f4, f8, c8, c16).");
        refusesNpy(header("f4", "(1,)"), 4, "Header's descr 'f4' does not start with a byte-order character "
                + "('<', '>', '|' or '=').");
    }

    @Test
    void theLiteralParserIsStrict() {
        refusesNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (0x10,)}", 4, "Header is not a valid Python "
                + "literal: unexpected 'x' after the integer '0'; only decimal integers are supported (character 52).");
        refusesNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (01,)}", 4, "Header is not a valid Python "
                + "literal: the integer '01' has a leading zero, which Python refuses (character 51).");
        refusesNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}", 4, "Header is not a valid Python "
                + "literal: unexpected '.' after the integer '1'; only decimal integers are supported (character 52).");
        refusesNpy("{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", 4, "Header is not a valid Python "
                + "literal: the name 'false' is not a literal (character 34).");
        refusesNpy("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,)}", 4, "Header is not a valid Python "
                + "literal: escape sequences in strings are not supported (character 13).");
        refusesNpy("{'descr': '<f4, 'fortran_order': False}", 4, "Header is not a valid Python literal: expected "
                + "',' or '}' but found 'f' (character 17).");
        refusesNpy("{'descr': '<f4\n', 'fortran_order': False, 'shape': (1,)}", 4, "Header is not a valid Python "
                + "literal: a string is not closed (character 14).");
        refusesNpy("{'descr': '<f4' 'fortran_order': False}", 4, "Header is not a valid Python literal: expected ',' "
                + "or '}' but found ''' (character 16).");
        refusesNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} {}", 4, "Header is not a valid Python "
                + "literal: unexpected '{' after the literal (character 56).");
        refusesNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 4, "Header is not a "
                + "valid Python literal: the integer '99999999999999999999' does not fit in 64 bits (character 51).");
        refusesNpy("{'descr': '<f4', ", 4, "Header is not a valid Python literal: the header ends where a value "
                + "should be (character 17).");
        refusesNpy("(".repeat(40), 4, "Header is not a valid Python literal: brackets nested more than 32 deep; "
                + "raise with --limit npy-header-depth=N (character 33).");
        refusesNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), # comment\n}", 4, "Header is not a "
                + "valid Python literal: unexpected '#' (character 56).");
    }

    @Test
    void structuredDescrsAreCheckedFieldByField() throws IOException {
        String dict = "{'descr': %s, 'fortran_order': False, 'shape': (2,), }";
        Model model = readNpy(String.format(dict, "[('a', '<f4'), ('', '|V4'), ('', '<i2', 3)]"), 2 * 18);
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::shape)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("x.a", Shape.of(2)),
                        org.assertj.core.groups.Tuple.tuple("x.f2", Shape.of(2, 3)));
        refusesNpy(String.format(dict, "[('a', '<f4')]"), 7, "Array data of 8 bytes (shape (2,), 4 bytes each) runs "
                + "past the end: 7 bytes follow the header.");
        refusesNpy(String.format(dict, "[('a', '|O')]"), 16, "Header's structured descr has the object field 'a': "
                + "numpy pickles such an array, which is not supported.");
        refusesNpy(String.format(dict, "[('a', '<f4'), ('a', '<f4')]"), 16, "Header's structured descr names the "
                + "field 'a' twice, which numpy refuses.");
        refusesNpy(String.format(dict, "[(('t', 'a'), '<f4')]"), 8, "Header's structured descr has a field name "
                + "that is not a string (titled fields are not supported).");
        refusesNpy(String.format(dict, "['a']"), 8, "Header's structured descr holds 'a', not a (name, descr) or "
                + "(name, descr, shape) tuple.");
        refusesNpy(String.format(dict, "[]"), 0, "Header's descr is a structured dtype without fields.");
        refusesNpy(String.format(dict, "[('a', '<f8', (1099511627776, 1099511627776))]"), 0, "Header's structured "
                + "descr has items of more than 2^63 - 1 bytes.");
    }

    @Test
    void noRaisedDepthLimitEndsInACrash() throws Exception {
        Limits deep = Limits.DEFAULT.with(Limit.NPY_HEADER_DEPTH, 1_000_000).with(Limit.NPY_HEADER_CHARS, 3_000_000);
        String header = "[".repeat(1_000_000) + "]".repeat(1_000_000);
        assertThatThrownBy(() -> deep.using(() -> read("x.npy", npy(3, header.getBytes(StandardCharsets.UTF_8), 0))))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("Header is not a valid Python literal: "
                        + "brackets nested deeper than this run's stack allows");
        // Within the stack, the raised limit is honoured: 300 deep parses (and fails later, on its meaning).
        assertThatThrownBy(() -> deep.using(() -> read("x.npy", npy(3, ("[".repeat(300) + "]".repeat(300))
                .getBytes(StandardCharsets.UTF_8), 0)))).hasMessage("Header is not a dict literal.");
    }

    @Test
    void anArchiveNamesItsArraysAfterItsMembers() throws IOException {
        byte[] zip = new ZipBuilder().add("w.npy", npy(header("<f4", "(2,)"), 8))
                .add("sub/b.npy", npy(header("<i8", "()"), 8)).build();
        assertThat(read("x.npz", zip).tensors()).extracting(TensorEntry::name).containsExactly("w", "sub/b");
    }

    @Test
    void aMemberThatIsNotAnArrayIsSkippedWithAWarning() throws IOException {
        byte[] zip = new ZipBuilder().add("w.npy", npy(header("<f4", "(2,)"), 8))
                .add("notes.txt", "hello".getBytes(StandardCharsets.US_ASCII)).build();
        Model model = read("x.npz", zip);
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("w");
        assertThat(model.warnings()).containsExactly("ZIP member 'notes.txt' is not a .npy array; skipped.");
        byte[] none = new ZipBuilder().add("notes.txt", new byte[3]).build();
        assertThatThrownBy(() -> read("x.npz", none))
                .hasMessage("ZIP archive holds no .npy members, so it is not a NumPy .npz archive.");
    }

    @Test
    void aMembersProblemNamesTheMember() {
        byte[] zip = new ZipBuilder().add("w.npy", npy(header("<f4", "(3,)"), 8)).build();
        assertThatThrownBy(() -> read("x.npz", zip)).hasMessage("Member 'w.npy': Array data of 12 bytes (shape "
                + "(3,), 4 bytes each) runs past the end: 8 bytes follow the header.");
        byte[] notNpy = new ZipBuilder().add("w.npy", "PK".getBytes(StandardCharsets.US_ASCII)).build();
        assertThatThrownBy(() -> read("x.npz", notNpy)).hasMessage("Member 'w.npy': Member ends inside the .npy header.");
        byte[] wrongMagic = new ZipBuilder().add("w.npy", new byte[16]).build();
        assertThatThrownBy(() -> read("x.npz", wrongMagic))
                .hasMessage("Member 'w.npy': Not a .npy array: it does not start with \\x93NUMPY.");
    }

    @Test
    void deflatedMembersAreInflatedToTheirHeaders() throws IOException {
        byte[] zip = NpyFiles.deflatedZip(new String[] {"a.npy", "b.npy"},
                new byte[][] {npy(header("<f4", "(100, 100)"), 40_000), npy(header(">i2", "(3,)"), 6)});
        assertThat(read("x.npz", zip).tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", Shape.of(100, 100), DType.FLOAT32),
                        org.assertj.core.groups.Tuple.tuple("b", Shape.of(3), DType.INT16));
    }

    @Test
    void deflatedDataThatEndsOrIsCorruptIsRefused() {
        byte[] shortMember = NpyFiles.deflatedZip(new String[] {"a.npy"},
                new byte[][] {Arrays.copyOf(npy(header("<f4", "(1,)"), 4), 20)});
        assertThatThrownBy(() -> read("x.npz", shortMember))
                .hasMessage("Member 'a.npy': Header of 58 bytes runs past the end of the 20-byte array.");
        byte[] zip = NpyFiles.deflatedZip(new String[] {"a.npy"}, new byte[][] {npy(header("<f4", "(1,)"), 4)});
        // The deflated bytes start after the 30-byte local header and the 5-byte name: make them a reserved block type.
        zip[35] = (byte) 0x07;
        assertThatThrownBy(() -> read("x.npz", zip)).hasMessage("Member 'a.npy': Deflated data is corrupt.");
    }

    @Test
    void anEmptyArchiveHoldsNoArrays() throws IOException {
        assertThat(read("x.npz", new ZipBuilder().build()).tensors()).isEmpty();
    }
}
