package dev.modelsummary.format.numpy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.format.pytorch.TorchReader;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed files numpy wrote (see fixtures/numpy/MANIFEST.md), read against what np.load said of them. */
class NumpyFixtureTest {
    private static final String DIR = "fixtures/numpy/";

    @TempDir
    Path dir;

    private static Model read(String name) throws IOException {
        return new NumpyReader().read(Resources.path(DIR + name), ChannelOpener.FILES);
    }

    /** name, shape, dtype of each tensor np.load listed, in its order. */
    private static List<Tuple> expected(String name) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Resources.bytes(DIR + name + ".expected.json"));
        List<Tuple> out = new ArrayList<>();
        for (JsonNode t : root.get("tensors")) {
            long[] dims = StreamSupport.stream(t.get("shape").spliterator(), false).mapToLong(JsonNode::asLong)
                    .toArray();
            out.add(tuple(t.get("name").asText(), Shape.of(dims),
                    DType.byTorchName(t.get("dtype").asText()).orElseThrow()));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32_2d.npy", "scalar_f8.npy", "empty_i8.npy", "big_endian_f4.npy", "fortran_i2.npy",
            "bool_3d.npy", "complex128.npy", "version_2_0.npy", "version_3_0.npy", "all_dtypes.npz", "stored.npz",
            "compressed.npz", "empty.npz", "zip64.npz"})
    void everyFixtureReadsAsNpLoadListedIt(String name) throws IOException {
        Model model = read(name);
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype)
                .containsExactlyElementsOf(expected(name));
        assertThat(model.format()).isEqualTo("numpy");
        assertThat(model.name()).isEqualTo(name.substring(0, name.length() - 4));
        assertThat(model.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"structured_latin1.npy", "structured_utf8.npy", "structured_padded.npy",
            "structured_nested.npy"})
    void structuredArraysListEachFieldWithAWarning(String name) throws IOException {
        Model model = read(name);
        JsonNode root = new ObjectMapper().readTree(Resources.bytes(DIR + name + ".expected.json"));
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype)
                .containsExactlyElementsOf(expected(name));
        long itemsize = root.get("itemsize").asLong();
        long fieldBytes = model.tensors().stream().mapToLong(TensorEntry::bytes).sum();
        long numel = Shape.of(StreamSupport.stream(root.get("shape").spliterator(), false)
                .mapToLong(JsonNode::asLong).toArray()).numel();
        assertThat(root.get("nbytes").asLong()).isEqualTo(numel * itemsize);
        String stem = name.substring(0, name.length() - 4);
        long padding = itemsize - fieldBytes / numel;
        assertThat(model.warnings()).containsExactly("Array '" + stem + "' has a structured dtype ("
                + model.tensors().size() + " fields, " + itemsize + " bytes an item"
                + (padding > 0 ? ", " + padding + " of them padding" : "") + "): each field is listed as a tensor "
                + "of its own, '" + stem + ".<field>', with the field's sub-array shape after the array's.");
    }

    @Test
    void fortranOrderIsReadFromTheHeaderAndLeavesTheShapeAsNumpyReportsIt() throws IOException {
        for (String name : List.of("fortran_i2.npy", "float32_2d.npy")) {
            byte[] bytes = Resources.bytes(DIR + name);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
            NpyHeader header = NpyHeader.read(n -> {
                byte[] out = new byte[n];
                in.get(out);
                return out;
            }, bytes.length);
            JsonNode expected = new ObjectMapper().readTree(Resources.bytes(DIR + name + ".expected.json"))
                    .get("tensors").get(0);
            assertThat(header.fortranOrder()).isEqualTo(expected.get("fortran_order").asBoolean());
            assertThat(header.headerBytes() + header.dataBytes()).isEqualTo(bytes.length);
        }
    }

    @Test
    void theTensorLimitHolds() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Limits.DEFAULT
                        .with(Limit.TENSORS, 6).using(() -> read("stored.npz")))
                .hasMessage("Archive holds more than '6' arrays, the limit (raise with --limit tensors=N).");
    }

    @Test
    void allFourteenDtypesAreRead() throws IOException {
        assertThat(read("all_dtypes.npz").tensors()).hasSize(14);
    }

    @Test
    void rolesFollowNamesAndDtypesAsForAStateDict() throws IOException {
        Model model = read("stored.npz");
        assertThat(model.tensors()).filteredOn(t -> t.role() == Role.BUFFER).extracting(TensorEntry::name)
                .containsExactly("bn.running_mean", "bn.num_batches_tracked");
        Summary summary = Summary.of(model);
        // conv 108 + 4, fc 8, arr_0 3, arr_1 0
        assertThat(summary.parameters().count()).isEqualTo(108 + 4 + 8 + 3);
        assertThat(summary.buffers().bytes()).isEqualTo(4 * 4 + 8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32_2d.npy", "stored.npz", "compressed.npz", "zip64.npz"})
    void theRegistrySniffsNumpyWhateverTheFileIsCalled(String name) throws IOException {
        Path renamed = Files.copy(Resources.path(DIR + name), dir.resolve("weights.bin"));
        assertThat(WeightReaders.standard().choose(renamed)).isInstanceOf(NumpyReader.class);
    }

    @Test
    void anEmptyArchiveIsChosenByItsName() throws IOException {
        assertThat(WeightReaders.standard().choose(Resources.path(DIR + "empty.npz"))).isInstanceOf(NumpyReader.class);
    }

    @Test
    void aTorchSaveArchiveIsStillPyTorch() throws IOException {
        Path torch = Files.copy(Resources.path("fixtures/pytorch/small_real.pth"), dir.resolve("weights.npz"));
        assertThat(WeightReaders.standard().choose(torch)).isInstanceOf(TorchReader.class);
        assertThat(new NumpyReader().sniff(Files.readAllBytes(torch), Files.size(torch))).isFalse();
    }
}
