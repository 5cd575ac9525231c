package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.model.Model;
import dev.modelsummary.report.JsonReport;
import dev.modelsummary.source.ModelLoader;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Golden;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --depth N}: parameters per module in text and JSON; refused for md and out of range. */
class DepthCliTest {
    /** The tied-embedding fixture: decoder.weight is embed.weight, counted once (see its MANIFEST). */
    private static final String TIED = "src/test/resources/fixtures/pytorch/tied.pth";

    @Test
    void resnet18TextAtDepthTwo() {
        CliRun run = CliRun.of("resnet18", "-f", "text", "--depth", "2");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        // the module table goes between the totals and the tensor table: the rest is the plain report's
        String plain = CliRun.of("resnet18", "-f", "text").out();
        String out = run.out();
        String totals = plain.substring(0, plain.lastIndexOf("\n\n", plain.indexOf("#  Name")));
        assertThat(out).startsWith(totals + "\n\nModules (depth 2):").endsWith(plain.substring(totals.length()));
        Golden.assertMatches("depth/resnet18_depth2.txt", run.out());
    }

    @Test
    void resnet18JsonAtDepthTwo() throws Exception {
        CliRun run = CliRun.of("resnet18", "-f", "json", "--depth", "2");

        assertThat(run.exitCode()).isZero();
        Golden.assertMatches("depth/resnet18_depth2.json", run.out());
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode modules = json.get("modules");
        assertThat(modules.get(0).get("path").asText()).isEmpty();
        assertThat(modules.get(0).get("parameters").asLong()).isEqualTo(json.get("parameters").get("count").asLong());
        // the children of the root add up to the model, less the root's own tensors
        long children = 0;
        for (JsonNode m : modules) {
            assertThat(m.get("depth").asInt()).isBetween(0, 2);
            if (m.get("depth").asInt() == 1) {
                children += m.get("parameters").asLong();
            }
        }
        assertThat(children + modules.get(0).get("ownParameters").asLong())
                .isEqualTo(json.get("parameters").get("count").asLong());
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).last().isEqualTo("modules");
    }

    @Test
    void aFileWithTiedWeightsCountsTheTiedOneOnce() {
        CliRun text = CliRun.of(TIED, "-f", "text", "--depth", "1");
        CliRun json = CliRun.of(TIED, "-f", "json", "--depth", "1");

        assertThat(text.exitCode()).isZero();
        assertThat(json.exitCode()).isZero();
        // 40 + 16 + 4: decoder.weight aliases embed.weight, so decoder's subtree is empty of parameters
        assertThat(text.out()).containsPattern("\\ntied +0 +60 +100\\.00 +3\\n");
        Golden.assertMatches("depth/tied_depth1.txt", text.out());
        Golden.assertMatches("depth/tied_depth1.json", json.out());
    }

    @Test
    void depthZeroListsTheModelAlone() throws Exception {
        JsonNode modules = new ObjectMapper().readTree(CliRun.of("resnet18", "-f", "json", "--depth", "0").out())
                .get("modules");

        assertThat(modules).hasSize(1);
        assertThat(modules.get(0).get("ownParameters").asLong()).isZero();
        assertThat(modules.get(0).get("tensors").asInt()).isEqualTo(62);
    }

    @Test
    void jsonWithoutDepthIsTheReportAsBefore() throws Exception {
        Model model = ModelLoader.standard().load("resnet18", Map.of(), ReadOptions.NONE);
        CliRun run = CliRun.of("resnet18", "-f", "json");

        assertThat(run.out()).isEqualTo(JsonReport.render(Summary.of(model))).doesNotContain("\"modules\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65"})
    void aDepthOutOfRangeIsAUsageError(String depth) {
        CliRun run = CliRun.of("resnet18", "-f", "text", "--depth", depth);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("model-summary: --depth takes a depth from 0 to 64.\n");
    }

    @Test
    void markdownRefusesDepthInOneLine() {
        CliRun run = CliRun.of("resnet18", "--depth", "2");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString().contains("--depth", "text", "json");
    }
}
