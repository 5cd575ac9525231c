package dev.modelsummary.format.pytorch;

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
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.MarkdownReport;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.StreamSupport;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchReaderTest {
    /** SmallNet's state_dict() (see fixtures/pytorch/MANIFEST.md), with w=8, h=16. */
    static final List<String> SMALL_NET = List.of(
            "conv.weight (8, 3, 3, 3) float32 PARAMETER",
            "conv.bias (8,) float32 PARAMETER",
            "bn.weight (8,) float32 PARAMETER",
            "bn.bias (8,) float32 PARAMETER",
            "bn.running_mean (8,) float32 BUFFER",
            "bn.running_var (8,) float32 BUFFER",
            "bn.num_batches_tracked () int64 BUFFER",
            "fc.weight (16, 8) float32 PARAMETER",
            "fc.bias (16,) float32 PARAMETER",
            "head.weight (10, 16) float32 PARAMETER",
            "head.bias (10,) float32 PARAMETER");

    private final TorchReader reader = new TorchReader();

    @TempDir
    Path dir;

    @Test
    void vitL16StateDictRendersThePublishedPageByteForByte() throws IOException {
        Model model = fixture("vit_l_16.pth");

        assertThat(MarkdownReport.render(Summary.of(model.withName("vit_l_16"))))
                .isEqualTo(Resources.text("golden/vit_l_16.md"));
    }

    @Test
    void resnet18MatchesNamedParametersAndNamedBuffers() throws IOException {
        JsonNode truth = new ObjectMapper().readTree(Resources.text("torchvision-0.14.1/resnet18.json"));
        Model model = fixture("resnet18.pth");

        assertThat(lines(model, Role.PARAMETER)).containsExactlyElementsOf(expected(truth.get("parameters")));
        assertThat(lines(model, Role.BUFFER)).containsExactlyElementsOf(expected(truth.get("buffers")));
        assertThat(model.tensors()).filteredOn(TensorEntry::isParameter).allMatch(TensorEntry::trainable);
        assertThat(model.warnings()).isEmpty();
    }

    @Test
    void nameFormatAndSource() throws IOException {
        Path file = Resources.path("fixtures/pytorch/vit_l_16.pth");
        Model model = reader.read(file, ChannelOpener.FILES);

        assertThat(model.name()).isEqualTo("vit_l_16");
        assertThat(model.format()).isEqualTo("pytorch");
        assertThat(model.source()).isEqualTo(file.toString());
    }

    @Test
    void aTrainingCheckpointIsReadThroughItsModelStateDict() throws IOException {
        Model model = fixture("checkpoint.pth");

        assertThat(describe(model)).containsExactlyElementsOf(SMALL_NET);
        assertThat(model.warnings()).isEmpty();
    }

    @Test
    void theDataParallelModulePrefixIsStripped() throws IOException {
        assertThat(describe(fixture("dataparallel.pth"))).containsExactlyElementsOf(SMALL_NET);
    }

    @Test
    void theLegacyStreamFormatAndProtocol4ReadLikeTheDefault() throws IOException {
        assertThat(describe(fixture("legacy.pth"))).containsExactlyElementsOf(SMALL_NET);
        assertThat(describe(fixture("legacy_protocol1.pth"))).containsExactlyElementsOf(SMALL_NET);
        assertThat(describe(fixture("protocol4.pth"))).containsExactlyElementsOf(SMALL_NET);
    }

    @Test
    void anArchiveRezippedWithDeflateReadsTheSame() throws IOException {
        Path rezipped = dir.resolve("rezipped.pth");
        try (ZipFile original = new ZipFile(Resources.path("fixtures/pytorch/checkpoint.pth").toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(rezipped))) {
            for (ZipEntry entry : Collections.list(original.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName())); // DEFLATED, with data descriptors
                out.write(original.getInputStream(entry).readAllBytes());
                out.closeEntry();
            }
        }

        assertThat(describe(reader.read(rezipped, ChannelOpener.FILES))).containsExactlyElementsOf(SMALL_NET);
    }

    @Test
    void tiedWeightsAreAliasesCountedOnce() throws IOException {
        Model model = fixture("tied.pth");

        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::aliasOf).containsExactly(
                tuple("embed.weight", null),
                tuple("body.weight", null),
                tuple("body.bias", null),
                tuple("decoder.weight", "embed.weight"));
        Summary summary = Summary.of(model);
        assertThat(summary.parameters().tensors()).isEqualTo(3);
        assertThat(summary.parameters().count()).isEqualTo(40 + 16 + 4);
    }

    @Test
    void dtypesComeFromStorageClassesAndOnlyIdenticalViewsAreAliases() throws IOException {
        Model model = fixture("dtypes.pth");

        assertThat(model.tensors()).extracting(TensorEntry::dtype).containsExactly(
                DType.FLOAT64, DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.COMPLEX64, DType.COMPLEX128,
                DType.INT64, DType.INT32, DType.INT16, DType.INT8, DType.UINT8, DType.BOOL,
                DType.FLOAT32, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32);
        assertThat(model.tensors().subList(12, 16)).extracting(TensorEntry::name, TensorEntry::shape,
                TensorEntry::aliasOf).containsExactly(
                tuple("w", Shape.of(2, 3), null),
                tuple("w_t", Shape.of(3, 2), null),
                tuple("w_row1", Shape.of(3), null),
                tuple("w_again", Shape.of(2, 3), "w"));
        assertThat(model.tensors().subList(6, 12)).allMatch(t -> t.role() == Role.BUFFER);
    }

    @Test
    void halfAndBfloat16Models() throws IOException {
        assertThat(describe(fixture("half.pth")))
                .containsExactlyElementsOf(SMALL_NET.stream().map(l -> l.replace("float32", "float16")).toList());
        assertThat(describe(fixture("bfloat16.pth")))
                .containsExactlyElementsOf(SMALL_NET.stream().map(l -> l.replace("float32", "bfloat16")).toList());
    }

    @Test
    void aGlobalOutsideTorchsAllowlistIsReadInertAndTheStateDictStillFound() throws IOException {
        Model model = fixture("unknown_global.pth");

        assertThat(describe(model)).containsExactlyElementsOf(SMALL_NET);
        // argparse.Namespace is no torch global, but the safety scan allows it as plain data: no warning
        assertThat(model.warnings()).isEmpty();
        assertThat(model.details().pickle().named(PickleScan.Verdict.ALLOWED)).contains("argparse.Namespace");
    }

    @Test
    void withoutAStateDictEveryTensorIsListedByPath() throws IOException {
        Model model = fixture("no_state_dict.pth");

        assertThat(model.tensors()).extracting(TensorEntry::name, TensorEntry::role, TensorEntry::trainable,
                TensorEntry::dtype).containsExactly(
                tuple("params.0", Role.PARAMETER, true, DType.FLOAT32),
                tuple("params.1", Role.PARAMETER, false, DType.FLOAT32),
                tuple("extra.scale", Role.PARAMETER, true, DType.FLOAT16));
        // the Parameters say what they are; the plain tensor 'scale' may be a buffer
        assertThat(model.warnings()).containsExactly(TensorWalk.NO_STATE_DICT_WARNING, "the parameter/buffer split "
                + "is a guess: the file does not record which entries are buffers, and 1 tensor ('extra.scale') "
                + "counted as trainable parameter may be a buffer.");
    }

    @Test
    void aWholePickledModuleIsNamedAsNamedParametersNamesIt() throws IOException {
        Model model = fixture("whole_module.pth");

        assertThat(describe(model)).containsExactlyElementsOf(SMALL_NET);
        // torch.nn's layer classes are not news (TorchGlobals.isInertModuleClass); the user's own class is
        assertThat(model.warnings()).containsExactly(
                "unknown pickle global '__main__.SmallNet' read as an inert placeholder.");
        assertThat(model.details().checkpoint()).isNull(); // the file is the model, not a checkpoint of one
    }

    @Test
    void aWholeModuleOfTorchNnLayersWarnsAboutNoneOfItsClasses() throws IOException {
        // Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear, Dropout, LayerNorm, GELU, Embedding, LSTM, ...
        Model model = fixture("nn_layers_module.pth");

        assertThat(model.warnings()).isEmpty();
        assertThat(model.details().pickle().named(dev.modelsummary.model.PickleScan.Verdict.UNKNOWN)).isEmpty();
        // what the script printed: 24 state-dict entries, 539 parameters
        assertThat(model.tensors()).hasSize(24);
        assertThat(model.tensors().stream().filter(t -> t.role() == Role.PARAMETER)
                .mapToLong(t -> t.shape().numel()).sum()).isEqualTo(539);
    }

    @Test
    void aPickledModuleListsItsStateDictNotItsOtherTensors() throws IOException {
        // make_pytorch_fixtures.py printed state_dict(): kept (2,), fc.weight (3, 2), fc.bias (3,); the module also
        // holds a non-persistent buffer and tensors in plain attributes, which state_dict() leaves out.
        Model model = fixture("module_attributes.pth");

        assertThat(model.tensors()).extracting(TensorEntry::name, t -> t.shape().toPythonTuple(), TensorEntry::role)
                .containsExactly(tuple("kept", "(2,)", Role.BUFFER), tuple("fc.weight", "(3, 2)", Role.PARAMETER),
                        tuple("fc.bias", "(3,)", Role.PARAMETER));
    }

    @Test
    void sniffsTorchZipsAndLegacyStreamsButNotOtherZips() throws IOException {
        assertThat(reader.sniff(head("vit_l_16.pth"), 0)).isTrue();
        assertThat(reader.sniff(head("legacy.pth"), 0)).isTrue();
        assertThat(reader.sniff(head("legacy_protocol1.pth"), 0)).isTrue();
        assertThat(reader.sniff(head("torchscript.pt"), 0)).isTrue();
        byte[] npz = new ZipBuilder().add("weights.npy", new byte[10]).build();
        assertThat(reader.sniff(npz, npz.length)).isFalse();
        byte[] keras = new ZipBuilder().add("config.json", new byte[10]).build();
        assertThat(reader.sniff(keras, keras.length)).isFalse();
    }

    @Test
    void theRegistryChoosesThisReaderByMagicAndByExtension() throws IOException {
        Path renamed = dir.resolve("weights.data");
        Files.copy(Resources.path("fixtures/pytorch/tied.pth"), renamed);
        Path pt = dir.resolve("model.pt");
        Files.write(pt, new byte[] {1, 2, 3});

        assertThat(WeightReaders.standard().choose(renamed)).isInstanceOf(TorchReader.class);
        assertThat(WeightReaders.standard().read(renamed).tensors()).hasSize(4);
        assertThat(WeightReaders.standard().choose(pt)).isInstanceOf(TorchReader.class);
        assertThatThrownBy(() -> WeightReaders.standard().read(pt))
                .hasMessage("File is neither a torch.save ZIP archive nor a legacy torch.save stream.");
    }

    private Model fixture(String name) throws IOException {
        return reader.read(Resources.path("fixtures/pytorch/" + name), ChannelOpener.FILES);
    }

    private static byte[] head(String fixture) {
        byte[] all = Resources.bytes("fixtures/pytorch/" + fixture);
        return Arrays.copyOf(all, Math.min(all.length, WeightReaders.HEAD_BYTES));
    }

    static List<String> describe(Model model) {
        List<String> lines = new ArrayList<>();
        for (TensorEntry t : model.tensors()) {
            lines.add(t.name() + " " + t.shape().toPythonTuple() + " " + t.dtype() + " " + t.role());
        }
        return lines;
    }

    private static List<String> lines(Model model, Role role) {
        return model.tensors().stream().filter(t -> t.role() == role)
                .map(t -> t.name() + " " + t.shape() + " " + t.dtype()).toList();
    }

    private static List<String> expected(JsonNode tensors) {
        return StreamSupport.stream(tensors.spliterator(), false).map(t -> {
            List<Long> dims = new ArrayList<>();
            t.get("shape").forEach(d -> dims.add(d.asLong()));
            return t.get("name").asText() + " " + Shape.of(dims.stream().mapToLong(Long::longValue).toArray())
                    + " " + t.get("dtype").asText();
        }).toList();
    }

    static FormatException readError(TorchReader reader, Path file) {
        try {
            reader.read(file, ChannelOpener.FILES);
        } catch (FormatException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a FormatException");
    }
}
