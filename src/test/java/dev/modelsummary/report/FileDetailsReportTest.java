package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.PickleScan.Verdict;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a file says besides its tensors, in each report: facts, bytes, checkpoint anatomy, pickle verdict. */
class FileDetailsReportTest {
    private static final List<TensorEntry> TENSORS = List.of(
            TensorEntry.parameter("fc.weight", Shape.of(10, 8), DType.FLOAT16, true),
            TensorEntry.parameter("fc.bias", Shape.of(10), DType.FLOAT32, true),
            TensorEntry.buffer("bn.num_batches_tracked", Shape.of(), DType.INT64));

    private static final FileDetails DETAILS = new FileDetails(
            List.of(new Fact("architecture", "llama"), new Fact("name", "evil|\u001b[2J")),
            new CheckpointContents("state_dict", List.of(
                    new CheckpointContents.Entry("epoch", "int", 0, 0, 0),
                    new CheckpointContents.Entry("state_dict", "state dict", 3, 91, 208),
                    new CheckpointContents.Entry("optimizer", "optimizer", 2, 90, 360))),
            new PickleScan(1, List.of(
                    new PickleScan.Import("collections.OrderedDict", Verdict.ALLOWED),
                    new PickleScan.Import("my_project.Net", Verdict.UNKNOWN),
                    new PickleScan.Import("os.system", Verdict.DANGEROUS)),
                    List.of(new PickleScan.Trailer("archive/data.pkl", 27))),
            List.of("2 tensors hold packed 4-bit weights."));

    private static Summary summary(FileDetails details) {
        return Summary.of(new Model("ckpt", "pytorch", "ckpt.pth", TENSORS, List.of(), details));
    }

    @Test
    void jsonCarriesEveryDetailWithTheModelsTotalsAlone() throws Exception {
        JsonNode json = new ObjectMapper().readTree(JsonReport.render(summary(DETAILS)));

        assertThat(json.at("/facts/architecture").asText()).isEqualTo("llama");
        assertThat(json.at("/facts/name").asText()).isEqualTo("evil|\u001b[2J");
        assertThat(json.at("/parameters/count").asLong()).isEqualTo(90);
        assertThat(json.at("/parameters/bytes").asLong()).isEqualTo(200); // 80 x 2 + 10 x 4
        assertThat(json.at("/bitsPerParameter").decimalValue()).isEqualByComparingTo("17.78"); // 1600 / 90
        assertThat(json.at("/checkpoint/key").asText()).isEqualTo("state_dict");
        assertThat(json.at("/checkpoint/entries/2/name").asText()).isEqualTo("optimizer");
        assertThat(json.at("/checkpoint/entries/2/bytes").asLong()).isEqualTo(360);
        assertThat(json.at("/pickle/imports").toString())
                .isEqualTo("[\"collections.OrderedDict\",\"my_project.Net\",\"os.system\"]");
        assertThat(json.at("/pickle/dangerous").toString()).isEqualTo("[\"os.system\"]");
        assertThat(json.at("/pickle/unknown").toString()).isEqualTo("[\"my_project.Net\"]");
        assertThat(json.at("/pickle/allowed").toString()).isEqualTo("[\"collections.OrderedDict\"]");
        assertThat(json.at("/pickle/afterStop/0/bytes").asLong()).isEqualTo(27);
        assertThat(json.at("/notes/0").asText()).startsWith("2 tensors hold packed");
    }

    @Test
    void jsonSaysNullWhereAFileHasNoCheckpointOrPickle() throws Exception {
        JsonNode json = new ObjectMapper().readTree(JsonReport.render(summary(FileDetails.NONE)));

        assertThat(json.get("checkpoint").isNull()).isTrue();
        assertThat(json.get("pickle").isNull()).isTrue();
        assertThat(json.get("facts").size()).isZero();
        assertThat(json.get("notes").size()).isZero();
    }

    @Test
    void textShowsFactsCheckpointVerdictAndTrailers() {
        String text = TextReport.render(summary(DETAILS));

        assertThat(text).contains("  architecture: llama\n", "  name: evil|\\u001b[2J\n")
                .doesNotContain("\u001b")
                .contains("Checkpoint contents (model read from 'state_dict'):")
                .containsPattern("optimizer +optimizer +2 +90 +360 B")
                .contains("Pickle: 1 pickle, 3 globals imported: 1 allowed, 1 unknown ('my_project.Net'), "
                        + "1 dangerous ('os.system').")
                .contains("pickle 'archive/data.pkl' has 27 bytes after its STOP opcode")
                .contains("Stored:     208 B, 17.78 bits per parameter")
                .contains("Note: 2 tensors hold packed 4-bit weights.");
    }

    @Test
    void markdownAddsAFileSectionBeforeTheTensorTableOnlyWhenTheFileSaysMore() {
        List<TensorEntry> float32 = List.of(
                TensorEntry.parameter("fc.weight", Shape.of(10, 8), DType.FLOAT32, true),
                TensorEntry.parameter("fc.bias", Shape.of(10), DType.FLOAT32, true),
                TensorEntry.buffer("bn.num_batches_tracked", Shape.of(), DType.INT64));
        String plain = MarkdownReport.render(Summary.of(new Model("ckpt", "pytorch", "ckpt.pth", float32,
                List.of(), new FileDetails(List.of(), null, new PickleScan(1, List.of(
                        new PickleScan.Import("collections.OrderedDict", Verdict.ALLOWED)), List.of()), List.of()))));
        String detailed = MarkdownReport.render(Summary.of(new Model("ckpt", "pytorch", "ckpt.pth", float32,
                List.of(), DETAILS)));

        assertThat(plain).doesNotContain("**Stored:**")
                .contains("width=\"500\"/>\n\n**Layer information**")
                .endsWith("| fc.bias | (10,) | (10,) | 10 | Vector |\n\n");
        String section = detailed.substring(detailed.indexOf("width=\"500\"/>\n\n"),
                detailed.indexOf("**Layer information**"));
        assertThat(section).contains("| name | evil\\|\\u001b[2J |")
                .contains("| float32 | 2 | 90 | 360 B |")
                .contains("**Stored:** 368 B, 32.00 bits per parameter\n")
                .contains("| optimizer | optimizer | 2 | 90 | 360 B |")
                .contains("**Pickle scan:** 1 pickle, 3 globals imported")
                .contains("**Warning:** pickle 'archive/data.pkl' has 27 bytes after its STOP opcode")
                .contains("**Note:** 2 tensors hold packed 4-bit weights.")
                .endsWith("\n\n");
        assertThat(detailed).endsWith("| fc.bias | (10,) | (10,) | 10 | Vector |\n\n");
    }

    @Test
    void aSitePageGivesStorageInItsSizeLineAndTheFileSectionOnlyWhenTheFileSaysMore() throws Exception {
        SiteRank rank = new SiteRank(1, 1, "files", "README.md");
        String half = sitePage(summary(FileDetails.NONE), rank);
        String checkpoint = sitePage(summary(DETAILS), rank);

        assertThat(MarkdownReport.render(summary(FileDetails.NONE))).contains("**Stored:** 208 B, 17.78 bits");
        assertThat(half).contains("**Size: [ 208 B ]** (float16: 160 B, float32: 40 B, int64: 8 B)")
                .doesNotContain("**Stored:**");
        assertThat(checkpoint).contains("**Stored:** 208 B, 17.78 bits per parameter\n")
                .contains("**Checkpoint contents**");
        assertThat(checkpoint.indexOf("**Checkpoint contents**")).isLessThan(checkpoint.indexOf("**Layer information**"));
    }

    private static String sitePage(Summary summary, SiteRank rank) throws Exception {
        StringWriter out = new StringWriter();
        MarkdownReport.write(summary, out, rank);
        return out.toString();
    }
}
