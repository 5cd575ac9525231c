package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.PickleBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw pickles built opcode by opcode: NumPy arrays as pickle.dump writes them (protocol 3), and broken ones. */
class PickleFileReaderTest {
    @TempDir
    Path dir;

    /** {@code _reconstruct(ndarray, (0,), b'b')} with BUILD {@code (1, shape, dtype(code), False, <bytes>)}. */
    private static PickleBuilder array(PickleBuilder b, String code, long[] shape, long dataBytes) {
        b.global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray").int1(0).op(0x85)
                .op('C').u8(1).u8('b').op(0x87).reduce();
        b.mark().int1(1).mark();
        for (long dim : shape) {
            b.op('J').le(dim, 4);
        }
        b.tuple();
        b.global("numpy", "dtype").str(code).op(0x89).op(0x88).op(0x87).reduce()
                .mark().int1(3).str("<").none().none().none().int4(-1).int4(-1).int1(0).tuple().op('b');
        b.op(0x89);
        if (dataBytes < 0) {
            return b; // the caller writes the data
        }
        b.op('B').le(dataBytes, 4).bytes(new byte[(int) dataBytes]);
        return b.tuple().op('b');
    }

    private static byte[] dictOf(String name, String code, long[] shape, long dataBytes) {
        PickleBuilder b = PickleBuilder.protocol(3).op('}').str(name);
        return array(b, code, shape, dataBytes).op('s').stop().build();
    }

    private Model read(byte[] pickle) throws IOException {
        Path file = dir.resolve("weights.pkl");
        Files.write(file, pickle);
        return WeightReaders.standard().read(file);
    }

    private void refuses(byte[] pickle, String message) {
        assertThatThrownBy(() -> read(pickle)).isInstanceOf(FormatException.class).hasMessage(message);
    }

    @Test
    void anArrayIsATensorOfItsShapeAndDtype() throws IOException {
        Model model = read(dictOf("conv.weight", "f4", new long[] {2, 3}, 24));
        assertThat(model.format()).isEqualTo("pickle");
        assertThat(model.tensors()).extracting(TensorEntry::name, t -> t.shape().toPythonTuple(), TensorEntry::dtype)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("conv.weight", "(2, 3)", DType.FLOAT32));
        assertThat(model.details().pickle().named(PickleScan.Verdict.ALLOWED))
                .containsExactly("numpy.core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype");
    }

    /** Python 2's pickle.dump (Detectron's files) writes the data as a str: BINSTRING, skipped when long. */
    @Test
    void python2StrDataIsReadKeptOrSkipped() throws IOException {
        for (int keptTextBytes : new int[] {1 << 20, 16}) {
            PickleBuilder b = array(PickleBuilder.protocol(2).op('}').str("w"), "f4", new long[] {8}, -1);
            byte[] pickle = b.op('T').le(32, 4).bytes(new byte[32]).tuple().op('b').op('s').stop().build();
            Model model = Limits.DEFAULT.with(Limit.PICKLE_KEPT_TEXT_BYTES, keptTextBytes)
                    .using(() -> read(pickle));
            assertThat(model.tensors()).singleElement().satisfies(t -> assertThat(t.shape().numel()).isEqualTo(8));
        }
    }

    @Test
    void dataMustMatchShapeAndDtype() {
        refuses(dictOf("w", "f4", new long[] {2, 3}, 20),
                "Pickled NumPy array of shape (2, 3) and dtype 'f4' holds 20 bytes of data; it needs 24.");
    }

    @Test
    void unsupportedDtypesAndShapesAreRefused() {
        refuses(dictOf("w", "f16", new long[] {1}, 16), "Pickled NumPy array has dtype 'f16', which is not a "
                + "supported dtype (b1, i1-i8, u1-u8, f2, f4, f8, c8, c16).");
        refuses(dictOf("w", "f4", new long[] {-1}, 0), "Pickled NumPy array's shape holds the negative size '-1'.");
    }

    @Test
    void textAndRecordArraysAreNotWeightsLikeObjectArrays() throws IOException {
        // pickle.dumps(np.array(['a', 'b'])) was refused, and with it the pickle's safety scan
        for (String code : new String[] {"U5", "S3", "V8", "M8"}) {
            Model model = read(dictOf("w", code, new long[] {1}, 20));
            assertThat(model.tensors()).as(code).isEmpty();
            assertThat(model.details().pickle().named(PickleScan.Verdict.ALLOWED)).as(code)
                    .contains("numpy.ndarray");
        }
    }

    @Test
    void anArrayWithoutItsStateIsRefused() {
        byte[] pickle = PickleBuilder.protocol(3).op('}').str("w")
                .global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray").int1(0).op(0x85)
                .op('C').u8(1).u8('b').op(0x87).reduce().op('s').stop().build();
        refuses(pickle, "Pickled NumPy array has no (version, shape, dtype, is_fortran, data) state.");
    }

    @Test
    void bytesAfterStopAreATrailerOfTheFile() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).op('}').stop().bytes("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII))
                .build();
        Model model = read(pickle);
        assertThat(model.details().pickle().afterStop()).containsExactly(new PickleScan.Trailer("weights.pkl", 11));
        // the trailer is scanned as pickle.load would read it on a second call: it names os.system, then ends
        assertThat(model.details().pickle().imports())
                .containsExactly(new PickleScan.Import("os.system", PickleScan.Verdict.DANGEROUS));
        assertThat(model.details().pickle().pickles()).isEqualTo(1);
    }

    @Test
    void junkAfterStopNamesNoGlobal() throws IOException {
        // appended binary data that happens to read as GLOBAL with two lines: no name Python could import
        byte[] pickle = PickleBuilder.protocol(2).op('}').stop().bytes(new byte[] {'c', '_', (byte) 0x93, '\n', 1,
                2, '\n', (byte) 0xff}).build();
        PickleScan scan = read(pickle).details().pickle();
        assertThat(scan.imports()).isEmpty();
        assertThat(scan.afterStop()).hasSize(1);
    }

    @Test
    void everyPickleInTheFileIsScanned() throws IOException {
        // modelscan's corpus: pickle.dumps(["a", "b", "c"]) + pickle.dumps(Malicious()), as two pickles
        byte[] first = PickleBuilder.protocol(4).op(']').stop().build();
        byte[] second = PickleBuilder.protocol(4).global("webbrowser", "open").str("http://x").op(0x85).reduce()
                .stop().build();
        byte[] file = new byte[first.length + second.length];
        System.arraycopy(first, 0, file, 0, first.length);
        System.arraycopy(second, 0, file, first.length, second.length);
        PickleScan scan = read(file).details().pickle();
        assertThat(scan.pickles()).isEqualTo(2);
        assertThat(scan.imports()).containsExactly(new PickleScan.Import("webbrowser.open", PickleScan.Verdict.DANGEROUS));
    }

    @Test
    void aDangerousNamePastTheCapIsStillInTheScan() throws IOException {
        Model model = WeightReaders.standard().read(
                dev.modelsummary.testutil.Resources.path("hostile/pickle/dangerous_past_cap.pkl"));
        PickleScan scan = model.details().pickle();
        assertThat(scan.imports()).hasSize(1001);
        assertThat(scan.named(PickleScan.Verdict.DANGEROUS)).containsExactly("os.system");
        assertThat(model.warnings()).containsExactly("5 more distinct pickle globals are not listed in the pickle "
                + "scan (past its cap of 1000 a pickle; past it only names that may be dangerous are kept).");
    }

    @Test
    void aZipOfPicklesIsScannedMemberByMember() throws IOException {
        Path file = dir.resolve("bundle.zip");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            zip.write("not a pickle".getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry(new java.util.zip.ZipEntry("a.pkl"));
            zip.write(dictOf("w", "f4", new long[] {2}, 8));
            zip.putNextEntry(new java.util.zip.ZipEntry("sub/b.PICKLE"));
            zip.write(PickleBuilder.protocol(2).global("posix", "system").str("echo").op(0x85).reduce().stop()
                    .int1(0).build());
        }
        Model model = WeightReaders.standard().read(file);
        PickleScan scan = model.details().pickle();
        assertThat(model.format()).isEqualTo("pickle");
        assertThat(model.tensors()).isEmpty();
        assertThat(scan.pickles()).isEqualTo(2);
        assertThat(scan.named(PickleScan.Verdict.DANGEROUS)).containsExactly("posix.system");
        assertThat(scan.afterStop()).containsExactly(new PickleScan.Trailer("sub/b.PICKLE", 2));
    }

    @Test
    void aZipWithoutPicklesIsRefused() throws IOException {
        Path file = dir.resolve("empty.zip");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            zip.write("not a pickle".getBytes(StandardCharsets.US_ASCII));
        }
        assertThatThrownBy(() -> WeightReaders.standard().read(file)).isInstanceOf(FormatException.class)
                .hasMessage("ZIP archive holds no .pkl or .pickle members.");
    }

    @Test
    void sniffTakesBinaryPicklesButNotOtherFormats() {
        PickleFileReader reader = new PickleFileReader();
        assertThat(reader.sniff(new byte[] {(byte) 0x80, 2, '}'}, 3)).isTrue();
        assertThat(reader.sniff(new byte[] {(byte) 0x80, 4, (byte) 0x95}, 3)).isTrue();
        assertThat(reader.sniff(new byte[] {(byte) 0x80, 6, '}'}, 3)).isFalse();
        assertThat(reader.sniff(new byte[] {(byte) 0x80, 2, 0}, 3)).isFalse();
        assertThat(reader.sniff(TorchLegacy.MAGIC_PICKLE, TorchLegacy.MAGIC_PICKLE.length)).isFalse();
        assertThat(reader.sniff("(dp0\n.".getBytes(StandardCharsets.US_ASCII), 6)).isFalse();
    }

    @Test
    void aProtocol0PickleIsReadByItsExtension() throws IOException {
        Path file = dir.resolve("old.pickle");
        Files.write(file, "(dp0\nVa\np1\nI1\ns.".getBytes(StandardCharsets.US_ASCII));
        assertThat(WeightReaders.standard().choose(file)).isInstanceOf(PickleFileReader.class);
        assertThat(WeightReaders.standard().read(file).details().pickle().pickles()).isEqualTo(1);
    }

    @Test
    void aLegacyTorchStreamNamedPklIsStillTorchs() throws IOException {
        Path file = dir.resolve("legacy.pkl");
        Files.copy(dev.modelsummary.testutil.Resources.path("fixtures/pytorch/legacy.pth"), file);
        assertThat(WeightReaders.standard().choose(file)).isInstanceOf(TorchReader.class);
    }

    /**
     * A 500 MB array: its bytes are a hole in a sparse file, skipped by seeking, never read or kept. The whole
     * pickle is one pass; the bytes actually read are its opcodes and one buffer, not the array.
     */
    @Test
    void a500MegabyteArrayIsSkippedNotRead() throws IOException {
        long numel = 125_000_000L;
        long dataBytes = numel * 4;
        byte[] head = array(PickleBuilder.protocol(4).op('}').str("big"), "f4", new long[] {numel}, -1)
                .op(0x8e).le(dataBytes, 8).build();
        byte[] tail = PickleBuilder.raw().tuple().op('b').op('s').stop().build();
        Path file = dir.resolve("big.pkl");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            channel.write(ByteBuffer.wrap(head));
            channel.write(ByteBuffer.wrap(tail), head.length + dataBytes);
        }
        CountingOpener opener = new CountingOpener();

        Model model = WeightReaders.standard(opener).read(file);

        assertThat(model.tensors()).singleElement().satisfies(t -> {
            assertThat(t.shape().numel()).isEqualTo(numel);
            assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        });
        assertThat(opener.totalBytes()).isLessThan(1 << 20);
        assertThat(model.details().pickle().afterStop()).isEmpty();
    }
}
