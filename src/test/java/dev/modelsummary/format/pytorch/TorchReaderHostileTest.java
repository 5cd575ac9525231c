package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.MemoryOpener;
import dev.modelsummary.testutil.PickleBuilder;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the torch reader does with unpickled values (storage ids, names, views) stays bounded on values built to
 * be deep, self-referencing, shared, colliding or huge.
 */
class TorchReaderHostileTest {
    private static final Duration FAST = Duration.ofSeconds(3);

    @Test
    void storageLocationsMustBeStrings() {
        // ('storage', FloatStorage, '0', a = [[a]], 6): torch's restore_location fails on a list as well
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("w")
                .mark().str("storage").global("torch", "FloatStorage").str("0")
                .op(']').put(0).op(']').put(1).get(0).op('a').op('a')
                .int1(6).tuple().op('Q').op('s').stop().build();

        assertThat(errorFor(torchZip(pickle, 24)))
                .isEqualTo("Pickle has a persistent id that is not a ('storage', type, key, location, numel) tuple.");
    }

    @Test
    void storageTypesThatAreNotGlobalsAreNamedByType() {
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("w")
                .mark().str("storage").op(']').put(0).get(0).op('a').str("0").str("cpu").int1(6).tuple().op('Q')
                .op('s').stop().build();

        assertThat(errorFor(torchZip(pickle, 24)))
                .isEqualTo("Persistent id names a 'list' as its storage type, which is not a torch storage class.");
    }

    @Test
    void legacyVersionsOfAnotherTypeAreNamedByType() {
        byte[] file = PickleBuilder.raw().bytes(TorchLegacy.MAGIC_PICKLE).op(0x80).u8(2).op(']').put(0).get(0).op('a').stop()
                .build();

        assertThat(errorFor(file))
                .isEqualTo("Legacy torch.save stream has a 'list' as its protocol version; only 1001 is supported.");
    }

    @Test
    void tensorNamesLongerThanTheLimitAreRefused() {
        String key = "k".repeat(5000);
        byte[] pickle = PickleBuilder.protocol(2).op('}').str(key).bytes(tensors(1)).op('s').stop().build();

        assertThat(errorFor(torchZip(pickle, 24)))
                .isEqualTo("Tensor '" + "k".repeat(200) + "...' has a name longer than 4096 characters (raise with --limit tensor-name-chars=N).");
    }

    @Test
    void sharedTupleKeysAreSpelledOnlyUpToTheNameLimit() {
        // a dict key of 60 levels x = (x, x): its str() would be 2^60 times "None"
        PickleBuilder b = PickleBuilder.protocol(2).op('}').none();
        for (int i = 0; i < 60; i++) {
            b.put(0).get(0).op(0x86);
        }
        byte[] pickle = b.bytes(tensors(1)).op('s').stop().build();

        String message = assertTimeoutPreemptively(FAST, () -> errorFor(torchZip(pickle, 24)));

        assertThat(message).matches("Tensor '\\({60}None, None\\), \\(None, None\\)\\).*\\.\\.\\.' has a name longer "
                + "than 4096 characters \\(raise with --limit tensor-name-chars=N\\)\\.");
    }

    @Test
    void namesMadeOverAndOverFromOneSharedValueAreCharged() {
        // one tensor listed 1000 times: 1000 names from about 1000 budget units of pickle
        PickleBuilder b = PickleBuilder.protocol(2).op(']').mark().bytes(tensors(1)).put(4);
        for (int i = 1; i < 1000; i++) {
            b.get(4);
        }
        byte[] zip = torchZip(b.op('e').stop().build(), 24);

        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.PICKLE_VALUES, 5000).using(() -> read(zip)))
                .isInstanceOf(FormatException.class)
                .hasMessage("Pickle builds more than 5000 values once its tensors are named, over the limit (raise with --limit pickle-values=N).");
    }

    @Test
    void aliasesCostTheNameTheyRepeat() {
        // 1000 short names, each an alias of one 4000-character name: a report spells that name 1000 times
        PickleBuilder b = PickleBuilder.protocol(2).op('}').mark().str("k".repeat(4000)).bytes(tensors(1)).put(4);
        for (int i = 0; i < 1000; i++) {
            b.str(Integer.toString(i)).get(4);
        }
        byte[] zip = torchZip(b.op('u').stop().build(), 24);

        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.PICKLE_VALUES, 200_000).using(() -> read(zip)))
                .isInstanceOf(FormatException.class)
                .hasMessage("Pickle builds more than 200000 values once its tensors are named, over the limit (raise with --limit pickle-values=N).");
    }

    @Test
    void theTensorLimitAppliesToPickles() {
        byte[] pickle = PickleBuilder.protocol(2).op(']').mark().bytes(tensors(4)).op('e').stop().build();

        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.TENSORS, 3).using(() -> read(torchZip(pickle, 24))))
                .isInstanceOf(FormatException.class)
                .hasMessage("Checkpoint holds more than '3' tensors, the limit (raise with --limit tensors=N).");
    }

    @Test
    void tiedWeightViewsThatShareOneJavaHashStayFast() throws IOException {
        // views (offset i, size 31 * (n - i) + 1, stride 0) of one storage: one Java hash for every view key
        int n = 20_000;
        PickleBuilder b = PickleBuilder.protocol(2).op(']').mark();
        for (int i = 0; i < n; i++) {
            b.bytes(tensor(i == 0, n, i, 31 * (n - i) + 1, 0));
        }
        byte[] zip = torchZip(b.op('e').stop().build(), 4 * n);

        Model model = assertTimeoutPreemptively(FAST, () -> read(zip));

        assertThat(model.tensors()).hasSize(n).allMatch(t -> t.alias().isEmpty());
        assertThat(model.tensors().get(n - 1)).extracting(TensorEntry::name).isEqualTo(Integer.toString(n - 1));
    }

    @Test
    void valuesFromTheFileAreEscapedAndCutInMessages() {
        byte[] key = PickleBuilder.protocol(2).op('}').str("w")
                .mark().str("storage").global("torch", "FloatStorage").str("0\u001b[31m").str("cpu").int1(6).tuple()
                .op('Q').op('s').stop().build();
        byte[] name = PickleBuilder.protocol(2).op('}').str("w\u0007" + "x".repeat(300)).bytes(tensor(true, 6, 1, 6, 1))
                .op('s').stop().build();

        assertThat(errorFor(torchZip(key, 24)))
                .isEqualTo("Storage '0\\u001b[31m' has no record 'archive/data/0\\u001b[31m' in the archive.");
        assertThat(errorFor(torchZip(name, 24))).isEqualTo("Tensor 'w\\u0007" + "x".repeat(198)
                + "...' reaches byte 28 of storage '0', which holds 24 bytes.");
    }

    /** {@code count} 2 x 3 float tensors on storage '0' (6 floats), all views of its first six elements. */
    private static byte[] tensors(int count) {
        PickleBuilder b = PickleBuilder.raw();
        for (int i = 0; i < count; i++) {
            b.bytes(tensor(i == 0, 6, 0, 6, 1));
        }
        return b.build();
    }

    /**
     * {@code _rebuild_tensor_v2} of a 1-d view {@code (size,)} with {@code stride} at {@code offset} of storage
     * '0' of {@code numel} floats. The first one memoizes the callee (slot 1), the storage (slot 2) and the hooks
     * (slot 3).
     */
    private static byte[] tensor(boolean first, int numel, int offset, int size, int stride) {
        PickleBuilder b = PickleBuilder.raw();
        if (first) {
            b.global("torch._utils", "_rebuild_tensor_v2").put(1).mark()
                    .mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").int4(numel)
                    .tuple().op('Q').put(2);
        } else {
            b.get(1).mark().get(2);
        }
        b.int4(offset).mark().int4(size).tuple().mark().int4(stride).tuple().op(0x89);
        if (first) {
            b.global("collections", "OrderedDict").emptyTuple().reduce().put(3);
        } else {
            b.get(3);
        }
        return b.tuple().reduce().build();
    }

    private static byte[] torchZip(byte[] pickle, int storageBytes) {
        return new ZipBuilder().add("archive/data.pkl", pickle).add("archive/data/0", new byte[storageBytes])
                .add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)).build();
    }

    private static Model read(byte[] file) throws IOException {
        return new TorchReader().read(Path.of("hostile.pth"), new MemoryOpener(file));
    }

    private static String errorFor(byte[] file) {
        try {
            read(file);
        } catch (FormatException e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a FormatException");
    }
}
