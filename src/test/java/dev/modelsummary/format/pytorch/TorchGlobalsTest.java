package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.model.DType;
import dev.modelsummary.testutil.PickleBuilder;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The torch rebuild functions torch 1.13 does not write, pickled by hand as newer torch writes them. */
class TorchGlobalsTest {

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} is a layer class: allowed, no warning")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "torch.nn.modules.conv.Conv2d", "torch.nn.modules.rnn.LSTM", "torch.nn.modules.activation.GELU",
            "torch.nn.modules.linear.NonDynamicallyQuantizableLinear", "torch.ao.nn.quantized.modules.conv.Conv2d",
            "torch.nn.intrinsic.modules.fused.ConvReLU2d", "torchvision.models.resnet.BasicBlock",
            "torchvision.ops.misc.Conv2dNormActivation", "timm.models.vision_transformer.VisionTransformer",
            "timm.layers.mlp.Mlp", "transformers.models.bert.modeling_bert.BertModel"})
    void layerClassesOfKnownLibrariesAreKnown(String name) {
        assertThat(TorchGlobals.ALLOWLIST.knows(name)).isTrue();
        int dot = name.lastIndexOf('.');
        assertThat(TorchPickleSafety.STANDARD.classify(name.substring(0, dot), name.substring(dot + 1)))
                .isEqualTo(dev.modelsummary.model.PickleScan.Verdict.ALLOWED);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} is not a layer class by the rule")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            // a function, a one-letter module alias (torch.nn.functional), a method, a private or dunder module
            "torch.nn.modules.conv.conv2d", "torch.nn.modules.conv.F", "torch.nn.modules.module.Module.load",
            "torchvision.models._utils.IntermediateLayerGetter", "torch.nn.modules.__main__.Net",
            // transformers: only modeling files (a tokenizer reads the files its arguments name)
            "transformers.models.bert.tokenization_bert.BertTokenizer",
            // a package of its own that is not a layer library; the package itself
            "torch.utils.data.DataLoader", "torchvision.models",
            // dangerous by a part of its name: dangerous wins
            "torch.nn.modules.os.Popen", "timm.models.subprocess.Popen"})
    void otherNamesAreNotLayerClasses(String name) {
        assertThat(TorchGlobals.isInertModuleClass(name)).isFalse();
    }

    @Test
    void v3TakesTheDtypeArgumentOverAnUntypedStorage() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_tensor_v3").mark();
        storage(b, "torch.storage", "UntypedStorage", 12);
        b.int1(1).ints(5).ints(1).op(0x89).none().global("torch", "uint16").tuple().reduce().stop();

        TorchTensor t = (TorchTensor) load(b.build());

        assertThat(t.dtype()).isEqualTo(DType.UINT16);
        assertThat(t.storage().dtype()).isNull();
        assertThat(t.storage().nbytes()).isEqualTo(12);
        assertThat(t.storageBytesSpanned()).isEqualTo((1 + 4 + 1) * 2);
    }

    @Test
    void dtypesOfOtherFormatsAreNotTorchDtypes() throws IOException {
        // GGUF's q4_0 and safetensors' F4 are DType constants too, but torch has no such dtype to pickle.
        PickleBuilder b = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_tensor_v3").mark();
        storage(b, "torch", "UntypedStorage", 6);
        b.int1(0).ints(2, 3).ints(3, 1).op(0x88).none().global("torch", "q4_0").tuple().reduce().stop();

        // named as the pickle spells it and left out by the reader, never read as GGUF's q4_0
        TorchTensor t = (TorchTensor) load(b.build());
        assertThat(t.unknownDtype()).isEqualTo("torch.q4_0");
        assertThat(t.dtype()).isNotEqualTo(DType.Q4_0);
        assertThat(DType.byTorchName("q4_0")).map(DType::isTorchDtype).contains(false);
        assertThat(DType.FLOAT4_E2M1.isTorchDtype()).isFalse();
        assertThat(DType.FLOAT8_E4M3FN.isTorchDtype()).isTrue();
    }

    @Test
    void float8TensorsOfNewerTorch() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_tensor_v3").mark();
        storage(b, "torch", "UntypedStorage", 6);
        b.int1(0).ints(2, 3).ints(3, 1).op(0x88).none().global("torch", "float8_e4m3fn").tuple().reduce().stop();

        TorchTensor t = (TorchTensor) load(b.build());

        assertThat(t.dtype()).isEqualTo(DType.FLOAT8_E4M3FN);
        assertThat(t.requiresGrad()).isTrue();
        assertThat(t.storageBytesSpanned()).isEqualTo(6);
    }

    @Test
    void parametersWithStateAndParametersBuiltByNewobj() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(2).mark();
        b.global("torch._utils", "_rebuild_parameter_with_state").mark();
        tensor(b, "0");
        b.op(0x89).none().op('}').tuple().reduce();
        b.global("torch.nn.parameter", "Parameter").mark();
        tensor(b, "1");
        b.op(0x88).tuple().op(0x81);
        b.tuple().stop();

        PyTuple both = (PyTuple) load(b.build());

        TorchTensor withState = (TorchTensor) both.get(0);
        TorchTensor newobj = (TorchTensor) both.get(1);
        assertThat(withState.parameter()).isTrue();
        assertThat(withState.requiresGrad()).isFalse();
        assertThat(newobj.parameter()).isTrue();
        assertThat(newobj.requiresGrad()).isTrue();
    }

    @Test
    void tensorSubclassesRebuildThroughTheirInnerFunction() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(2).global("torch._tensor", "_rebuild_from_type_v2").mark()
                .global("torch._utils", "_rebuild_tensor_v2").global("mylib", "TaggedTensor").mark();
        storage(b, "torch", "HalfStorage", 4);
        b.int1(0).ints(4).ints(1).op(0x89).none().tuple().op('}').tuple().reduce().stop();
        Unpickler unpickler = unpickler(b.build());

        TorchTensor t = (TorchTensor) unpickler.load();

        assertThat(t.dtype()).isEqualTo(DType.FLOAT16);
        assertThat(t.shape().numel()).isEqualTo(4);
        assertThat(unpickler.warnings()).containsExactly(
                "unknown pickle global 'mylib.TaggedTensor' read as an inert placeholder.");
    }

    @Test
    void metaTensorsHaveAShapeAndNoStorage() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_meta_tensor_no_storage").mark()
                .global("torch", "bfloat16").ints(7, 2).ints(2, 1).op(0x89).tuple().reduce().stop().build();

        TorchTensor t = (TorchTensor) load(pickle);

        assertThat(t.storage()).isNull();
        assertThat(t.dtype()).isEqualTo(DType.BFLOAT16);
        assertThat(t.size()).containsExactly(7, 2);
    }

    @Test
    void quantizedTensorsUseTheirQuantizedStorageClass() throws IOException {
        PickleBuilder b = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_qtensor").mark();
        storage(b, "torch", "QInt8Storage", 4);
        b.int1(0).ints(4).ints(1)
                .mark().global("torch", "per_tensor_affine").op('G').bytes(PickleBuilder.hex("3fb999999999999a"))
                .int1(0).tuple()
                .op(0x89).none().tuple().reduce().stop();
        Unpickler unpickler = unpickler(b.build());

        TorchTensor t = (TorchTensor) unpickler.load();

        assertThat(t.dtype()).isEqualTo(DType.QINT8);
        assertThat(unpickler.warnings()).isEmpty();
    }

    @Test
    void aParameterAroundAnUnknownTensorStaysInert() throws IOException {
        byte[] pickle = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_parameter").mark()
                .global("torch._utils", "_rebuild_future_tensor").emptyTuple().reduce()
                .op(0x88).none().tuple().reduce().stop().build();
        Unpickler unpickler = unpickler(pickle);

        assertThat(unpickler.load()).isInstanceOf(PyObject.class);
        assertThat(unpickler.warnings()).containsExactly(
                "unknown pickle global 'torch._utils._rebuild_future_tensor' read as an inert placeholder.");
    }

    @Test
    void badCallsFailWithOneSentence() {
        byte[] fewArgs = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_tensor_v2").emptyTuple()
                .reduce().stop().build();
        assertThatThrownBy(() -> load(fewArgs))
                .hasMessage("Pickle calls 'torch._utils._rebuild_tensor_v2' with 0 arguments; it needs 6.");

        PickleBuilder rank = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_tensor").mark();
        storage(rank, "torch", "FloatStorage", 4);
        rank.int1(0).ints(2, 2).ints(1).tuple().reduce().stop();
        assertThatThrownBy(() -> load(rank.build()))
                .hasMessage("Pickle calls 'torch._utils._rebuild_tensor' with a size of rank 2 but a stride of rank 1.");

        PickleBuilder dtype = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_meta_tensor_no_storage")
                .mark().global("numpy", "float128").ints(1).ints(1).tuple().reduce().stop();
        assertThatThrownBy(() -> load(dtype.build())).hasMessage("Pickle calls "
                + "'torch._utils._rebuild_meta_tensor_no_storage' with argument 1 of type 'numpy.float128' where a "
                + "torch dtype belongs.");
    }

    @Test
    void tensorsCostTheirRank() {
        // one shared size tuple of rank 64 rebuilt 200 times: each tensor keeps its own size and stride arrays
        long[] ones = new long[64];
        Arrays.fill(ones, 1);
        PickleBuilder b = PickleBuilder.protocol(2).global("torch._utils", "_rebuild_meta_tensor_no_storage").put(0)
                .global("torch", "float32").put(1).ints(ones).put(2).mark();
        for (int i = 0; i < 200; i++) {
            b.get(0).get(1).get(2).get(2).op(0x87).reduce();
        }
        byte[] pickle = b.tuple().stop().build();
        Unpickler unpickler = new Unpickler(PickleInput.of(pickle), TorchGlobals.ALLOWLIST, null, 10_000, 1000);

        assertThatThrownBy(unpickler::load).hasMessageStartingWith("Pickle builds more than 10000 values (at byte");
    }

    private static void storage(PickleBuilder b, String module, String storageClass, int numel) {
        b.mark().str("storage").global(module, storageClass).str("0").str("cpu").int4(numel).tuple().op('Q');
    }

    private static void tensor(PickleBuilder b, String key) {
        b.tensorV2("FloatStorage", key, 3, 0, new long[] {3}, new long[] {1});
    }

    private static Object load(byte[] pickle) throws IOException {
        return unpickler(pickle).load();
    }

    /** Storages straight from their persistent ids, without a ZIP around them. */
    private static Unpickler unpickler(byte[] pickle) {
        return new Unpickler(PickleInput.of(pickle), TorchGlobals.ALLOWLIST, pid -> {
            PyTuple id = (PyTuple) pid;
            return new TorchStorage((String) id.get(2), TorchGlobals.storageDTypeOf(id.get(1)).orElse(null),
                    (Long) id.get(4), (String) id.get(3));
        });
    }
}
