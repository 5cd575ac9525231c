package dev.modelsummary.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed files (fixtures/onnx/MANIFEST.md) read against what the onnx package lists of them
 * ({@code <name>.onnx.expected.json}, written by tools/fixtures/make_onnx_fixtures.py).
 */
class OnnxFixtureTest {
    private static final String DIR = "fixtures/onnx/";

    private static Model read(String name) throws IOException {
        return new OnnxReader().read(Resources.path(DIR + name), ChannelOpener.FILES);
    }

    private static JsonNode expected(String name) throws IOException {
        return new ObjectMapper().readTree(Resources.bytes(DIR + name + ".expected.json")).get("tensors");
    }

    private static List<Tuple> listed(JsonNode tensors, boolean strings) {
        List<Tuple> out = new ArrayList<>();
        for (JsonNode t : tensors) {
            if (t.get("dtype").asText().equals("string") != strings || !strings && shapeArgument(t)) {
                continue;
            }
            long[] dims = StreamSupport.stream(t.get("shape").spliterator(), false).mapToLong(JsonNode::asLong)
                    .toArray();
            out.add(strings ? tuple(t.get("name").asText())
                    : tuple(t.get("name").asText(), Shape.of(dims), DType.byTorchName(t.get("dtype").asText())
                    .orElseThrow()));
        }
        return out;
    }

    /** A scalar Constant or an integer or bool vector: an argument, counted in a fact, not listed. */
    private static boolean shapeArgument(JsonNode t) {
        return t.get("kind").asText().equals("constant") && (t.get("shape").isEmpty() || t.get("shape").size() == 1
                && DType.byTorchName(t.get("dtype").asText()).orElseThrow().isIntegerOrBool());
    }

    /** What {@code onnx.load} (onnx 1.12) reports of each file's ir_version, producer and opset_import. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "torch_eval.onnx|7|pytorch 1.13.0|ai.onnx 13",
            "torch_train.onnx|7|pytorch 1.13.0|ai.onnx 13",
            "all_dtypes.onnx|8|make_onnx_fixtures|ai.onnx 13"})
    void headerFactsAreWhatOnnxReports(String file, String irVersion, String producer, String opset)
            throws IOException {
        assertThat(read(file).details().facts()).extracting(f -> f.label() + ": " + f.value())
                .startsWith("ONNX IR version: " + irVersion, "producer: " + producer, "opset: " + opset);
    }

    @ParameterizedTest
    @ValueSource(strings = {"torch_eval", "torch_train", "all_dtypes", "external", "sparse", "constants",
            "subgraph", "subgraph_clash", "packed_dims"})
    void everyFixtureListsWhatOnnxListsInOnnxOrder(String name) throws IOException {
        Model model = read(name + ".onnx");
        JsonNode tensors = expected(name + ".onnx");
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype)
                .containsExactlyElementsOf(listed(tensors, false));
        assertThat(model.name()).isEqualTo(name);
        assertThat(model.format()).isEqualTo("onnx");
        // STRING tensors are the ones left out, each named in a warning.
        for (Tuple string : listed(tensors, true)) {
            assertThat(model.warnings()).anyMatch(w -> w.contains("'" + string.toList().get(0) + "'"));
        }
    }

    @Test
    void torchTrainingExportKeepsStateDictNamesAndRoles() throws IOException {
        Model model = read("torch_train.onnx");
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::role).containsExactly(
                tuple("conv.weight", Role.PARAMETER), tuple("conv.bias", Role.PARAMETER),
                tuple("bn.weight", Role.PARAMETER), tuple("bn.bias", Role.PARAMETER),
                tuple("bn.running_mean", Role.BUFFER), tuple("bn.running_var", Role.BUFFER),
                tuple("fc.weight", Role.PARAMETER), tuple("fc.bias", Role.PARAMETER));
        assertThat(model.warnings()).isEmpty();
        // The reshape's target shape, an int64 Constant, is an argument, not a weight: counted, not listed.
        assertThat(model.details().facts()).extracting(f -> f.label() + ": " + f.value()).contains(
                "Constant nodes: 1 argument not listed (scalars and integer vectors: shapes, axes, indices, "
                        + "arithmetic constants); weights are initializers");
        // conv 4*3*3*3 + 4, bn 4 + 4, fc 2*4 + 2, as torch counts them.
        assertThat(Summary.of(model).parameters().count()).isEqualTo(108 + 4 + 4 + 4 + 8 + 2);
    }

    @Test
    void floatingPointAndHigherRankConstantsAreListedShapeArgumentsCounted() throws IOException {
        Model model = read("constants.onnx");
        // c_float and c_int are scalars, c_ints (int64, (4,)) and c_ai_onnx (int8, (2,)) integer vectors
        assertThat(model.tensors()).extracting(TensorEntry::name)
                .containsExactly("w", "c_tensor", "c_floats", "c_sparse");
        assertThat(model.details().facts()).extracting(f -> f.label() + ": " + f.value()).endsWith(
                "Constant nodes: 4 arguments not listed (scalars and integer vectors: shapes, axes, indices, "
                        + "arithmetic constants); weights are initializers");
        assertThat(read("all_dtypes.onnx").details().facts()).noneMatch(f -> f.label().equals("Constant nodes"));
    }

    @Test
    void warningsSayWhatWasNotRead() throws IOException {
        assertThat(read("all_dtypes.onnx").warnings()).containsExactly("Left out 1 STRING tensor ('string'): "
                + "strings are no weights, and no header states their size.");
        assertThat(read("constants.onnx").warnings()).containsExactly(
                "Left out 2 STRING tensors ('c_string', 'c_strings'): strings are no weights, and no header "
                        + "states their size.",
                "1 sparse tensor is listed with the dense shape; it stores '2' values (and their indices).");
        assertThat(read("sparse.onnx").warnings()).containsExactly(
                "2 sparse tensors are listed with the dense shape; they store '5' values (and their indices).");
        assertThat(read("subgraph.onnx").warnings()).containsExactly("3 tensors are in subgraphs (If/Loop/Scan "
                + "bodies), listed after the main graph's of each kind.");
        assertThat(read("subgraph_clash.onnx").warnings()).containsExactly("4 tensors are in subgraphs (If/Loop/Scan "
                + "bodies), listed after the main graph's of each kind; 1 whose name an earlier tensor of another "
                + "graph has is named 'name@<node>.<attribute>'.");
        assertThat(read("external.onnx").warnings()).containsExactly("3 tensors keep their data in external "
                + "files ('external.onnx.data'), which were not opened: sizes come from the shapes.");
    }

    @Test
    void externalDataIsNeverOpened() throws IOException {
        Path file = Resources.path(DIR + "external.onnx");
        CountingOpener opener = new CountingOpener();
        Model model = new OnnxReader().read(file, opener);
        assertThat(opener.opened()).containsExactly(file.toAbsolutePath().normalize());
        assertThat(opener.totalBytes()).isEqualTo(Files.size(file));
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::bytes)
                .containsExactly(tuple("big.weight", 128L), tuple("small.bias", 16L), tuple("big.index", 120L),
                        tuple("half", 32L));
    }

    @Test
    void aTruncatedFileIsRefused() {
        assertThatThrownBy(() -> read("truncated.onnx")).isInstanceOf(FormatException.class)
                .hasMessage("The model's graph declares '1242' bytes, but only '612' remain in the message around it.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"torch_eval.onnx", "torch_train.onnx", "all_dtypes.onnx", "external.onnx",
            "packed_dims.onnx"})
    void theRegistryPicksThisReaderByItsBytes(String name) throws IOException {
        Path path = Resources.path(DIR + name);
        byte[] head = Files.readAllBytes(path);
        assertThat(new OnnxReader().sniff(java.util.Arrays.copyOf(head, Math.min(head.length,
                WeightReaders.HEAD_BYTES)), head.length)).isTrue();
        assertThat(WeightReaders.standard().read(path).format()).isEqualTo("onnx");
    }
}
