package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.MarkdownReport;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.GroundTruth;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TorchScript archives (torch.jit.save) read header-only list what the LOADED ScriptModule lists: each fixture
 * against its {@code .expected.json}, written by {@code tools/fixtures/make_torchscript_fixtures.py} from
 * {@code torch.jit.load(file)} (named_parameters(), named_buffers(), state_dict() keys, tied tensors by object
 * identity, constants.pkl's tensors and the top module's class).
 */
class TorchScriptReaderTest {
    private static final String DIR = "fixtures/torchscript/";
    private final TorchReader reader = new TorchReader();

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v3_small_scripted.pt", "mobilenet_v2_traced.pt", "custom.pt", "containers.pt",
            "frozen.pt", "empty.pt", "quantized_dynamic.pt"})
    void listsWhatTheLoadedScriptModuleLists(String fixture) throws IOException {
        Model model = read(fixture);
        GroundTruth truth = GroundTruth.read(Resources.path(DIR + fixture + ".expected.json"));

        assertThat(model.format()).isEqualTo("torchscript");
        assertThat(model.warnings()).isEmpty();
        assertThat(entries(model, Role.PARAMETER)).containsExactlyElementsOf(truth.parameters());
        assertThat(entries(model, Role.BUFFER)).containsExactlyElementsOf(truth.buffers());
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(truth.stateDictKeys());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v3_small_scripted.pt", "mobilenet_v2_traced.pt", "custom.pt", "containers.pt",
            "frozen.pt", "empty.pt", "quantized_dynamic.pt"})
    void tiedTensorsAreAliasesAndTheDetailsNameTheClassAndTheConstants(String fixture) throws IOException {
        Model model = read(fixture);
        JsonNode expected = expected(fixture);

        Map<String, String> aliases = new LinkedHashMap<>();
        expected.get("aliases").fields().forEachRemaining(e -> aliases.put(e.getKey(), e.getValue().asText()));
        assertThat(model.tensors().stream().filter(t -> t.aliasOf() != null)
                .collect(Collectors.toMap(TensorEntry::name, TensorEntry::aliasOf))).isEqualTo(aliases);

        assertThat(model.details().facts()).first()
                .isEqualTo(new Fact("TorchScript module", expected.get("top_class").asText()));
        JsonNode constants = expected.get("constants");
        if (constants.isEmpty()) {
            assertThat(model.details().facts()).hasSize(1);
            assertThat(model.details().notes()).isEmpty();
        } else {
            long bytes = 0;
            for (JsonNode c : constants) {
                long numel = 1;
                for (JsonNode d : c.get("shape")) {
                    numel *= d.asLong();
                }
                bytes += DType.byTorchName(c.get("dtype").asText()).orElseThrow().bytesFor(numel);
            }
            String counted = constants.size() + " tensors, " + bytes + " bytes";
            assertThat(model.details().facts()).containsExactly(
                    new Fact("TorchScript module", expected.get("top_class").asText()), new Fact("constants", counted));
            assertThat(model.details().notes()).containsExactly("The module has no parameters: torch.jit.freeze "
                    + "folds them into constant tensors (" + counted + "), which are not listed.");
        }
    }

    /** The point of reading TorchScript: a scripted or traced torchvision model reports as the built-in does. */
    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v3_small_scripted.pt", "mobilenet_v2_traced.pt"})
    void aScriptedOrTracedTorchvisionModelGivesTheBuiltInModelsReport(String fixture) throws IOException {
        JsonNode expected = expected(fixture);
        Map<String, String> kwargs = new LinkedHashMap<>();
        expected.get("kwargs").fields().forEachRemaining(e -> kwargs.put(e.getKey(), e.getValue().asText()));
        Model builtIn = Catalog.standard().build(expected.get("model").asText(), kwargs).orElseThrow();
        Model model = read(fixture);

        assertThat(model.tensors()).isEqualTo(builtIn.tensors());
        // The built-in's page with what the archive says of itself (its module class) in a file section before
        // the tensor table.
        String page = MarkdownReport.render(Summary.of(model.withName(builtIn.name())));
        String builtInPage = MarkdownReport.render(Summary.of(builtIn));
        int table = builtInPage.indexOf("**Layer information**");
        assertThat(page).startsWith(builtInPage.substring(0, table)).endsWith(builtInPage.substring(table))
                .contains("| TorchScript module | " + expected.get("top_class").asText() + " |");
    }

    @Test
    void aFrozenParameterKeepsRequiresGradFalse() throws IOException {
        Model model = read("custom.pt");

        assertThat(model.tensors()).filteredOn(t -> !t.trainable() && t.isParameter())
                .extracting(TensorEntry::name).containsExactly("frozen", "layers.1.bias");
        assertThat(model.tensors()).filteredOn(t -> t.name().equals("scratch")).singleElement()
                .extracting(TensorEntry::role).isEqualTo(Role.BUFFER); // persistent=False: TorchScript keeps it
    }

    @Test
    void theRegistryPicksTheTorchReaderForArchivesByMagic() throws IOException {
        for (String fixture : List.of("custom.pt", "empty.pt", "frozen.pt")) {
            Model model = WeightReaders.standard().read(Resources.path(DIR + fixture));
            assertThat(model.format()).as(fixture).isEqualTo("torchscript");
        }
    }

    private Model read(String fixture) throws IOException {
        return reader.read(Resources.path(DIR + fixture), ChannelOpener.FILES);
    }

    private static JsonNode expected(String fixture) throws IOException {
        return new ObjectMapper().readTree(Resources.bytes(DIR + fixture + ".expected.json"));
    }

    /** Non-alias entries of a role as PyTorch's listing spells them (named_parameters() leaves tied ones out). */
    private static List<GroundTruth.Entry> entries(Model model, Role role) {
        return model.tensors().stream()
                .filter(t -> t.role() == role && t.aliasOf() == null)
                .map(t -> new GroundTruth.Entry(t.name(),
                        Arrays.stream(t.shape().dims()).boxed().collect(Collectors.toList()),
                        t.dtype().torchName(), t.trainable()))
                .collect(Collectors.toList());
    }

    static Path path(String fixture) {
        return Resources.path(DIR + fixture);
    }
}
