package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.Model;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The same torchvision model saved the ways training scripts save it (fixtures/checkpoint/MANIFEST.md) reads
 * as the built-in {@code shufflenet_v2_x0_5(num_classes=10)}, and each checkpoint's entries are what torch
 * counted ({@code NAME.expected.json}, written by the fixture script from {@code torch.load} of the file).
 */
class CheckpointFixturesTest {
    private static final String ARCH = "shufflenet_v2_x0_5";

    private final TorchReader reader = new TorchReader();

    @ParameterizedTest
    @ValueSource(strings = {"legacy_state_dict.pth", "ddp_state_dict.pth", "training.pth", "timm.pth",
        "whole_module.pth", "module_in_dict.pth"})
    void everyLayoutReadsAsTheBuiltInModel(String file) throws IOException {
        Model model = read(file, ReadOptions.NONE);

        assertSameReport(model);
        assertThat(model.warnings()).filteredOn(w -> !w.startsWith("unknown pickle global")).isEmpty();
        assertThat(Summary.of(model).parameters().count()).isEqualTo(expected(file).get("parameters").asLong());
    }

    @Test
    void theTimmEmaEntryReadsAsTheModelWithKey() throws IOException {
        Model model = read("timm.pth", new ReadOptions("state_dict_ema"));

        assertSameReport(model);
        assertThat(model.details().checkpoint().key()).isEqualTo("state_dict_ema");
        assertThat(model.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"training.pth", "timm.pth", "module_in_dict.pth", "tiny_training.pth"})
    void checkpointEntriesAreWhatTorchCounted(String file) throws IOException {
        CheckpointContents contents = read(file, ReadOptions.NONE).details().checkpoint();

        List<String> expected = new ArrayList<>();
        expected(file).get("checkpoint").forEach(e -> expected.add(e.get("name").asText() + " | "
                + e.get("kind").asText() + " | " + e.get("tensors").asLong() + " | " + e.get("elements").asLong()
                + " | " + e.get("bytes").asLong()));
        assertThat(contents.entries()).extracting(e -> e.name() + " | " + e.kind() + " | " + e.tensors() + " | "
                + e.elements() + " | " + e.bytes()).containsExactlyElementsOf(expected);
    }

    @Test
    void theKeyUsedIsTheStateDictEntryOrTheModule() throws IOException {
        assertThat(read("training.pth", ReadOptions.NONE).details().checkpoint().key()).isEqualTo("state_dict");
        assertThat(read("timm.pth", ReadOptions.NONE).details().checkpoint().key()).isEqualTo("state_dict");
        assertThat(read("module_in_dict.pth", ReadOptions.NONE).details().checkpoint().key()).isEqualTo("model");
    }

    @ParameterizedTest
    @ValueSource(strings = {"legacy_state_dict.pth", "ddp_state_dict.pth", "whole_module.pth",
        "tied_lm_state_dict.pth", "tied_lm_module.pth"})
    void aFileThatIsTheModelHasNoCheckpointContents(String file) throws IOException {
        assertThat(read(file, ReadOptions.NONE).details().checkpoint()).isNull();
    }

    /** torch de-duplicates the shared weight in parameters(); so does the summary, saved either way. */
    @ParameterizedTest
    @ValueSource(strings = {"tied_lm_state_dict.pth", "tied_lm_module.pth", "tiny_training.pth"})
    void aTiedEmbeddingIsCountedOnce(String file) throws IOException {
        Model model = read(file, ReadOptions.NONE);

        Summary summary = Summary.of(model);
        assertThat(summary.parameters().count()).isEqualTo(expected(file).get("parameters").asLong());
        assertThat(model.tensors()).filteredOn(t -> t.name().equals("lm_head.weight"))
                .singleElement().extracting(t -> t.aliasOf()).isEqualTo("embed.weight");
        assertThat(model.warnings()).filteredOn(w -> !w.startsWith("unknown pickle global")).isEmpty();
    }

    /** Same layers (names, shapes, trainable, forms), totals, forms and dtypes as the built-in. */
    private static void assertSameReport(Model model) {
        Summary read = Summary.of(model);
        Summary builtin = Summary.of(Catalog.standard().build(ARCH, Map.of("num_classes", "10")).orElseThrow());
        assertThat(read.layers()).isEqualTo(builtin.layers());
        assertThat(read.parameters()).isEqualTo(builtin.parameters());
        assertThat(read.buffers()).isEqualTo(builtin.buffers());
        assertThat(read.forms()).isEqualTo(builtin.forms());
        assertThat(read.dtypes()).isEqualTo(builtin.dtypes());
    }

    private Model read(String file, ReadOptions options) throws IOException {
        return reader.read(Resources.path("fixtures/checkpoint/" + file), ChannelOpener.FILES, options);
    }

    private static JsonNode expected(String file) throws IOException {
        return new ObjectMapper().readTree(Resources.text("fixtures/checkpoint/" + file + ".expected.json"));
    }
}
