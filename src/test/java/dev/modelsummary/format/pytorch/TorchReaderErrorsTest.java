package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.PickleBuilder;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a file can fail to be a readable torch.save file, each with its exact message. */
class TorchReaderErrorsTest {
    private static final byte[] VERSION = "3\n".getBytes(StandardCharsets.US_ASCII);

    private final TorchReader reader = new TorchReader();

    @TempDir
    Path dir;

    @Test
    void truncatedFile() throws IOException {
        byte[] whole = Resources.bytes("fixtures/pytorch/small_real.pth");

        assertThat(errorFor(Arrays.copyOf(whole, whole.length / 2)))
                .isEqualTo("ZIP end-of-central-directory record not found; the file is truncated or not a ZIP archive.");
    }

    @Test
    void corruptPickle() throws IOException {
        Path file = copy("small_real.pth");
        long pickleAt;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            ZipDirectory zip = ZipDirectory.read(channel);
            pickleAt = zip.dataOffset(channel, zip.find("small_real/data.pkl").orElseThrow());
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) pickleAt + 2] = (byte) 0xff; // the first opcode after PROTO 2

        assertThat(errorFor(bytes)).isEqualTo("Pickle has unsupported opcode 0xff at byte 2.");
    }

    @Test
    void missingStorageRecord() throws IOException {
        byte[] zip = new ZipBuilder().add("archive/data.pkl", stateDict(6)).add("archive/version", VERSION).build();

        assertThat(errorFor(zip)).isEqualTo("Storage '0' has no record 'archive/data/0' in the archive.");
    }

    @Test
    void tensorExtentPastItsStorage() throws IOException {
        // a 2x3 tensor with stride (3, 1) reaches (0 + 1*3 + 2*1 + 1) * 4 = 24 bytes; the storage has 4 floats
        byte[] zip = torchZip(stateDict(4), 16);

        assertThat(errorFor(zip)).isEqualTo("Tensor 'w' reaches byte 24 of storage '0', which holds 16 bytes.");
    }

    @Test
    void storageLargerThanItsRecord() throws IOException {
        byte[] zip = torchZip(stateDict(10), 16);

        assertThat(errorFor(zip)).isEqualTo("Storage '0' needs 40 bytes (10 x 4) but its record holds 16.");
    }

    @Test
    void aWellFormedHandMadeFileReads() throws IOException {
        Model model = read(torchZip(stateDict(6), 24));

        assertThat(TorchReaderTest.describe(model)).containsExactly("w (2, 3) float32 PARAMETER");
    }

    @Test
    void zipsThatAreNotTorchSaveFiles() throws IOException {
        assertThat(errorFor(new ZipBuilder().add("a.txt", VERSION).build()))
                .isEqualTo("ZIP archive's first record 'a.txt' is not inside a folder, so it is not a torch.save file.");
        assertThat(errorFor(new ZipBuilder().add("model/config.json", VERSION).build()))
                .isEqualTo("ZIP archive has no record 'model/data.pkl', so it is not a torch.save file.");
        // An empty ZIP is only its end record (PK\5\6): torch.load, too, only calls a file a ZIP by PK\3\4.
        assertThat(errorFor(new ZipBuilder().build()))
                .isEqualTo("File is neither a torch.save ZIP archive nor a legacy torch.save stream.");
    }

    @Test
    void filesThatAreNeitherForm() throws IOException {
        assertThat(errorFor(new byte[0])).isEqualTo("File is empty.");
        assertThat(errorFor("hello world".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("File is neither a torch.save ZIP archive nor a legacy torch.save stream.");
        byte[] tar = new byte[1024];
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 5);
        assertThat(errorFor(tar))
                .isEqualTo("File is a tar archive: the legacy tar form of torch.save (PyTorch 0.1) is not supported.");
    }

    @Test
    void persistentIdsThatAreNotStorageTuples() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("w").str("not a tuple").op('Q').op('s').stop().build();

        assertThat(errorFor(torchZip(pickle, 16)))
                .isEqualTo("Pickle has a persistent id that is not a ('storage', type, key, location, numel) tuple.");
    }

    @Test
    void storageTypesThatAreNotTorchStorages() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("w")
                .mark().str("storage").global("os", "system").str("0").str("cpu").int1(1).tuple().op('Q')
                .op('s').stop().build();

        assertThat(errorFor(torchZip(pickle, 16)))
                .isEqualTo("Persistent id names storage type 'os.system', which is not a torch storage class."
                        + " Before that it imports 'os.system', which can run code: never load this file with"
                        + " pickle.load (nothing was executed here).");
    }

    @Test
    void rebuildCallsWithArgumentsOfTheWrongType() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("w")
                .global("torch._utils", "_rebuild_tensor_v2")
                .mark().str("storage").int1(0).int1(0).int1(0).op(0x89).none().tuple().op('R')
                .op('s').stop().build();

        assertThat(errorFor(torchZip(pickle, 16))).isEqualTo(
                "Pickle calls 'torch._utils._rebuild_tensor_v2' with argument 1 of type 'str' where a storage belongs.");
    }

    @Test
    void sizesThatOverflow() throws IOException {
        long big = 1L << 31;
        // the expand trick at its extreme: a zero-stride view of one float, declared 2^31 x 2^31 x 2^31
        byte[] huge = PickleBuilder.protocol(2).op('}').str("w")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").int1(1).tuple().op('Q')
                .int1(0)
                .mark().op(0x8a).u8(5).le(big, 5).op(0x8a).u8(5).le(big, 5).op(0x8a).u8(5).le(big, 5).tuple()
                .mark().int1(0).int1(0).int1(0).tuple()
                .op(0x89).none().tuple().op('R')
                .op('s').stop().build();

        assertThat(errorFor(torchZip(huge, 16)))
                .isEqualTo("Tensor 'w' has a size whose byte count overflows 64 bits.");
    }

    @Test
    void containersNestedTooDeeplyForTheWalk() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(2);
        for (int i = 0; i < 1100; i++) {
            b.op(']');
        }
        for (int i = 1; i < 1100; i++) {
            b.op('a');
        }

        assertThat(errorFor(torchZip(b.stop().build(), 16)))
                .isEqualTo("Checkpoint nests containers deeper than 1000 levels.");
    }

    @Test
    void legacyStreamTruncatedInsideItsLastStorage() throws IOException {
        byte[] whole = Resources.bytes("fixtures/pytorch/legacy.pth");

        assertThat(errorFor(Arrays.copyOf(whole, whole.length - 1)))
                .matches("Legacy storage '\\d+' \\(\\d+ bytes from byte \\d+\\) runs past the end of the file\\.");
    }

    @Test
    void legacyStreamWithAnotherProtocolVersion() throws IOException {
        byte[] file = PickleBuilder.raw().bytes(TorchLegacy.MAGIC_PICKLE)
                .op(0x80).u8(2).op('M').le(1000, 2).stop().build();

        assertThat(errorFor(file)).isEqualTo("Legacy torch.save stream has protocol version '1000'; only 1001 is supported.");
    }

    @Test
    void aKeyTooLongToKeepNamesNoTensorAsAPlaceholder() throws Exception {
        // over pickle-kept-text-bytes the key's text is skipped: the tensor was named '<str>' with exit 0
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("k".repeat(40))
                .tensorV2("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1})
                .op('s').stop().build();
        Limits small = Limits.DEFAULT.with(Limit.PICKLE_KEPT_TEXT_BYTES, 20).with(Limit.TENSOR_NAME_CHARS, 30);
        assertThat(small.using(() -> errorFor(torchZip(pickle, 24))))
                .isEqualTo("Tensor '<40-byte key>' has a name longer than 30 characters (raise with --limit tensor-name-chars=N).");
        assertThat(small.with(Limit.TENSOR_NAME_CHARS, 50).using(() -> errorFor(torchZip(pickle, 24))))
                .isEqualTo("A checkpoint key of 40 bytes is longer than the 20 bytes of text a pickle may keep, so what"
                        + " it holds cannot be named (raise with --limit pickle-kept-text-bytes=N).");
    }

    /** {'w': 2x3 float tensor, stride (3, 1), on storage '0' of {@code numel} floats}. */
    private static byte[] stateDict(int numel) {
        return PickleBuilder.protocol(2).op('}').str("w")
                .tensorV2("FloatStorage", "0", numel, 0, new long[] {2, 3}, new long[] {3, 1})
                .op('s').stop().build();
    }

    private static byte[] torchZip(byte[] pickle, int storageBytes) {
        return new ZipBuilder().add("archive/data.pkl", pickle).add("archive/data/0", new byte[storageBytes], 11)
                .add("archive/version", VERSION).build();
    }

    private Path copy(String fixture) throws IOException {
        Path file = dir.resolve(fixture);
        Files.copy(Resources.path("fixtures/pytorch/" + fixture), file);
        return file;
    }

    private Model read(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "model", ".pth");
        Files.write(file, bytes);
        return reader.read(file, ChannelOpener.FILES);
    }

    private String errorFor(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "model", ".pth");
        Files.write(file, bytes);
        assertThatThrownBy(() -> reader.read(file, ChannelOpener.FILES)).isInstanceOf(FormatException.class);
        return TorchReaderTest.readError(reader, file).getMessage();
    }
}
