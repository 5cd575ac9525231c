package dev.modelsummary.format.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.PickleScan.Verdict;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real files of fixtures/pickle (tools/fixtures/make_pickle_fixtures.py): the globals each pickle names
 * must be exactly what pickletools.genops lists (expected.json), and each verdict what MANIFEST.md says.
 */
class PickleScanFixtureTest {
    private static final String DIR = "fixtures/pickle/";
    private static JsonNode expected;

    @BeforeAll
    static void readExpected() throws IOException {
        expected = new ObjectMapper().readTree(Resources.bytes(DIR + "expected.json"));
    }

    static Model read(String file) throws IOException {
        return WeightReaders.standard().read(Resources.path(DIR + file));
    }

    static List<String> genopsGlobals(String file) {
        List<String> names = new ArrayList<>();
        expected.get(file).get("globals").forEach(n -> names.add(n.asText()));
        return names;
    }

    static List<String> scanned(Model model) {
        return model.details().pickle().imports().stream().map(PickleScan.Import::name).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict.pth", "train_checkpoint.pth", "user_class.pth", "hidden_after_stop.pth"})
    void torchFilesListWhatGenopsLists(String file) throws IOException {
        Model model = read(file);
        assertThat(scanned(model)).containsExactlyElementsOf(genopsGlobals(file));
        assertThat(model.details().pickle().pickles()).isEqualTo(1);
        List<String> names = new ArrayList<>();
        expected.get(file).get("tensors").forEach(t -> names.add(t.get("name").asText()));
        assertThat(model.tensors()).extracting(t -> t.name()).containsExactlyElementsOf(names);
    }

    @Test
    void benignTorchFilesAreAllowed() throws IOException {
        assertThat(read("state_dict.pth").details().pickle().named(Verdict.ALLOWED))
                .containsExactlyElementsOf(genopsGlobals("state_dict.pth"));
        PickleScan checkpoint = read("train_checkpoint.pth").details().pickle();
        assertThat(checkpoint.named(Verdict.UNKNOWN)).isEmpty();
        assertThat(checkpoint.dangerous()).isFalse();
        assertThat(checkpoint.afterStop()).isEmpty();
    }

    @Test
    void aUserClassIsUnknownNotDangerous() throws IOException {
        PickleScan scan = read("user_class.pth").details().pickle();
        assertThat(scan.named(Verdict.UNKNOWN)).containsExactly("__main__.UserThing");
        assertThat(scan.dangerous()).isFalse();
    }

    @Test
    void aSecondPickleAfterDataPklsStopIsReportedNotRead() throws IOException {
        Model model = read("hidden_after_stop.pth");
        JsonNode facts = expected.get("hidden_after_stop.pth");
        PickleScan scan = model.details().pickle();
        assertThat(scan.afterStop()).singleElement().satisfies(t -> {
            assertThat(t.pickle()).isEqualTo(facts.get("pickle").asText());
            assertThat(t.bytes()).isEqualTo(facts.get("trailer").asLong());
        });
        // what hides there is never read: its os.system is not among the imports
        assertThat(facts.get("trailer_globals").toString()).contains("posix.system");
        assertThat(scanned(model)).doesNotContain("posix.system");
        assertThat(model.tensors()).hasSize(expected.get("hidden_after_stop.pth").get("tensors").size());
    }

    /**
     * Every real torch.save of the fixtures (torchvision models and state dicts, training checkpoints, whole
     * pickled modules, quantized models, legacy streams).
     */
    static Stream<String> pytorchFixtures() throws IOException {
        List<String> all = new ArrayList<>();
        for (String dir : List.of("fixtures/pytorch", "fixtures/checkpoint", "fixtures/pytorch-quantized")) {
            try (Stream<Path> files = Files.list(Resources.path(dir))) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".pth") || n.endsWith(".pt") && !n.equals("torchscript.pt"))
                        .sorted().forEach(n -> all.add(dir + "/" + n));
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("pytorchFixtures")
    void noRealTorchSaveIsDangerous(String file) throws IOException {
        Model model = WeightReaders.standard().read(Resources.path(file));
        PickleScan scan = model.details().pickle();
        assertThat(scan.dangerous()).isFalse();
        assertThat(scan.afterStop()).isEmpty();
        assertThat(scan.imports()).isNotEmpty();
    }

    @Test
    void shardsMergeTheirScans(@TempDir Path dir) throws IOException {
        Files.copy(Resources.path("fixtures/pytorch/vit_l_16.pth"), dir.resolve("pytorch_model-00001-of-00002.bin"));
        Files.copy(Resources.path(DIR + "hidden_after_stop.pth"), dir.resolve("pytorch_model-00002-of-00002.bin"));
        PickleScan first = WeightReaders.standard().read(Resources.path("fixtures/pytorch/vit_l_16.pth"))
                .details().pickle();
        JsonNode hidden = expected.get("hidden_after_stop.pth");

        PickleScan merged = WeightReaders.standard().read(dir).details().pickle();

        assertThat(merged.pickles()).isEqualTo(2);
        List<String> union = new ArrayList<>(first.imports().stream().map(PickleScan.Import::name).toList());
        genopsGlobals("hidden_after_stop.pth").stream().filter(n -> !union.contains(n)).forEach(union::add);
        assertThat(merged.imports()).extracting(PickleScan.Import::name).containsExactlyElementsOf(union);
        assertThat(merged.afterStop()).singleElement().isEqualTo(new PickleScan.Trailer(
                "pytorch_model-00002-of-00002.bin/" + hidden.get("pickle").asText(), hidden.get("trailer").asLong()));
    }

    @Test
    void anObjectNpyIsScannedAndListsNoTensor() throws IOException {
        Model model = read("object_array.npy");
        assertThat(model.tensors()).isEmpty();
        PickleScan scan = model.details().pickle();
        assertThat(scanned(model)).containsExactlyElementsOf(genopsGlobals("object_array.npy"));
        assertThat(scan.pickles()).isEqualTo(1);
        assertThat(scan.named(Verdict.ALLOWED)).containsExactlyElementsOf(genopsGlobals("object_array.npy"));
        assertThat(scan.afterStop()).isEmpty();
        assertThat(model.details().notes()).containsExactly("1 object array ('object_array') holds pickled Python "
                + "objects, not weights: scanned for the pickle safety scan, not listed.");
    }

    @Test
    void bytesAfterAnObjectArraysPickleAreATrailer(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("objects.npy");
        byte[] real = Resources.bytes(DIR + "object_array.npy");
        byte[] withTail = java.util.Arrays.copyOf(real, real.length + 5);
        Files.write(file, withTail);
        PickleScan scan = WeightReaders.standard().read(file).details().pickle();
        assertThat(scan.afterStop()).containsExactly(new PickleScan.Trailer("objects.npy", 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixed.npz", "mixed_compressed.npz"})
    void anNpzMergesItsObjectMembersAndListsItsNumericOnes(String file) throws IOException {
        Model model = read(file);
        JsonNode facts = expected.get(file);
        assertThat(model.tensors()).extracting(t -> t.name()).containsExactly("weights");
        assertThat(model.details().pickle().pickles()).isEqualTo(facts.get("object_members").size());
        assertThat(scanned(model)).containsExactlyElementsOf(genopsGlobals(file));
        assertThat(model.details().pickle().dangerous()).isFalse();
        assertThat(model.details().notes()).singleElement().asString().startsWith("2 object arrays ('meta', 'labels') hold");
    }

    @ParameterizedTest
    @ValueSource(strings = {"detectron.pkl", "flat_protocol4.pkl", "flat_protocol5.pkl", "nested.pkl",
            "no_arrays.pkl"})
    void rawPicklesListWhatNumpyPickledAndAreNotDangerous(String file) throws IOException {
        Model model = read(file);
        assertThat(model.format()).isEqualTo("pickle");
        assertThat(scanned(model)).containsExactlyElementsOf(genopsGlobals(file));
        assertThat(model.details().pickle().named(Verdict.ALLOWED)).containsExactlyElementsOf(genopsGlobals(file));
        assertThat(model.details().pickle().afterStop()).isEmpty();
        List<String> expectedTensors = new ArrayList<>();
        expected.get(file).get("tensors").forEach(t -> expectedTensors.add(t.get("name").asText() + " "
                + t.get("shape") + " " + NpyDTypeName.of(t.get("dtype").asText())));
        assertThat(model.tensors()).extracting(t -> t.name() + " " + java.util.Arrays.toString(t.shape().dims())
                .replace(" ", "") + " " + t.dtype().torchName()).containsExactlyElementsOf(expectedTensors);
    }

    /** numpy's dtype.str to torch's dtype name, as the tool reports numpy arrays. */
    private static final class NpyDTypeName {
        static String of(String numpyStr) {
            return switch (numpyStr.substring(1)) {
                case "f2" -> "float16";
                case "f4" -> "float32";
                case "f8" -> "float64";
                case "i8" -> "int64";
                case "b1" -> "bool";
                default -> throw new IllegalArgumentException(numpyStr);
            };
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"os_system.pkl", "eval.pkl", "popen.pkl", "webbrowser.pkl", "smtplib.pkl",
            "spawnv_passfds.pkl", "runpy.pkl", "getattr_chain.pkl", "marshal_function.pkl", "dotted_torch.pkl",
            "python2_eval.pkl"})
    void maliciousPicklesAreDangerousAndNothingRuns(String file) throws IOException {
        Model model = read(file);
        PickleScan scan = model.details().pickle();
        assertThat(scanned(model)).containsExactlyElementsOf(genopsGlobals(file));
        assertThat(scan.dangerous()).isTrue();
        assertThat(model.tensors()).isEmpty();
    }

    @Test
    void eachMaliciousGlobalIsTheDangerousOne() throws IOException {
        assertThat(read("os_system.pkl").details().pickle().named(Verdict.DANGEROUS)).containsExactly("posix.system");
        assertThat(read("popen.pkl").details().pickle().named(Verdict.DANGEROUS)).containsExactly("commands.Popen");
        assertThat(read("spawnv_passfds.pkl").details().pickle().named(Verdict.DANGEROUS))
                .containsExactly("multiprocessing.util.spawnv_passfds");
        assertThat(read("spawnv_passfds.pkl").details().pickle().named(Verdict.ALLOWED))
                .containsExactly("_codecs.encode");
        assertThat(read("getattr_chain.pkl").details().pickle().named(Verdict.DANGEROUS))
                .containsExactly("builtins.getattr", "builtins.__import__");
        assertThat(read("marshal_function.pkl").details().pickle().named(Verdict.DANGEROUS))
                .containsExactly("types.FunctionType", "marshal.loads");
        assertThat(read("dotted_torch.pkl").details().pickle().named(Verdict.DANGEROUS))
                .containsExactly("torch.serialization.os.system");
    }

    @Test
    void aPickleWithoutArraysIsAModelWithNoTensors() throws IOException {
        Model model = read("no_arrays.pkl");
        assertThat(model.tensors()).isEmpty();
        assertThat(model.warnings()).isEmpty();
        assertThat(model.details().notes())
                .containsExactly("The pickle holds no NumPy arrays or tensors; only its safety scan is shown.");
    }

    @Test
    void aLegacyStreamScansAllFivePicklesAndItsStorageBytesAreNoTrailer() throws IOException {
        PickleScan scan = WeightReaders.standard().read(Resources.path("fixtures/pytorch/legacy.pth"))
                .details().pickle();
        assertThat(scan.pickles()).isEqualTo(5);
        assertThat(scan.afterStop()).isEmpty();
        assertThat(scan.named(Verdict.ALLOWED)).contains("collections.OrderedDict", "torch._utils._rebuild_tensor_v2");
    }
}
