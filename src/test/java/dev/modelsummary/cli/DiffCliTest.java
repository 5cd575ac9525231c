package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.testutil.Golden;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code model-summary diff A B}: reports in three formats, exit 0 or 5, and the error codes. */
class DiffCliTest {
    private static final String FIXTURES = "src/test/resources/fixtures/";
    private static final String[] NEW_HEAD = {"diff", "resnet50", "resnet50", "--arg-b", "num_classes=10"};

    private static CliRun diff(String... extra) {
        String[] args = Arrays.copyOf(NEW_HEAD, NEW_HEAD.length + extra.length);
        System.arraycopy(extra, 0, args, NEW_HEAD.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void anotherHeadIsTwoChangedTensorsAsText() {
        CliRun run = diff();

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("~ fc.weight  (1000, 2048) float32  ->  (10, 2048) float32  shape\n");
        Golden.assertMatches("diff/resnet50_num_classes_10.txt", run.out());
    }

    @Test
    void anotherHeadAsMarkdown() {
        CliRun run = diff("-f", "md");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        Golden.assertMatches("diff/resnet50_num_classes_10.md", run.out());
    }

    @Test
    void anotherHeadAsJson() throws Exception {
        CliRun run = diff("-f", "json");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        Golden.assertMatches("diff/resnet50_num_classes_10.json", run.out());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("sameStructure").asBoolean()).isFalse();
        assertThat(json.get("valuesCompared").asBoolean()).isFalse();
        assertThat(json.get("differ").asBoolean()).isTrue();
        assertThat(json.has("identical")).isFalse();
        assertThat(json.get("onlyInA")).isEmpty();
        assertThat(json.get("onlyInB")).isEmpty();
        assertThat(json.get("changed")).extracting(c -> c.get("name").asText()).containsExactly("fc.weight", "fc.bias");
        assertThat(json.get("changed").get(0).get("changed")).extracting(JsonNode::asText).containsExactly("shape");
        // 10 classes instead of 1000: 990 rows of 2048 weights and 990 biases fewer
        assertThat(json.get("a").get("parameters").get("count").asLong()
                - json.get("b").get("parameters").get("count").asLong()).isEqualTo(990L * 2048 + 990);
        assertThat(json.get("same").asInt() + 2).isEqualTo(json.get("a").get("parameters").get("tensors").asInt()
                + json.get("a").get("buffers").get("tensors").asInt());
    }

    @Test
    void aBuiltinAgainstAFileOfTheSameModelHasTheSameStructure() {
        CliRun run = CliRun.of("diff", "resnet18", FIXTURES + "pytorch/resnet18.pth");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().lines()).hasSize(4);
        Golden.assertMatches("diff/resnet18_vs_file.txt", run.out());
    }

    @Test
    void twoFilesOfAnotherDtype() {
        CliRun run = CliRun.of("diff", FIXTURES + "pytorch/checkpoint.pth", FIXTURES + "pytorch/half.pth");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        // every tensor but num_batches_tracked (int64 in both) is float16 in half.pth
        assertThat(run.out()).contains("Differ: 10 changed, 0 only in A, 0 only in B, 1 the same in structure (values not "
                + "compared).");
        Golden.assertMatches("diff/checkpoint_vs_half.txt", run.out());
    }

    @Test
    void tiedEntriesSayWhatTheyAreTiedTo() {
        CliRun run = CliRun.of("diff", FIXTURES + "pytorch/tied.pth", FIXTURES + "checkpoint/tied_lm_state_dict.pth",
                "-f", "md");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.out()).contains("| decoder.weight | (10, 4) float32 tied to embed.weight |");
        Golden.assertMatches("diff/tied_vs_tied_lm.md", run.out());
    }

    @Test
    void aSidesOwnArgumentWinsOverTheSharedOne() {
        CliRun withArg = CliRun.of("diff", "resnet50", "resnet50", "--arg", "num_classes=100", "--arg-b",
                "num_classes=10");
        CliRun withShorthand = CliRun.of("diff", "resnet50", "resnet50", "--num-classes", "100", "--arg-b",
                "num_classes=10");

        assertThat(withArg.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(withArg.out()).contains("--- resnet50 [num_classes=100]  (builtin: resnet50)\n"
                + "+++ resnet50 [num_classes=10]  (builtin: resnet50)\n")
                .contains("~ fc.weight  (100, 2048) float32  ->  (10, 2048) float32  shape");
        assertThat(withShorthand.out()).isEqualTo(withArg.out());
    }

    @Test
    void sameArgumentsOnBothSidesGiveTheSameStructure() {
        CliRun run = CliRun.of("diff", "resnet18", "resnet18", "--arg-a", "num_classes=10", "--arg-b",
                "num_classes=10");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Same structure: 122 tensors").contains("values not compared");
    }

    @Test
    void maxRowsCutsAListAndSaysHowManyMore() {
        CliRun run = diff("--max-rows", "1");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.out()).contains("~ fc.weight").doesNotContain("~ fc.bias")
                .contains("... and 1 more (raise --max-rows to list them)\n");
        assertThat(diff("--max-rows", "1", "-f", "json").out()).isEqualTo(diff("-f", "json").out());
    }

    @Test
    void aMissingFileIsExitThreeInOneLine() {
        CliRun run = CliRun.of("diff", "resnet18", "no/such/file.pth");

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("model-summary: no/such/file.pth: No such file or directory.\n");
    }

    @Test
    void anUnknownNameIsAUsageError() {
        CliRun run = CliRun.of("diff", "resnet18", "resnet_999");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString().contains("resnet_999");
    }

    @Test
    void aMissingBIsAUsageErrorThatPointsAtDiffHelp() {
        CliRun run = CliRun.of("diff", "resnet18");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo(
                "model-summary: Missing required parameter: 'B'. See 'model-summary diff --help'.\n");
    }

    @Test
    void aBuilderArgumentForAFileIsAUsageError() {
        CliRun run = CliRun.of("diff", "resnet18", FIXTURES + "pytorch/resnet18.pth", "--arg-b", "num_classes=10");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err().lines()).singleElement().asString().contains("resnet18.pth");
    }

    @Test
    void aNegativeMaxRowsIsAUsageError() {
        CliRun run = diff("--max-rows", "-1");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void verboseOnTheSubcommandPrintsTheStackTrace() {
        CliRun quiet = CliRun.of("diff", "resnet18", "no/such/file.pth");
        CliRun verbose = CliRun.of("diff", "resnet18", "no/such/file.pth", "--verbose");

        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(verbose.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(verbose.err()).startsWith("model-summary: no/such/file.pth: No such file or directory.\n")
                .contains("\tat dev.modelsummary.cli.");
    }

    @Test
    void helpListsTheSubcommandAndItsExitCode() {
        CliRun top = CliRun.of("--help");
        CliRun help = CliRun.of("diff", "--help");

        assertThat(top.out()).contains("Commands:\n  diff  Compare two models tensor by tensor")
                .contains("  5  diff: the two models differ");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Compare two models").contains("--arg-b=KEY=VALUE", "--max-rows=N",
                "  5  A and B differ");
        assertThat(help.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    /** resnet50's FLOPs (torchvision's _ops 4.089 GMACs), and what a 10-class head saves: 2 x 2048 x 990. */
    private static final long RESNET50_FLOPS = 8_178_368_512L;
    private static final long HEAD_SAVING = 2L * 2048 * 990;

    @Test
    void computeShowsFlopsAndActivationsSideBySideWithoutChangingTheExitCode() {
        CliRun run = diff("--compute");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith(diff().out());
        String compute = run.out().substring(diff().out().length());
        assertThat(compute).startsWith("\nCompute (one forward pass, on shapes; not part of the tensor comparison):\n"
                + "A on images [1, 3, 224, 224] (N, C, H, W)\nB on images [1, 3, 224, 224] (N, C, H, W)\n");
        assertThat(compute).containsPattern("Input +\\[1, 3, 224, 224\\] +\\[1, 3, 224, 224\\] +same\n");
        assertThat(compute).containsPattern("FLOPs +8,178,368,512 +8,174,313,472 +-4,055,040\n");
        assertThat(compute).containsPattern("MACs \\(FLOPs / 2\\) +4,089,184,256 +4,087,156,736 +-2,027,520\n");
        // the head's output: 1000 logits against 10
        assertThat(compute).containsPattern("Activations +[\\d,]+ +[\\d,]+ +-990\n");
    }

    @Test
    void computeAsMarkdownAndJson() throws Exception {
        CliRun md = diff("--compute", "-f", "md");
        assertThat(md.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        assertThat(md.out()).contains("\n**Compute (one forward pass, on shapes; not part of the tensor comparison)**"
                + "\n\n- **A** on images [1, 3, 224, 224] (N, C, H, W)\n",
                "| FLOPs | 8,178,368,512 | 8,174,313,472 | -4,055,040 |\n");

        CliRun run = diff("--compute", "-f", "json");
        assertThat(run.exitCode()).isEqualTo(ExitCode.DIFFERENT);
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode compute = json.get("compute");
        assertThat(compute.get("a").get("flops").asLong()).isEqualTo(RESNET50_FLOPS);
        assertThat(compute.get("b").get("flops").asLong()).isEqualTo(RESNET50_FLOPS - HEAD_SAVING);
        assertThat(compute.get("b").get("macs").asLong()).isEqualTo((RESNET50_FLOPS - HEAD_SAVING) / 2);
        assertThat(compute.get("bMinusA").get("flops").asLong()).isEqualTo(-HEAD_SAVING);
        assertThat(compute.get("bMinusA").get("activations").asLong()).isEqualTo(-990);
        assertThat(compute.get("a").get("input").get("shape").toString()).isEqualTo("[1,3,224,224]");
        assertThat(compute.get("a").get("input").get("kind").asText()).isEqualTo("image");
        assertThat(json.get("differ").asBoolean()).isTrue();
        // without --compute there is no such object
        assertThat(new ObjectMapper().readTree(diff("-f", "json").out()).has("compute")).isFalse();
    }

    @Test
    void computeWithTheSameStructureStillExitsZeroAndUsesTheInputGiven() {
        CliRun run = CliRun.of("diff", "resnet18", "resnet18", "--compute", "--input-size", "2,3,128,128");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("Same structure", "A on images [2, 3, 128, 128] (N, C, H, W)\n");
        assertThat(run.out()).containsPattern("FLOPs +([\\d,]+) +\\1 +0\n");
    }

    @Test
    void computeOfAWeightFileIsAOneLineUsageError() {
        CliRun run = CliRun.of("diff", "resnet18", FIXTURES + "pytorch/resnet18.pth", "--compute");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString().contains("B (", "resnet18.pth",
                "a weight file has no forward pass");

        CliRun noCompute = CliRun.of("diff", "resnet18", "resnet18", "--batch", "2");
        assertThat(noCompute.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noCompute.err().lines()).singleElement().asString().contains("apply with --compute");
    }
}
