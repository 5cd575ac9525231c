package dev.modelsummary.format.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed real files (see fixtures/safetensors/MANIFEST.md) read against what torch said about them. */
class SafetensorsFixtureTest {
    private static final String DIR = "fixtures/safetensors/";

    private static Model read(String name) throws IOException {
        return new SafetensorsReader().read(Resources.path(DIR + name), ChannelOpener.FILES);
    }

    /** Names, shapes and dtypes in the expected order. */
    private static void assertTensors(Model model, List<Expected> expected) {
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype)
                .containsExactlyElementsOf(expected.stream().map(e -> tuple(e.name(), e.shape(), e.dtype())).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_model", "all_torch_dtypes", "exotic_dtypes", "scalar_and_empty", "reference_attn0"})
    void everyFixtureReadsAsItsExpectationSaysInHeaderOrder(String name) throws IOException {
        Model model = read(name + ".safetensors");
        assertTensors(model, Expected.load(DIR + name + ".safetensors.expected.json"));
        assertThat(model.name()).isEqualTo(name);
        assertThat(model.format()).isEqualTo("safetensors");
        assertThat(model.source()).isEqualTo(Resources.path(DIR + name + ".safetensors").toString());
        assertThat(model.warnings()).isEmpty();
    }

    @Test
    void tinyModelRolesAreTheOnesTorchGives() throws IOException {
        Model model = read("tiny_model.safetensors");
        List<Expected> expected = Expected.load(DIR + "tiny_model.safetensors.expected.json");
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::role)
                .containsExactlyElementsOf(expected.stream().map(e -> tuple(e.name(), e.role())).toList());
        assertThat(model.tensors()).filteredOn(TensorEntry::isParameter).allMatch(TensorEntry::trainable)
                .extracting(TensorEntry::name)
                .containsExactly("bn.bias", "bn.weight", "conv.bias", "conv.weight", "fc.bias", "fc.weight");
        assertThat(model.tensors()).allMatch(t -> t.alias().isEmpty());
    }

    @Test
    void tinyModelCountsLikeTorch() throws IOException {
        // torch: conv 4*3*3*3 + 4, bn 4 + 4, fc 2*4 + 2 parameters.
        Summary summary = Summary.of(read("tiny_model.safetensors"));
        assertThat(summary.parameters().count()).isEqualTo(108 + 4 + 4 + 4 + 8 + 2);
        assertThat(summary.parameters().trainable()).isEqualTo(summary.parameters().count());
        // running_mean 4, running_var 4, num_batches_tracked 1 (a 0-d int64).
        assertThat(summary.buffers().count()).isEqualTo(9);
        assertThat(summary.buffers().bytes()).isEqualTo(4 * 4 + 4 * 4 + 8);
    }

    @Test
    void everyTorchDtypeMapsToItsTorchName() throws IOException {
        // The fixture names each tensor after its torch dtype.
        assertThat(read("all_torch_dtypes.safetensors").tensors())
                .allSatisfy(t -> assertThat(t.dtype().torchName()).isEqualTo(t.name()))
                .hasSize(11);
    }

    @Test
    void exoticDtypesAreSizedFromTheirBits() throws IOException {
        assertThat(read("exotic_dtypes.safetensors").tensors())
                .extracting(TensorEntry::name, TensorEntry::dtype, TensorEntry::bytes)
                .contains(tuple("f4", DType.FLOAT4_E2M1, 4L), tuple("f6_e2m3", DType.FLOAT6_E2M3, 3L),
                        tuple("f6_e3m2", DType.FLOAT6_E3M2, 6L), tuple("f8_e4m3", DType.FLOAT8_E4M3FN, 3L),
                        tuple("f8_e8m0", DType.FLOAT8_E8M0FNU, 2L), tuple("u64", DType.UINT64, 8L));
    }

    @Test
    void scalarsAndEmptyTensorsKeepTheirShapes() throws IOException {
        assertThat(read("scalar_and_empty.safetensors").tensors())
                .extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::numel, TensorEntry::role)
                .containsExactly(
                        tuple("empty_counts", Shape.of(3, 0), 0L, Role.BUFFER),
                        tuple("empty", Shape.of(0, 4), 0L, Role.PARAMETER),
                        tuple("scalar", Shape.scalar(), 1L, Role.PARAMETER),
                        tuple("vector", Shape.of(2), 2L, Role.PARAMETER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_model.safetensors", "sharded/model-00002-of-00003.safetensors",
            "sharded/model.safetensors.index.json", "sharded"})
    void theRegistryPicksThisReader(String name) throws IOException {
        Path path = Resources.path(DIR + name);
        assertThat(WeightReaders.standard().choose(path)).isInstanceOf(SafetensorsReader.class);
        assertThat(WeightReaders.standard().read(path).format()).isEqualTo("safetensors");
    }
}
