package dev.modelsummary.format.gguf;

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
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
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

/**
 * The committed files (fixtures/gguf/MANIFEST.md) against their {@code .expected.json}: what the writing script
 * wrote, checked there against gguf-py's GGUFReader for every v2/v3 file, and for written_by_gguf_py.gguf what
 * gguf-py's reader reports of the file gguf-py's writer made.
 */
class GgufFixtureTest {
    private static final String DIR = "fixtures/gguf/";

    @TempDir
    Path tmp;

    private static JsonNode expected(String file) throws IOException {
        return new ObjectMapper().readTree(Resources.bytes(DIR + file + ".expected.json"));
    }

    private static List<Tuple> tensors(JsonNode root) {
        List<Tuple> out = new ArrayList<>();
        for (JsonNode t : root.get("tensors")) {
            long[] dims = StreamSupport.stream(t.get("shape").spliterator(), false).mapToLong(JsonNode::asLong).toArray();
            out.add(tuple(t.get("name").asText(), Shape.of(dims), DType.byTorchName(t.get("dtype").asText()).orElseThrow(),
                    t.get("bytes").asLong()));
        }
        return out;
    }

    private static GgufMetadata metadata(JsonNode m) {
        return new GgufMetadata(m.get("version").asInt(), m.get("alignment").asLong(), text(m, "architecture"),
                text(m, "name"), number(m, "file_type"), number(m, "context_length"), number(m, "split_no"),
                number(m, "split_count"), number(m, "split_tensors"), number(m, "quantization_version"),
                number(m, "expert_count"), number(m, "expert_used_count"));
    }

    private static String text(JsonNode m, String key) {
        return m.hasNonNull(key) ? m.get(key).asText() : null;
    }

    private static Long number(JsonNode m, String key) {
        return m.hasNonNull(key) ? m.get(key).asLong() : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama.gguf", "tiny_llama_v2.gguf", "tiny_llama_v1.gguf", "written_by_gguf_py.gguf",
        "tiny_moe.gguf"})
    void everyFileReadsAsExpected(String file) throws IOException {
        Path path = Resources.path(DIR + file);
        GgufReader.Read read = new GgufReader().readWithMetadata(path, ChannelOpener.FILES);
        JsonNode expected = expected(file);
        assertThat(read.model().tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype,
                TensorEntry::bytes).containsExactlyElementsOf(tensors(expected));
        assertThat(read.model().tensors()).allMatch(t -> t.isParameter() && t.trainable() && t.alias().isEmpty());
        assertThat(read.metadata()).isEqualTo(metadata(expected.get("metadata")));
        assertThat(read.model().name()).isEqualTo(file.substring(0, file.length() - 5));
        assertThat(read.model().format()).isEqualTo("gguf");
        assertThat(read.model().warnings()).isEmpty();
    }

    @Test
    void everyTypeLaidOutAsGgufPyLaysItOutIsRead() throws IOException {
        String file = "all_types_gguf_py.gguf";
        Model model = new GgufReader().read(Resources.path(DIR + file), ChannelOpener.FILES);
        List<Tuple> expected = new ArrayList<>();
        for (JsonNode t : expected(file).get("tensors")) {
            expected.add(tuple(t.get("name").asText(), Shape.of(t.get("shape").get(0).asLong(),
                    t.get("shape").get(1).asLong()), t.get("bytes").asLong()));
        }
        assertThat(expected).hasSize(34);
        // Sizes as gguf-py's reader reports them (its Q8_1 blocks are 40 bytes, ggml's 36).
        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::bytes)
                .containsExactlyElementsOf(expected);
        assertThat(model.tensors()).filteredOn(t -> t.name().equals("t.q8_1")).singleElement()
                .extracting(TensorEntry::dtype).isEqualTo(DType.Q8_1_GGUF_PY);
        assertThat(model.tensors()).extracting(t -> t.dtype().toString())
                .containsExactlyElementsOf(expected(file).findValuesAsText("dtype"));
        assertThat(model.warnings()).singleElement().asString().contains("Q8_1", "40-byte blocks");
    }

    @Test
    void theRegistryPicksGgufByItsMagic() throws IOException {
        Path copy = Files.copy(Resources.path(DIR + "tiny_llama.gguf"), tmp.resolve("no-extension.bin"));
        assertThat(WeightReaders.standard().choose(copy)).isInstanceOf(GgufReader.class);
        assertThat(WeightReaders.standard().read(copy).tensors()).hasSize(15);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama-split-00001-of-00002.gguf", "tiny-llama-split-00002-of-00002.gguf"})
    void eitherSplitReadsBothInOrder(String file) throws IOException {
        GgufReader.Read read = new GgufReader().readWithMetadata(Resources.path(DIR + file), ChannelOpener.FILES);
        List<Tuple> expected = new ArrayList<>(tensors(expected("tiny-llama-split-00001-of-00002.gguf")));
        expected.addAll(tensors(expected("tiny-llama-split-00002-of-00002.gguf")));
        assertThat(read.model().tensors()).extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype,
                TensorEntry::bytes).containsExactlyElementsOf(expected);
        assertThat(read.model().name()).isEqualTo("tiny-llama-split");
        assertThat(read.metadata()).isEqualTo(metadata(expected("tiny-llama-split-00001-of-00002.gguf").get("metadata")));
        assertThat(read.model().details().facts()).extracting(f -> f.label() + ": " + f.value())
                .containsExactly("architecture: llama", "name: tiny-llama-split", "file type: MOSTLY_Q4_0 (2)",
                        "quantization version: 2", "context length: 128", "GGUF version: 3", "split: 2 files");
    }

    @Test
    void theHeaderFactsAreTheFilesMetadata() throws IOException {
        // The fixture script writes general.file_type 2 (LLAMA_FTYPE_MOSTLY_Q4_0) and quantization version 2.
        Model model = new GgufReader().read(Resources.path(DIR + "tiny_llama_v2.gguf"), ChannelOpener.FILES);

        assertThat(model.details().facts()).extracting(f -> f.label() + ": " + f.value())
                .containsExactly("architecture: llama", "name: tiny-llama-v2", "file type: MOSTLY_Q4_0 (2)",
                        "quantization version: 2", "context length: 128", "GGUF version: 2");
    }

    @Test
    void aFileWithoutOptionalKeysHasOnlyTheFactsItGives() throws IOException {
        // gguf-py's writer adds no general.quantization_version; add_file_type(7) is MOSTLY_Q8_0.
        Model model = new GgufReader().read(Resources.path(DIR + "written_by_gguf_py.gguf"), ChannelOpener.FILES);

        assertThat(model.details().facts()).extracting(f -> f.label() + ": " + f.value())
                .containsExactly("architecture: llama", "name: gguf-py-tiny", "file type: MOSTLY_Q8_0 (7)",
                        "context length: 256", "GGUF version: 3");
    }

    private Path copySplits(String... names) throws IOException {
        for (int i = 0; i < names.length; i++) {
            Files.copy(Resources.path(DIR + "tiny-llama-split-0000" + (i + 1) + "-of-00002.gguf"), tmp.resolve(names[i]));
        }
        return tmp.resolve(names[0]);
    }

    @Test
    void aMissingSplitIsNamed() throws IOException {
        Path first = copySplits("m-00001-of-00002.gguf");
        assertThatThrownBy(() -> new GgufReader().read(first, ChannelOpener.FILES)).isInstanceOf(FormatException.class)
                .hasMessage("Split 'm-00002-of-00002.gguf' does not exist.");
    }

    @Test
    void splitCountMustAgreeWithTheName() throws IOException {
        Files.copy(Resources.path(DIR + "tiny-llama-split-00001-of-00002.gguf"), tmp.resolve("m-00001-of-00001.gguf"));
        assertThatThrownBy(() -> new GgufReader().read(tmp.resolve("m-00001-of-00001.gguf"), ChannelOpener.FILES))
                .hasMessage("Split 'm-00001-of-00001.gguf' says 'split.count' is '2'; its name says '1'.");
    }

    @Test
    void splitNumbersMustAgreeWithTheNames() throws IOException {
        // The second part named first: its split.no is 1 where its name says 0.
        Files.copy(Resources.path(DIR + "tiny-llama-split-00002-of-00002.gguf"), tmp.resolve("m-00001-of-00002.gguf"));
        Files.copy(Resources.path(DIR + "tiny-llama-split-00001-of-00002.gguf"), tmp.resolve("m-00002-of-00002.gguf"));
        assertThatThrownBy(() -> new GgufReader().read(tmp.resolve("m-00001-of-00002.gguf"), ChannelOpener.FILES))
                .hasMessage("Split 'm-00001-of-00002.gguf' says 'split.no' is '1'; its name says '0' (0-based).");
    }

    @Test
    void tensorNamesMustNotRepeatAcrossSplits() throws IOException {
        byte[] part = GgufBytes.header(3, 1, 0).tensor("w", 0, 0, 1).withData(32, 4);
        Files.write(tmp.resolve("d-00001-of-00002.gguf"), part);
        Files.write(tmp.resolve("d-00002-of-00002.gguf"), part);
        assertThatThrownBy(() -> new GgufReader().read(tmp.resolve("d-00002-of-00002.gguf"), ChannelOpener.FILES))
                .hasMessage("Tensor 'w' is in both 'd-00001-of-00002.gguf' and 'd-00002-of-00002.gguf'.");
    }

    @Test
    void splitTensorsCountMustMatch() throws IOException {
        byte[] part = GgufBytes.header(3, 1, 1).string("split.tensors.count").u32(GgufHeader.INT32).u32(3)
                .tensor("w", 0, 0, 1).withData(32, 4);
        Files.write(tmp.resolve("c-00001-of-00001.gguf"), part);
        assertThatThrownBy(() -> new GgufReader().read(tmp.resolve("c-00001-of-00001.gguf"), ChannelOpener.FILES))
                .hasMessage("The first split says 'split.tensors.count' is '3'; the splits hold '1' tensors.");
    }

    @Test
    void aSplitNumberPastTheCountIsRefused() throws IOException {
        Files.copy(Resources.path(DIR + "tiny_llama.gguf"), tmp.resolve("x-00003-of-00002.gguf"));
        assertThatThrownBy(() -> new GgufReader().read(tmp.resolve("x-00003-of-00002.gguf"), ChannelOpener.FILES))
                .hasMessage("Split file name says part '3' of '2'.");
    }

    @Test
    void aBadSplitIsNamedInTheMessage() throws IOException {
        Files.copy(Resources.path(DIR + "tiny-llama-split-00001-of-00002.gguf"), tmp.resolve("b-00001-of-00002.gguf"));
        Files.write(tmp.resolve("b-00002-of-00002.gguf"), new byte[] {'G', 'G', 'U', 'F', 0, 0, 0, 0});
        assertThatThrownBy(() -> new GgufReader().read(tmp.resolve("b-00001-of-00002.gguf"), ChannelOpener.FILES))
                .hasMessage("Split 'b-00002-of-00002.gguf': GGUF version is '0', which is invalid.");
    }

    @Test
    void bigEndianFixtureIsRefused() {
        assertThatThrownBy(() -> new GgufReader().read(Resources.path(DIR + "big_endian.gguf"), ChannelOpener.FILES))
                .hasMessage("GGUF version reads as '50331648': the file is big-endian, and only little-endian files "
                        + "are read (as ggml reads them).");
    }

    @Test
    void gapFixtureIsRefused() {
        assertThatThrownBy(() -> new GgufReader().read(Resources.path(DIR + "gap_between_tensors.gguf"),
                ChannelOpener.FILES)).hasMessage("Tensor 'blk.0.attn_norm.weight' has offset '4128'; ggml requires "
                + "'4096' (right after the previous tensor, aligned to '32').");
    }

    @Test
    void everyGgmlTypeHasItsDType() {
        for (GgmlType t : GgmlType.values()) {
            assertThat(GgmlType.byId(t.id())).contains(t);
            assertThat(t.dtype().blockBytes()).as(t.name()).isEqualTo(t.blockBytes());
            assertThat(t.dtype().blockSize()).as(t.name()).isEqualTo(t.blockSize());
        }
        assertThat(GgmlType.values()).hasSize(35);
        // The report's bytes (and so its bits per weight) come from the DType: it must cost what ggml says.
        for (GgmlType t : GgmlType.values()) {
            assertThat(t.dtype().blockSize()).as(t.ggmlName()).isEqualTo(t.blockSize());
            assertThat(t.dtype().blockBytes()).as(t.ggmlName()).isEqualTo(t.blockBytes());
            assertThat(t.dtype().bytesFor(Shape.of(3, 4L * t.blockSize()))).as(t.ggmlName())
                    .isEqualTo(12L * t.blockBytes());
        }
        assertThat(GgmlType.Q4_K.dtype().torchName()).isEqualTo("q4_k");
    }
}
