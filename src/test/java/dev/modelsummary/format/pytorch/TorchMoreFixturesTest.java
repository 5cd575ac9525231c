package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.PickleBuilder;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The torch.save files of issue 15: fixtures/pytorch-more (see its MANIFEST.md) and hand-built pickles. */
class TorchMoreFixturesTest {
    private static final byte[] VERSION = "3\n".getBytes(StandardCharsets.US_ASCII);

    private final TorchReader reader = new TorchReader();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void aLegacyStreamOfEveryPickleProtocolListsWhatProtocol2Lists(int protocol) throws IOException {
        String name = "legacy_protocol" + protocol + ".pth";

        Model model = fixture(name);

        assertThat(TorchReaderTest.describe(model)).containsExactlyElementsOf(TorchReaderTest.SMALL_NET);
        assertThat(model.warnings()).isEmpty();
        assertThat(reader.sniff(head(name), 0)).isTrue();
        assertThat(new PickleFileReader().sniff(head(name), 0)).isFalse();
    }

    @Test
    void aProtocol0LegacyStreamIsRefusedAsTorchRefusesIt() {
        // Protocol 0 has no BINPERSID: pickle writes str() of each storage tuple, which torch.load cannot read.
        assertThat(TorchReaderTest.readError(reader, Resources.path("fixtures/pytorch-more/legacy_protocol0.pth")))
                .hasMessage("Pickle has a persistent id that is not a ('storage', type, key, location, numel, view) "
                        + "tuple.");
    }

    @Test
    void theMagicNumberIsRecognisedOnlyWhole() {
        byte[] framed = PickleBuilder.hex("8004950d000000000000008a0a6cfc9c46f9206aa850192e");
        assertThat(TorchLegacy.startsWithMagic(framed)).isTrue();
        // a FRAME under protocol 3 is not what pickle writes; a frame of another length holds something else
        framed[1] = 3;
        assertThat(TorchLegacy.startsWithMagic(framed)).isFalse();
        framed[1] = 4;
        framed[3] = 0x0e;
        assertThat(TorchLegacy.startsWithMagic(framed)).isFalse();
        assertThat(TorchLegacy.startsWithMagic(Arrays.copyOf(TorchLegacy.MAGIC_PICKLE, 14))).isFalse();
    }

    @Test
    void eachNestedTensorIsOneTensorWithItsValuesElementCount() throws IOException {
        Model model = fixture("nested.pth");

        assertThat(TorchReaderTest.describe(model)).containsExactly(
                "plain (2, 3) float32 PARAMETER",
                "nested_strided (18,) float32 PARAMETER",
                "nested_jagged (6, 5) float32 PARAMETER");
        assertThat(model.tensors().stream().mapToLong(TensorEntry::numel).sum()).isEqualTo(54);
        assertThat(model.warnings()).containsExactly("2 nested tensors ('nested_strided', 'nested_jagged') are "
                + "shown with the shape of their packed values (the element count torch reports); the shapes of "
                + "their components are not read.", "the parameter/buffer split is a guess: the file does not "
                + "record which entries are buffers, and 3 tensors ('plain', 'nested_strided', 'nested_jagged') "
                + "counted as trainable parameters may be buffers.");
        assertThat(model.details().pickle().dangerous()).isFalse();
    }

    @Test
    void aJaggedNestedTensorOfTorch21IsOneTensorToo() throws IOException {
        // torch 2.1's NestedTensor.__reduce_ex__: _rebuild_from_type_v2(NestedTensor, NestedTensor,
        // (self._values, self._offsets), state)
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("njt")
                .global("torch._tensor", "_rebuild_from_type_v2").mark()
                .global("torch.nested._internal.nested_tensor", "NestedTensor").put(1).get(1)
                .mark().tensorV2("FloatStorage", "0", 12, 0, new long[] {4, 3}, new long[] {3, 1}).put(2)
                .tensorV2("LongStorage", "1", 3, 0, new long[] {3}, new long[] {1}).put(3).tuple()
                .op('}').str("_values").get(2).op('s').str("_offsets").get(3).op('s')
                .tuple().reduce().op('s').stop().build();
        byte[] zip = new ZipBuilder().add("archive/data.pkl", pickle).add("archive/data/0", new byte[48])
                .add("archive/data/1", new byte[24]).add("archive/version", VERSION).build();

        Model model = read(zip);

        assertThat(TorchReaderTest.describe(model)).containsExactly("njt (4, 3) float32 PARAMETER");
        assertThat(model.warnings()).first().asString().startsWith("1 nested tensor ('njt') is shown with the "
                + "shape of its packed values");
    }

    @Test
    void aStridedNestedTensorWithPythonStateIsOneTensorToo() throws IOException {
        // Tensor.__reduce_ex__ of a nested tensor with a __dict__ (maybe_mark_dynamic, or torch 2.x's Python
        // StridedNestedTensor subclass): _rebuild_from_type_v2(_rebuild_nested_tensor, cls, (values, sizes,
        // strides, offsets), state)
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("snt")
                .global("torch._tensor", "_rebuild_from_type_v2").mark()
                .global("torch._utils", "_rebuild_nested_tensor")
                .global("torch.nested._internal.strided_nested_tensor", "StridedNestedTensor")
                .mark().tensorV2("FloatStorage", "0", 18, 0, new long[] {18}, new long[] {1})
                .tensorV2("LongStorage", "1", 4, 0, new long[] {2, 2}, new long[] {2, 1})
                .tensorV2("LongStorage", "2", 4, 0, new long[] {2, 2}, new long[] {2, 1})
                .tensorV2("LongStorage", "3", 2, 0, new long[] {2}, new long[] {1}).tuple()
                .op('}').str("_dynamo_weak_dynamic_indices").op('}').op('s')
                .tuple().reduce().op('s').stop().build();
        byte[] zip = new ZipBuilder().add("archive/data.pkl", pickle).add("archive/data/0", new byte[72])
                .add("archive/data/1", new byte[32]).add("archive/data/2", new byte[32])
                .add("archive/data/3", new byte[16]).add("archive/version", VERSION).build();

        Model model = read(zip);

        assertThat(TorchReaderTest.describe(model)).containsExactly("snt (18,) float32 PARAMETER");
        assertThat(model.warnings()).anyMatch(w -> w.startsWith("1 nested tensor ('snt') is shown"));
    }

    @Test
    void aCompiledModuleNamesItsEntriesUnderOrigMod() throws IOException {
        Model model = fixture("compiled_module.pth");

        assertThat(TorchReaderTest.describe(model)).containsExactly(
                "_orig_mod.0.weight (3, 4) float32 PARAMETER",
                "_orig_mod.0.bias (3,) float32 PARAMETER",
                "_orig_mod.2.weight (2, 3) float32 PARAMETER",
                "_orig_mod.2.bias (2,) float32 PARAMETER");
        assertThat(model.warnings()).noneMatch(w -> w.contains("no state dict"));
        // dynamo_ctx as torch 2.x pickles it: OptimizeContext(callback, contextlib.nullcontext, True) + its state,
        // the callback a chain of torch._dynamo objects; none of it is a tensor or a module of the model
        assertThat(model.details().pickle().imports()).extracting(PickleScan.Import::name).contains(
                "torch._dynamo.eval_frame.OptimizeContext", "torch._dynamo.convert_frame.CatchErrorsWrapper",
                "contextlib.nullcontext");
        // torch.load(weights_only=True) refuses these globals; weights_only=False calls OptimizeContext(...) and
        // OptimizedModule(...), whose __init__ patch torch and call the file's dynamo_ctx on the module
        assertThat(model.details().pickle().named(PickleScan.Verdict.DANGEROUS))
                .contains("torch._dynamo.eval_frame.OptimizedModule", "torch._dynamo.eval_frame.OptimizeContext");
        Model inner = reader.read(Resources.path("fixtures/pytorch-more/compiled_module.pth"), ChannelOpener.FILES,
                new ReadOptions("_orig_mod.0"));
        assertThat(inner.tensors()).extracting(TensorEntry::name).containsExactly("weight", "bias");
    }

    @Test
    void aWholePickledQuantizedModuleListsWhatItsStateDictHolds() throws IOException {
        // torch 1.13's state_dict() of the same model, in order; fc._packed_params.dtype is a dtype, no tensor.
        // The quantized Conv2d pickles a __getstate__ tuple, the Linear's scale and zero point are Python numbers
        // and its packed weight and bias sit in a torch.ScriptObject: none is a parameter or buffer of its module.
        Model model = fixture("quantized_module.pth");

        assertThat(TorchReaderTest.describe(model)).containsExactly(
                "quant.scale (1,) float32 BUFFER",
                "quant.zero_point (1,) int64 BUFFER",
                "conv.weight (4, 3, 3, 3) qint8 PARAMETER",
                "conv.bias (4,) float32 PARAMETER",
                "conv.scale () float32 BUFFER",
                "conv.zero_point () int64 BUFFER",
                "fc.scale () float32 BUFFER",
                "fc.zero_point () int64 BUFFER",
                "fc._packed_params._packed_params.0 (5, 4) qint8 PARAMETER",
                "fc._packed_params._packed_params.1 (5,) float32 PARAMETER");
        assertThat(model.tensors()).filteredOn(t -> t.dtype() == DType.QINT8).noneMatch(TensorEntry::trainable);
    }

    @Test
    void wholePickledQuantizedEmbeddingsListTheWeightTheirPackedParamsHold() throws IOException {
        // EmbeddingPackedParams keeps its weight in a torch.ScriptObject; state_dict() writes it as _packed_weight
        Model model = fixture("quantized_embeddings.pth");

        assertThat(TorchReaderTest.describe(model)).containsExactly(
                "emb._packed_params._packed_weight (10, 4) quint8 PARAMETER",
                "bag._packed_params._packed_weight (6, 8) quint8 PARAMETER");
    }

    @Test
    void aScriptObjectInAStateDictIsOneOpaqueValueNotTensors() throws IOException {
        // quantize_dynamic(LSTM).state_dict(): 'lstm._all_weight_values.0.param' is a torch.ScriptObject, pickled
        // as NEWOBJ + BUILD((state, class name)); torch.load gives the object, whose tensors are no entries
        byte[] pickle = PickleBuilder.protocol(2).op('}')
                .str("fc.weight").tensorV2("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1}).op('s')
                .str("lstm._all_weight_values.0.param").global("torch", "ScriptObject").emptyTuple().op(0x81)
                .mark().mark().tensorV2("FloatStorage", "1", 12, 0, new long[] {12}, new long[] {1}).tuple()
                .str("__torch__.torch.classes.rnn.CellParamsBase").tuple().op('b').op('s')
                .stop().build();
        byte[] zip = new ZipBuilder().add("archive/data.pkl", pickle).add("archive/data/0", new byte[24])
                .add("archive/data/1", new byte[48]).add("archive/version", VERSION).build();

        Model model = read(zip);

        assertThat(TorchReaderTest.describe(model)).containsExactly("fc.weight (2, 3) float32 PARAMETER");
        assertThat(model.details().checkpoint()).isNull();
        assertThat(model.warnings()).contains("1 torch.ScriptObject value ('lstm._all_weight_values.0.param') is "
                + "not listed: torch.load gives it as one opaque object (packed quantized weights), not as tensors.");
    }

    @Test
    void everyDtypeTorchSavesAsAnUntypedStorageIsReadAsItself() throws IOException {
        // torch/storage.py _new_dtypes(): pickled as _rebuild_tensor_v3(UntypedStorage, ..., dtype); bcomplex32 too.
        Map<String, Integer> bytesEach = new LinkedHashMap<>();
        for (String one : new String[] {"float8_e5m2", "float8_e4m3fn", "float8_e5m2fnuz", "float8_e4m3fnuz",
                "float8_e8m0fnu", "float4_e2m1fn_x2", "bits8", "bits1x8", "bits2x4", "bits4x2"}) {
            bytesEach.put(one, 1);
        }
        bytesEach.put("bits16", 2);
        bytesEach.put("uint16", 2);
        bytesEach.put("uint32", 4);
        bytesEach.put("uint64", 8);
        bytesEach.put("complex32", 4);
        bytesEach.put("bcomplex32", 4);

        Model model = read(v3Zip(bytesEach));

        assertThat(model.tensors()).extracting(t -> t.name() + "=" + t.dtype().torchName() + " " + t.bytes())
                .containsExactlyElementsOf(bytesEach.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getKey() + " " + 6 * e.getValue()).toList());
        assertThat(model.warnings()).singleElement().asString().startsWith("the parameter/buffer split is a guess");
    }

    @Test
    void aDtypeThisToolDoesNotKnowIsNamedAndLeftOutNotFatal() throws IOException {
        Map<String, Integer> dtypes = new LinkedHashMap<>();
        dtypes.put("float32", 4);
        dtypes.put("float5_e2m2_future", 2);

        Model model = read(v3Zip(dtypes));

        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("float32");
        assertThat(model.warnings()).contains("1 tensor ('float5_e2m2_future') of 'torch.float5_e2m2_future', a "
                + "type this tool does not know, is left out of the listing and the totals (its storage holds 12 "
                + "bytes).");
    }

    @Test
    void aStorageClassThisToolDoesNotKnowIsSizedByItsRecord() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).op('}')
                .str("known").tensorV2("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1}).op('s')
                .str("newer").tensorV2("Float9Storage", "1", 6, 0, new long[] {2, 3}, new long[] {3, 1}).op('s')
                .stop().build();
        byte[] zip = new ZipBuilder().add("archive/data.pkl", pickle).add("archive/data/0", new byte[24])
                .add("archive/data/1", new byte[7]).add("archive/version", VERSION).build();

        Model model = read(zip);

        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("known");
        assertThat(model.warnings()).contains("1 tensor ('newer') of 'torch.Float9Storage', a type this tool does "
                + "not know, is left out of the listing and the totals (its storage holds 7 bytes).");
    }

    @Test
    void aLegacyStorageClassThisToolDoesNotKnowStopsTheStorageCheckWithAWarning() throws IOException {
        byte[] object = PickleBuilder.protocol(2).op('}').str("newer")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "Float9Storage").str("0").str("cpu").int1(6).none().tuple()
                .op('Q').int1(0).ints(2, 3).ints(3, 1).op(0x89)
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce()
                .op('s').stop().build();
        byte[] file = PickleBuilder.raw().bytes(TorchLegacy.MAGIC_PICKLE)
                .op(0x80).u8(2).op('M').le(1001, 2).stop()
                .op(0x80).u8(2).op('}').stop()
                .bytes(object)
                .op(0x80).u8(2).op(']').op('(').str("0").op('e').stop()
                .le(6, 8).bytes(new byte[7]).build();

        Model model = read(file);

        assertThat(model.tensors()).isEmpty();
        assertThat(model.warnings()).contains(
                "legacy storage '0' is of type 'torch.Float9Storage', whose element size is unknown: it and the "
                        + "storages after it were not checked against the file's size.",
                "1 tensor ('newer') of 'torch.Float9Storage', a type this tool does not know, is left out of the "
                        + "listing and the totals (its storage holds 6 elements of unknown size).");
    }

    @Test
    void aLegacyStreamHoldsNewerDtypesInUntypedStoragesCountedInBytes() throws IOException {
        // torch's _legacy_save: a v3 dtype's storage is ('storage', UntypedStorage, key, location, nbytes, None),
        // and its count in the storage section counts bytes
        byte[] object = PickleBuilder.protocol(2).op('}').str("w")
                .global("torch._utils", "_rebuild_tensor_v3").mark()
                .mark().str("storage").global("torch", "UntypedStorage").str("0").str("cpu").int1(12).none().tuple()
                .op('Q').int1(0).ints(2, 3).ints(3, 1).op(0x89)
                .global("collections", "OrderedDict").emptyTuple().reduce()
                .global("torch", "float8_e4m3fn").tuple().reduce()
                .op('s').stop().build();
        byte[] file = PickleBuilder.raw().bytes(TorchLegacy.MAGIC_PICKLE)
                .op(0x80).u8(2).op('M').le(1001, 2).stop()
                .op(0x80).u8(2).op('}').stop()
                .bytes(object)
                .op(0x80).u8(2).op(']').op('(').str("0").op('e').stop()
                .le(12, 8).bytes(new byte[12]).build();

        Model model = read(file);

        assertThat(model.tensors()).extracting(t -> t.name() + " " + t.shape().toPythonTuple() + " " + t.dtype()
                + " " + t.bytes()).containsExactly("w (2, 3) float8_e4m3fn 6");
        // torch's _legacy_load reads storage_type.dtype, which UntypedStorage lacks: torch.load fails on this file
        assertThat(model.warnings()).contains("legacy storage '0' is torch.UntypedStorage (a newer dtype such as "
                + "float8 or uint16): torch.load's legacy loader asks the storage class for a dtype and fails on it "
                + "(AttributeError, still so in torch's source of December 2025); the tensors are listed as the "
                + "pickle describes them.");
    }

    @Test
    void aStorageTypeThatIsNoTorchStorageClassIsStillRefused() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).op('}').str("w")
                .tensorV2("FloatStorage_", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1}).op('s').stop().build();
        byte[] zip = new ZipBuilder().add("archive/data.pkl", pickle).add("archive/data/0", new byte[24])
                .add("archive/version", VERSION).build();
        Path file = write(zip);

        assertThat(TorchReaderTest.readError(reader, file)).isInstanceOf(FormatException.class)
                .hasMessage("Persistent id names storage type 'torch.FloatStorage_', which is not a torch storage "
                        + "class.");
    }

    @Test
    void rolesAStateDictCannotRecordAreKnownBuffersOrSaidToBeAGuessOnce() throws IOException {
        long[] size = {4};
        long[] stride = {1};
        byte[] pickle = PickleBuilder.protocol(2).op('}')
                .str("gate.weight").tensorV2("FloatStorage", "0", 4, 0, size, stride).op('s')
                .str("gate.e_score_correction_bias").tensorV2("FloatStorage", "1", 4, 0, size, stride).op('s')
                .str("attn._extra_state").tensorV2("FloatStorage", "2", 4, 0, size, stride).op('s')
                .str("norm.scale").tensorV2("FloatStorage", "3", 4, 0, size, stride).op('s')
                .str("head.temperature").tensorV2("FloatStorage", "4", 4, 0, size, stride).op('s')
                .stop().build();
        ZipBuilder zip = new ZipBuilder().add("archive/data.pkl", pickle);
        for (int i = 0; i < 5; i++) {
            zip.add("archive/data/" + i, new byte[16]);
        }

        Model model = read(zip.add("archive/version", VERSION).build());

        assertThat(TorchReaderTest.describe(model)).containsExactly(
                "gate.weight (4,) float32 PARAMETER",
                "gate.e_score_correction_bias (4,) float32 BUFFER",
                "attn._extra_state (4,) float32 BUFFER",
                "norm.scale (4,) float32 PARAMETER",
                "head.temperature (4,) float32 PARAMETER");
        assertThat(model.warnings()).containsExactly("the parameter/buffer split is a guess: the file does not "
                + "record which entries are buffers, and 2 tensors ('norm.scale', 'head.temperature') counted as "
                + "trainable parameters may be buffers.");
    }

    @Test
    void aWholePickledModuleRecordsItsRolesSoNothingIsAGuess() throws IOException {
        Model model = reader.read(Resources.path("fixtures/pytorch/module_attributes.pth"), ChannelOpener.FILES);

        assertThat(TorchReaderTest.describe(model)).contains("kept (2,) float32 BUFFER");
        assertThat(model.warnings()).noneMatch(w -> w.contains("guess"));
    }

    /** {@code {dtype: _rebuild_tensor_v3(UntypedStorage, 0, (2, 3), (3, 1), False, OrderedDict(), torch.dtype)}}. */
    private static byte[] v3Zip(Map<String, Integer> bytesEach) {
        PickleBuilder b = PickleBuilder.protocol(2).op('}');
        ZipBuilder zip = new ZipBuilder();
        int key = 0;
        for (Map.Entry<String, Integer> e : bytesEach.entrySet()) {
            int nbytes = 6 * e.getValue();
            b.str(e.getKey()).global("torch._utils", "_rebuild_tensor_v3").mark()
                    .mark().str("storage").global("torch", "UntypedStorage").str(Integer.toString(key)).str("cpu")
                    .int4(nbytes).tuple().op('Q')
                    .int1(0).ints(2, 3).ints(3, 1).op(0x89)
                    .global("collections", "OrderedDict").emptyTuple().reduce()
                    .global("torch", e.getKey()).tuple().reduce().op('s');
            key++;
        }
        zip.add("archive/data.pkl", b.stop().build());
        key = 0;
        for (int bytes : bytesEach.values()) {
            zip.add("archive/data/" + key++, new byte[6 * bytes]);
        }
        return zip.add("archive/version", VERSION).build();
    }

    private Model fixture(String name) throws IOException {
        return reader.read(Resources.path("fixtures/pytorch-more/" + name), ChannelOpener.FILES);
    }

    private static byte[] head(String fixture) {
        byte[] all = Resources.bytes("fixtures/pytorch-more/" + fixture);
        return Arrays.copyOf(all, Math.min(all.length, WeightReaders.HEAD_BYTES));
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "model", ".pth");
        Files.write(file, bytes);
        return file;
    }

    private Model read(byte[] bytes) throws IOException {
        return reader.read(write(bytes), ChannelOpener.FILES);
    }
}
