package dev.modelsummary.format.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.PickleBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The globals a pickle names, as the safety scan gets them: every opcode that names one, in order, once each. */
class UnpicklerImportsTest {
    private static final Allowlist PYTHON = Allowlist.python().build();

    private static Unpickler loaded(byte[] pickle) throws IOException {
        Unpickler unpickler = new Unpickler(PickleInput.of(pickle), PYTHON, null);
        unpickler.load();
        return unpickler;
    }

    private static List<String> names(Unpickler unpickler) {
        return unpickler.imports().stream().map(PyGlobal::qualifiedName).toList();
    }

    private static PickleBuilder shortText(PickleBuilder b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return b.op(0x8c).u8(utf8.length).bytes(utf8);
    }

    @Test
    void globalStackGlobalAndInstAreRecordedInOrderOnce() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(4).mark()
                .global("collections", "OrderedDict")
                .global("os", "system");
        shortText(b, "torch");
        shortText(b, "serialization.os.system");
        b.op(0x93);
        b.global("collections", "OrderedDict"); // again: not listed twice
        b.mark().op('i').bytes("mylib\nThing\n".getBytes(StandardCharsets.US_ASCII));
        byte[] pickle = b.op('l').stop().build();

        assertThat(names(loaded(pickle))).containsExactly("collections.OrderedDict", "os.system",
                "torch.serialization.os.system", "mylib.Thing");
    }

    @Test
    void buildOnAGlobalIsAWriteIntoItsAttributes() throws IOException {
        // picklescan's sys_module_override_sploit: torch._utils' __dict__ updated, then its names resolve elsewhere
        PickleBuilder b = PickleBuilder.protocol(4);
        shortText(b, "torch");
        shortText(b, "_utils");
        b.op(0x93).op('}');
        shortText(b, "_rebuild_tensor");
        shortText(b, "builtins");
        b.op('s').op('b').stop();
        Unpickler unpickler = loaded(b.build());

        assertThat(names(unpickler)).containsExactly("torch._utils", "torch._utils.__dict__");
        assertThat(new PickleSafety(PYTHON).classify(unpickler.imports().get(1)))
                .isEqualTo(dev.modelsummary.model.PickleScan.Verdict.DANGEROUS);
    }

    @Test
    void buildOnAnObjectIsNotAnImport() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).global("argparse", "Namespace").emptyTuple().reduce()
                .op('}').str("a").int1(1).op('s').op('b').stop().build();
        assertThat(names(loaded(pickle))).containsExactly("argparse.Namespace");
    }

    @Test
    void aFrameMaySplitAnOpcodeAsCPythonsUnpicklerReadsIt() throws IOException {
        // FRAME is a read-ahead hint to the C unpickler torch.load uses: a GLOBAL that runs past its frame's end
        // is read on, as that unpickler reads it, and judged by its whole name
        byte[] global = "ccollections\nOrderedDict\n)R.".getBytes(StandardCharsets.US_ASCII);
        byte[] pickle = PickleBuilder.protocol(4).op(0x95).bytes(new byte[] {5, 0, 0, 0, 0, 0, 0, 0})
                .bytes(global).build();
        Unpickler unpickler = loaded(pickle);
        assertThat(names(unpickler)).containsExactly("collections.OrderedDict");
        assertThat(unpickler.warnings()).isEmpty();
    }

    @Test
    void python2ModuleNamesAreMapped() throws IOException {
        byte[] pickle = "c__builtin__\neval\n(Vx\ntRccopy_reg\n_reconstructor\n0.".getBytes(StandardCharsets.US_ASCII);
        assertThat(names(loaded(pickle))).containsExactly("builtins.eval", "copyreg._reconstructor");
    }

    @Test
    void stopIsWhereTheStopOpcodeWas() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).int1(7).stop().int1(8).stop().build();
        Unpickler unpickler = new Unpickler(PickleInput.of(pickle), PYTHON, null);
        assertThat(unpickler.stopAt()).isEqualTo(-1);
        unpickler.load();
        assertThat(unpickler.stopAt()).isEqualTo(4);
    }

    @Test
    void pastTheCapOnlyNamesThatMayBeDangerousAreKept() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(2).mark();
        int harmless = Unpickler.MAX_IMPORTS + 5;
        for (int i = 0; i < harmless; i++) {
            b.global("mylib", "f" + i);
        }
        b.global("os", "system").global("mylib", "later");
        Unpickler unpickler = loaded(b.op('l').stop().build());

        List<String> names = names(unpickler);
        assertThat(names).hasSize(Unpickler.MAX_IMPORTS + 1);
        assertThat(names.get(0)).isEqualTo("mylib.f0");
        assertThat(names).endsWith("os.system");
        assertThat(unpickler.importsLeftOut()).isEqualTo(6);
    }

    @Test
    void scanMergesPicklesAndJudgesEachName() throws IOException {
        Unpickler first = loaded(PickleBuilder.protocol(2).global("collections", "OrderedDict").op(')').reduce()
                .stop().build());
        byte[] withTrailer = PickleBuilder.protocol(2).global("posix", "system").op(')').reduce()
                .global("collections", "OrderedDict").op('0').stop().int1(1).build(); // K 0x01 after STOP
        Unpickler second = loaded(withTrailer);
        var scan = new PickleScanBuilder(dev.modelsummary.format.pytorch.TorchPickleSafety.STANDARD)
                .add(first).add(second, "data.pkl", withTrailer.length).build();

        assertThat(scan.pickles()).isEqualTo(2);
        assertThat(scan.imports()).extracting(i -> i.name() + "=" + i.verdict())
                .containsExactly("collections.OrderedDict=ALLOWED", "posix.system=DANGEROUS");
        assertThat(scan.dangerous()).isTrue();
        assertThat(scan.afterStop()).singleElement().satisfies(t -> {
            assertThat(t.pickle()).isEqualTo("data.pkl");
            assertThat(t.bytes()).isEqualTo(2);
        });
    }
}
