package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PackedWeights}, through {@link WeightReaders#read} as every read goes: the hand-written fixtures of
 * tools/fixtures/make_packed_fixtures.py (names, dtypes and shapes as GPTQ, AWQ and bitsandbytes save them), and
 * byte-built safetensors files for the edges.
 */
class PackedWeightsTest {
    @TempDir
    Path dir;

    private static Model fixture(String name) throws IOException {
        return WeightReaders.standard().read(Resources.path("fixtures/packed/" + name + ".safetensors"));
    }

    private static Map<String, TensorEntry> byName(Model model) {
        return model.tensors().stream().collect(Collectors.toMap(TensorEntry::name, Function.identity()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gptq_4bit", "awq_4bit", "bnb_nf4", "bnb_int8"})
    void eachSchemeGetsOneNoteNamingHowManyTensorsArePacked(String name) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(
                Resources.bytes("fixtures/packed/" + name + ".safetensors.expected.json"));
        Model model = fixture(name);

        assertThat(model.tensors()).extracting(TensorEntry::name)
                .containsExactlyElementsOf(expected.get("tensors").findValuesAsText("name"));
        assertThat(model.details().notes()).hasSize(1);
        assertThat(model.details().notes().get(0)).startsWith(expected.get("packed_tensors").asInt() + " tensors hold");
    }

    @Test
    void gptqBitsComeFromQzerosAndScalesAndEveryPartIsABuffer() throws IOException {
        Model model = fixture("gptq_4bit");
        Map<String, TensorEntry> t = byName(model);

        assertThat(model.details().notes().get(0)).startsWith(
                "4 tensors hold packed 4-bit weights (GPTQ/AWQ qweight, 8 per int32): counted as stored");
        for (String part : List.of("qweight", "qzeros", "scales", "g_idx", "bias")) {
            assertThat(t.get("model.layers.0.mlp.up_proj." + part).role()).as(part).isEqualTo(Role.BUFFER);
        }
        assertThat(t.get("lm_head.weight").role()).isEqualTo(Role.PARAMETER);
    }

    @Test
    void awqIsRecognisedWithoutGIdx() throws IOException {
        assertThat(fixture("awq_4bit").details().notes().get(0)).startsWith(
                "4 tensors hold packed 4-bit weights (GPTQ/AWQ qweight, 8 per int32)");
    }

    @Test
    void bitsAndBytes4bitWeightsAreFrozenParametersAndTheirStateBuffers() throws IOException {
        Model model = fixture("bnb_nf4");
        Map<String, TensorEntry> t = byName(model);
        String w = "model.layers.0.self_attn.q_proj.weight";

        assertThat(model.details().notes().get(0)).startsWith(
                "4 tensors hold packed 4-bit weights (bitsandbytes nf4, 2 per uint8)");
        assertThat(t.get(w).role()).isEqualTo(Role.PARAMETER);
        assertThat(t.get(w).trainable()).isFalse();
        for (String part : List.of(".absmax", ".quant_map", ".nested_absmax", ".nested_quant_map",
                ".quant_state.bitsandbytes__nf4")) {
            assertThat(t.get(w + part).role()).as(part).isEqualTo(Role.BUFFER);
        }
    }

    @Test
    void bitsAndBytes8bitWeightsAreFrozenParametersAndScbBuffers() throws IOException {
        Model model = fixture("bnb_int8");
        Map<String, TensorEntry> t = byName(model);

        assertThat(model.details().notes().get(0)).startsWith("4 tensors hold 8-bit weights (bitsandbytes LLM.int8");
        assertThat(t.get("model.layers.0.mlp.down_proj.weight").role()).isEqualTo(Role.PARAMETER);
        assertThat(t.get("model.layers.0.mlp.down_proj.weight").trainable()).isFalse();
        assertThat(t.get("model.layers.0.mlp.down_proj.SCB").role()).isEqualTo(Role.BUFFER);
    }

    @Test
    void torchQuint4x2TensorsGetANote() throws IOException {
        Model model = WeightReaders.standard().read(
                Resources.path("fixtures/pytorch-quantized/quantized_tensors.pth"));

        assertThat(model.details().notes()).containsExactly("2 tensors hold torch quint4x2 or quint2x4 values "
                + "(4 or 2 bits each, packed into bytes): counted value by value, bytes as stored, each row padded "
                + "to a whole byte.");
    }

    @Test
    void threeBitGptqIsNamed() throws IOException {
        // 3-bit GPTQ: qzeros has 3 int32 columns for every 32 output columns.
        Model model = read(st("l.qweight", "I32", 12, 32), st("l.qzeros", "I32", 1, 3), st("l.scales", "F16", 1, 32));

        assertThat(model.details().notes().get(0)).startsWith(
                "1 tensor holds packed 3-bit weights (GPTQ/AWQ qweight, 32 in every 3 int32)");
    }

    @Test
    void anUnusualRatioIsLowBitNotAGuess() throws IOException {
        Model model = read(st("l.qweight", "I32", 8, 32), st("l.qzeros", "I32", 1, 5), st("l.scales", "F16", 1, 32));

        assertThat(model.details().notes().get(0)).contains("packed low-bit weights (GPTQ/AWQ qweight, several per int32)");
    }

    @Test
    void namesWithoutTheRightDtypesOrSiblingsAreNotPacked() throws IOException {
        // A qweight in float32, a qweight without qzeros, a uint8 weight without a quant_state, an int8 weight
        // whose SCB is missing: names alone are no evidence.
        Model model = read(st("a.qweight", "F32", 2, 2), st("a.qzeros", "I32", 1, 1), st("a.scales", "F16", 1, 8),
                st("b.qweight", "I32", 2, 2), st("b.scales", "F16", 1, 8),
                st("c.weight", "U8", 4, 1), st("c.weight.absmax", "F32", 1),
                st("d.weight", "I8", 2, 2));

        assertThat(model.details().notes()).isEmpty();
        assertThat(byName(model).get("a.scales").role()).isEqualTo(Role.PARAMETER);
    }

    @Test
    void aQuantStateOfAnUnknownKindIsNotPacked() throws IOException {
        Model model = read(st("c.weight", "U8", 4, 1), st("c.weight.quant_state.bitsandbytes__int3", "U8", 4));

        assertThat(model.details().notes()).isEmpty();
    }

    // ---- byte-built safetensors ----

    private record St(String name, String dtype, long[] shape) {
    }

    private static St st(String name, String dtype, long... shape) {
        return new St(name, dtype, shape);
    }

    private Model read(St... tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        List<String> entries = new ArrayList<>();
        for (St t : tensors) {
            long bytes = switch (t.dtype()) {
                case "F32", "I32" -> 4;
                case "F16" -> 2;
                default -> 1;
            };
            for (long d : t.shape()) {
                bytes *= d;
            }
            StringBuilder shape = new StringBuilder("[");
            for (int i = 0; i < t.shape().length; i++) {
                shape.append(i == 0 ? "" : ",").append(t.shape()[i]);
            }
            entries.add("\"" + t.name() + "\":{\"dtype\":\"" + t.dtype() + "\",\"shape\":" + shape
                    + "],\"data_offsets\":[" + offset + "," + (offset + bytes) + "]}");
            offset += bytes;
        }
        header.append(String.join(",", entries)).append('}');
        byte[] text = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(Math.toIntExact(8 + text.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(text.length).put(text);
        Path path = Files.write(dir.resolve("m.safetensors"), file.array());
        return WeightReaders.standard().read(path);
    }
}
