package dev.modelsummary.format.safetensors;

import static dev.modelsummary.format.safetensors.StFiles.file;
import static dev.modelsummary.format.safetensors.StFiles.header;
import static dev.modelsummary.format.safetensors.StFiles.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.Facts;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.MemoryOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code __metadata__} entries become header facts: a few, each cut to a line. */
class SafetensorsMetadataFactsTest {
    private static final String ONE_TENSOR = tensor("w", "F32", "[2]", 0, 8);

    private static Model read(String headerText) throws IOException {
        return new SafetensorsReader().read(Path.of("m.safetensors"), new MemoryOpener(file(headerText, 8)));
    }

    @Test
    void theFrameworkTagIsNotAFact() throws IOException {
        // make_safetensors_fixtures.py writes __metadata__ {"format": "pt"}, as safetensors.torch.save_file does:
        // every torch-saved file says it, so it would only make the page differ from the built-in's.
        Model model = new SafetensorsReader().read(Resources.path("fixtures/safetensors/tiny_model.safetensors"),
                ChannelOpener.FILES);

        assertThat(model.details().facts()).isEmpty();
        assertThat(read(header("\"__metadata__\":{\"format\":\"pt\",\"author\":\"me\"}", ONE_TENSOR))
                .details().facts()).containsExactly(new Fact("author", "me"));
    }

    @Test
    void noMetadataNoFacts() throws IOException {
        assertThat(read(header(ONE_TENSOR)).details().facts()).isEmpty();
        assertThat(read(header("\"__metadata__\":null", ONE_TENSOR)).details().facts()).isEmpty();
    }

    @Test
    void onlyTheFirstEntriesAreKeptAndTheRestCounted() throws IOException {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < SafetensorsHeader.MAX_METADATA_FACTS + 2; i++) {
            entries.add("\"k" + i + "\":\"v" + i + "\"");
        }
        String metadata = "\"__metadata__\":{" + String.join(",", entries) + "}";

        List<Fact> facts = read(header(metadata, ONE_TENSOR)).details().facts();

        assertThat(facts).hasSize(SafetensorsHeader.MAX_METADATA_FACTS + 1);
        assertThat(facts.get(0)).isEqualTo(new Fact("k0", "v0"));
        assertThat(facts.get(facts.size() - 1)).isEqualTo(new Fact("metadata", "2 more entries not shown"));
    }

    @Test
    void aLongKeyAndValueAreCut() throws IOException {
        String metadata = "\"__metadata__\":{\"" + "k".repeat(1000) + "\":\"" + "v".repeat(100_000) + "\"}";

        Fact fact = read(header(metadata, ONE_TENSOR)).details().facts().get(0);

        assertThat(fact.label()).hasSize(Facts.MAX_LABEL_CHARS);
        assertThat(fact.value()).hasSize(Facts.MAX_VALUE_CHARS).endsWith("…");
    }
}
