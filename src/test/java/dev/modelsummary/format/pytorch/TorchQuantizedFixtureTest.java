package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixtures of tools/fixtures/make_quantized_fixtures.py: real torch.save files holding every dtype torch 1.13
 * saves, quantized tensors (per tensor, per channel, packed 4- and 2-bit) and two quantized models' state
 * dicts. Each is compared with the {@code .expected.json} the script wrote from what torch.load returned.
 */
class TorchQuantizedFixtureTest {
    private static final String DIR = "fixtures/pytorch-quantized/";

    /** One tensor as torch reported it. */
    private record Expected(String name, Shape shape, DType dtype, long nbytes) {
    }

    private final TorchReader reader = new TorchReader();

    @ParameterizedTest
    @ValueSource(strings = {"every_dtype", "quantized_tensors", "quantized_model_onednn", "quantized_model_qnnpack"})
    void namesShapesAndDtypesAreWhatTorchLoads(String fixture) throws IOException {
        Model model = read(fixture);

        assertThat(model.tensors()).extracting(t -> t.name() + " " + t.shape() + " " + t.dtype())
                .containsExactlyElementsOf(expected(fixture).stream()
                        .map(e -> e.name() + " " + e.shape() + " " + e.dtype()).toList());
        // every_dtype's float tensors are named after their dtypes, and a packed Linear's bias by its position in
        // the tuple: whether they are buffers is a guess, and the only warning
        assertThat(model.warnings()).allMatch(w -> w.startsWith("the parameter/buffer split is a guess: "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"every_dtype", "quantized_tensors", "quantized_model_onednn", "quantized_model_qnnpack"})
    void everyTensorCountsTheBytesTorchAllocated(String fixture) throws IOException {
        Map<String, TensorEntry> read = byName(read(fixture));

        for (Expected e : expected(fixture)) {
            assertThat(read.get(e.name()).bytes()).as(e.name()).isEqualTo(e.nbytes());
        }
    }

    @Test
    void everyDtypeTorchSavesIsReadAsItself() throws IOException {
        // complex32 is not among them: torch 1.13 refuses to save it (see the fixture MANIFEST).
        assertThat(read("every_dtype").tensors()).extracting(t -> t.name() + "=" + t.dtype().torchName())
                .containsExactly("float64=float64", "float32=float32", "float16=float16", "bfloat16=bfloat16",
                        "complex64=complex64", "complex128=complex128", "int64=int64", "int32=int32",
                        "int16=int16", "int8=int8", "uint8=uint8", "bool=bool");
    }

    @Test
    void perChannelScalesAndZeroPointsAreNotListedAsTensors() throws IOException {
        List<String> names = read("quantized_tensors").tensors().stream().map(TensorEntry::name).toList();

        assertThat(names).containsExactly("quint8", "qint8", "qint32", "quint4x2", "quint2x4",
                "per_channel_qint8", "per_channel_quint8_axis1");
    }

    @Test
    void packedSubByteTypesPadEachRowToAWholeByte() throws IOException {
        Map<String, TensorEntry> read = byName(read("quantized_tensors"));

        // Shape (2, 5): rows of 5 values take 3 bytes at 4 bits and 2 bytes at 2 bits.
        assertThat(read.get("quint4x2").bytes()).isEqualTo(6);
        assertThat(read.get("quint2x4").bytes()).isEqualTo(4);
        assertThat(DType.QUINT4X2.bytesFor(Shape.of(5))).isEqualTo(3);
        assertThat(DType.QUINT4X2.bytesFor(Shape.scalar())).isEqualTo(1);
        assertThat(DType.QUINT2X4.bytesFor(Shape.of(3, 0))).isZero();
    }

    @Test
    void quantizedModelListsPackedLinearParamsUnderTheirStateDictKey() throws IOException {
        Map<String, TensorEntry> read = byName(read("quantized_model_onednn"));

        assertThat(read.get("fc._packed_params._packed_params.0").dtype()).isEqualTo(DType.QINT8);
        assertThat(read.get("fc._packed_params._packed_params.1").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(read).doesNotContainKey("fc._packed_params.dtype");
    }

    @Test
    void quantizedWeightsAreFrozenParametersAndScalesWithZeroPointsAreBuffers() throws IOException {
        Map<String, TensorEntry> read = byName(read("quantized_model_onednn"));

        // A quantized tensor cannot require grad in torch; the quantizer's scale and zero point are state.
        assertThat(read.get("conv.weight").role()).isEqualTo(Role.PARAMETER);
        assertThat(read.get("conv.weight").trainable()).isFalse();
        assertThat(read.get("fc._packed_params._packed_params.0").trainable()).isFalse();
        assertThat(read.get("conv.bias").role()).isEqualTo(Role.PARAMETER);
        for (String name : List.of("quant.scale", "quant.zero_point", "conv.scale", "conv.zero_point",
                "fc.scale", "fc.zero_point")) {
            assertThat(read.get(name).role()).as(name).isEqualTo(Role.BUFFER);
        }
    }

    private Model read(String fixture) throws IOException {
        return reader.read(Resources.path(DIR + fixture + ".pth"), ChannelOpener.FILES);
    }

    private static Map<String, TensorEntry> byName(Model model) {
        return model.tensors().stream().collect(Collectors.toMap(TensorEntry::name, Function.identity()));
    }

    private static List<Expected> expected(String fixture) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Resources.bytes(DIR + fixture + ".expected.json"));
        List<Expected> out = new ArrayList<>();
        for (JsonNode t : root.get("tensors")) {
            long[] dims = StreamSupport.stream(t.get("shape").spliterator(), false).mapToLong(JsonNode::asLong)
                    .toArray();
            out.add(new Expected(t.get("name").asText(), Shape.of(dims),
                    DType.byTorchName(t.get("dtype").asText()).orElseThrow(), t.get("nbytes").asLong()));
        }
        return out;
    }
}
