package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.testutil.GroundTruth;
import dev.modelsummary.testutil.Resources;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
    @TempDir
    Path tmp;

    @Test
    void printsTheSeedPageForTheDefaultModel() {
        CliRun run = CliRun.of("vit_l_16");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo(Resources.text("golden/vit_l_16.md"));
    }

    @Test
    void outWritesThePageAndTheChartItLinks() throws IOException {
        CliRun run = CliRun.of("vit_l_16", "--out", tmp.toString());

        Path page = tmp.resolve("image_model_info/vit_l_16.md");
        Path chart = tmp.resolve("figs/vit_l_16_pie_chart.png");
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo(page + System.lineSeparator() + chart + System.lineSeparator());
        assertThat(Files.readString(page)).isEqualTo(Resources.text("golden/vit_l_16.md"));
        // The page's link, resolved against the page's folder, is the chart.
        assertThat(page.getParent().resolve("../figs/vit_l_16_pie_chart.png").normalize()).isEqualTo(chart);
        BufferedImage image = ImageIO.read(chart.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isGreaterThan(100);
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.filter(Files::isRegularFile)).containsExactlyInAnyOrder(page, chart);
        }
        // Published pages must be readable by others (a temp file's 0600 would not be).
        if (Files.getFileStore(page).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(page)).contains(PosixFilePermission.OTHERS_READ);
            assertThat(Files.getPosixFilePermissions(chart)).contains(PosixFilePermission.OTHERS_READ);
        }
    }

    @Test
    void jsonCarriesTheSameFactsAsThePage() throws IOException {
        CliRun run = CliRun.of("vit_l_16", "--format", "json");
        GroundTruth truth = GroundTruth.torchvision("vit_l_16");
        long count = truth.parameters().stream()
                .mapToLong(p -> p.shape().stream().reduce(1L, Math::multiplyExact)).sum();

        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("name").asText()).isEqualTo("vit_l_16");
        assertThat(json.get("format").asText()).isEqualTo("builtin");
        assertThat(json.get("source").asText()).isEqualTo("vit_l_16");
        assertThat(json.at("/parameters/tensors").asInt()).isEqualTo(truth.parameters().size());
        assertThat(json.at("/parameters/count").asLong()).isEqualTo(count);
        assertThat(json.at("/parameters/trainable").asLong()).isEqualTo(count);
        assertThat(json.at("/parameters/bytes").asLong()).isEqualTo(4 * count);
        assertThat(json.at("/buffers/tensors").asInt()).isZero();
        assertThat(json.at("/forms/0/form").asText()).isEqualTo("Vector");
        assertThat(json.at("/forms/0/rank").asInt()).isEqualTo(1);
        // The same two-decimal values the seed page prints.
        assertThat(json.at("/forms/0/tensorsPercent").decimalValue()).isEqualByComparingTo("66.55");
        assertThat(json.at("/forms/0/countPercent").decimalValue()).isEqualByComparingTo("0.11");
        assertThat(json.at("/forms/2/form").asText()).isEqualTo("Tensor rank 4");
        JsonNode first = json.at("/tensors/0");
        assertThat(first.get("name").asText()).isEqualTo("class_token");
        assertThat(first.get("shape").toString()).isEqualTo("[1,1,1024]");
        assertThat(run.out()).contains("\"shape\": [1, 1, 1024],\n").contains("\"warnings\": [ ]\n");
        assertThat(first.get("squeezedShape").toString()).isEqualTo("[1024]");
        assertThat(first.get("count").asLong()).isEqualTo(1024);
        assertThat(first.get("form").asText()).isEqualTo("Vector");
        assertThat(first.get("dtype").asText()).isEqualTo("float32");
        assertThat(first.get("role").asText()).isEqualTo("parameter");
        assertThat(first.get("trainable").asBoolean()).isTrue();
        assertThat(json.get("tensors")).hasSize(truth.stateDictKeys().size());
    }

    @Test
    void textIsAnAlignedTableWithTotals() {
        CliRun run = CliRun.of("vit_b_16", "-f", "text");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("vit_b_16  (builtin: vit_b_16)\n");
        assertThat(run.out()).contains("Parameters: 86,567,656 (86.6M) in 152 tensors, 86,567,656 trainable");
        String[] lines = run.out().split("\n");
        // the totals come first (the first screen), the tensor table last; header and rule have the same widths
        assertThat(lines[2]).startsWith("Parameters: ");
        int header = java.util.Arrays.asList(lines).indexOf(
                java.util.Arrays.stream(lines).filter(l -> l.matches(" *#  Name.*")).findFirst().orElseThrow());
        assertThat(lines[header + 1]).matches("-+(  -+)+");
        assertThat(lines.length - header - 2).isEqualTo(152);
    }

    @Test
    void summaryLeavesOutTheTensorTableInEveryFormat() throws Exception {
        CliRun text = CliRun.of("vit_b_16", "-f", "text", "--summary");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("Parameters: 86,567,656").doesNotContain("  #  Name");
        assertThat(CliRun.of("vit_b_16", "--no-tensors").out()).contains("**Number of parameters: [ 86.57M ]**")
                .doesNotContain("**Layer information**");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(CliRun.of("vit_b_16", "-f", "json", "--summary").out());
        assertThat(json.has("tensors")).isFalse();
        assertThat(json.at("/parameters/count").asLong()).isEqualTo(86_567_656L);
        assertThat(CliRun.of("vit_b_16", "-f", "html", "--summary").out()).doesNotContain("id=\"tensor-table\"");
        assertThat(CliRun.of("vit_b_16", "-f", "html").out()).contains("id=\"tensor-table\"");
    }

    @Test
    void imageSizeChangesThePositionEmbedding() {
        // torchvision's vit_b_16 IMAGENET1K_SWAG_E2E_V1 weights (384 px) declare 86,859,496 parameters.
        CliRun run = CliRun.of("vit_b_16", "--image-size", "384", "-f", "text");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Parameters: 86,859,496 ");
        assertThat(run.out()).containsPattern("encoder\\.pos_embedding +\\(1, 577, 768\\) +\\(577, 768\\) +443,136 +Matrix");
    }

    @Test
    void nameRenamesThePage() {
        CliRun run = CliRun.of("vit_b_32", "--name", "my_vit");

        assertThat(run.out()).startsWith("# my_vit parameter information\n");
        assertThat(run.out()).contains("<img src=\"../figs/my_vit_pie_chart.png\"");
    }

    @Test
    void listGroupsEveryBuiltinByTaskWithCounts() {
        CliRun run = CliRun.of("--list");

        assertThat(run.exitCode()).isZero();
        List<String> names = run.out().lines().filter(l -> l.startsWith("  ")).map(l -> l.strip().split(" +")[0])
                .collect(Collectors.toList());
        // names() are the lookup keys (lower case); --list shows each builder's own name (a Hub id's case)
        assertThat(names).containsExactlyInAnyOrderElementsOf(Catalog.standard().builders().stream()
                .map(Builder::name).collect(Collectors.toList()));
        // Each heading's count is the number of names under it.
        List<String> lines = run.out().lines().collect(Collectors.toList());
        int headings = 0;
        for (int i = 0; i < lines.size(); i++) {
            Matcher heading = Pattern.compile("^(\\S.*) \\((\\d+)\\)$").matcher(lines.get(i));
            if (heading.matches()) {
                headings++;
                int count = 0;
                while (i + 1 + count < lines.size() && lines.get(i + 1 + count).startsWith("  ")) {
                    count++;
                }
                assertThat(count).as(heading.group(1)).isEqualTo(Integer.parseInt(heading.group(2)));
            }
        }
        assertThat(headings).isGreaterThanOrEqualTo(1);
        assertThat(run.out()).contains("Image classification (").endsWith(names.size() + " built-in models "
                + "(parameters with default arguments).\nArguments: --arg KEY=VALUE (see --list --verbose).\n");
        // each name's parameters, exact and as the Hub writes them, in aligned columns
        assertThat(run.out()).containsPattern("\n  resnet50 +25,557,032    25.6M\n")
                .containsPattern("\n  deepseek-ai/DeepSeek-V3 +671,026,404,352     671B\n");
        assertThat(run.out().lines().filter(line -> line.startsWith("  ")))
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    @ParameterizedTest
    @CsvSource({"RESNET-, microsoft/resnet-101 microsoft/resnet-152 microsoft/resnet-18 microsoft/resnet-26 "
                    + "microsoft/resnet-34 microsoft/resnet-50",
            "'BERT*', bert-base-cased bert-base-uncased bert-large-uncased",
            "'modernbert*', answerdotai/ModernBERT-base",
            "'vit_?_16', vit_b_16 vit_l_16",
            "'resnet[13]?', resnet18 resnet34"})
    void listKeepsTheNamesMatchingASubstringOrGlob(String pattern, String expected) {
        CliRun run = CliRun.of("--list", pattern);

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().lines().filter(l -> l.startsWith("  ")).map(l -> l.strip().split(" +")[0]))
                .containsExactlyInAnyOrder(expected.split(" "));
        int kept = expected.split(" ").length;
        assertThat(run.out()).contains("\n" + kept + " of " + Catalog.standard().names().size()
                + " built-in models match '" + pattern + "' (parameters with default arguments).\n");
    }

    @Test
    void listTakesThePatternAfterTheModelPositionToo() {
        assertThat(CliRun.of("resnet50", "--list").out()).isEqualTo(CliRun.of("--list", "resnet50").out())
                .containsPattern("\n  resnet50 +25,557,032    25.6M\n").doesNotContain("resnet18");
    }

    /** The nearest names by edit distance first, then those that hold something near the pattern. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "resnt50|resnet50, microsoft/resnet-50, fcn_resnet50, wide_resnet50_2, fcos_resnet50_fpn",
            "resnt|resnet18, resnet34, resnet50, resnet101, resnet152",
            // a name with capitals, suggested by both rules: once
            "Llama-2-7b-hfx|meta-llama/Llama-2-7b-hf"})
    void listWithoutAMatchSaysSoAndNamesTheNearest(String pattern, String nearest) {
        CliRun run = CliRun.of("--list", pattern);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("model-summary: --list: no built-in model matches '" + pattern + "'; nearest: "
                + nearest + " (--list alone shows all " + Catalog.standard().names().size() + ").\n");
    }

    @Test
    void listRefusesAGlobThatIsNoPattern() {
        CliRun run = CliRun.of("--list", "resnet[9-1]");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("model-summary: --list: 'resnet[9-1]' is not a glob").doesNotContain("\tat ");
    }

    @Test
    void listVerboseShowsEachBuildersArgumentsAndDefaults() {
        CliRun run = CliRun.of("--list", "--verbose");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("\n  vit_b_16 .*\n(      .*\n)*      image_size=224 +int +input image size")
                .containsPattern("      weights=None +weights +pretrained weights \\(ViT_B_16_Weights\\)"
                        + ".*IMAGENET1K_SWAG_E2E_V1.*DEFAULT \\(= IMAGENET1K_V1\\)")
                .containsPattern("\n  resnet50 .*\n(      .*\n)*      num_classes=1000 +int +number of output classes");
    }

    @Test
    void argChangesWhatTheBuilderMakes() {
        CliRun run = CliRun.of("resnet18", "--arg", "num_classes=10", "-f", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        // resnet18 holds 11,689,512 parameters with its 1000-class fc (512 x 1000 + 1000); 10 classes: 513 x 10.
        assertThat(run.out()).contains("\"count\": " + (11_689_512L - 513_000 + 5_130) + ",");
    }

    @Test
    void weightsFixNumClassesAndRefuseAnother() {
        CliRun ok = CliRun.of("vit_b_16", "--arg", "weights=IMAGENET1K_SWAG_E2E_V1", "-f", "text");
        CliRun conflict = CliRun.of("resnet50", "--arg", "weights=DEFAULT", "--num-classes", "10");

        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).contains("Parameters: 86,859,496 ");
        assertThat(conflict.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(conflict.err()).isEqualTo("model-summary: resnet50: The parameter 'num_classes' expected value "
                + "1000 but got 10 instead.\n");
    }

    @Test
    void unknownArgumentNamesTheOnesTheBuilderTakes() {
        CliRun run = CliRun.of("resnet18", "--arg", "image_size=384");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: resnet18 takes no argument 'image_size'; it takes weights, "
                + "progress, num_classes, zero_init_residual, groups, width_per_group.\n");
    }

    @Test
    void wrongTypesAndUnknownWeightsAreUsageErrors() {
        CliRun notInt = CliRun.of("resnet18", "--arg", "num_classes=ten");
        CliRun notBool = CliRun.of("resnet18", "--arg", "zero_init_residual=maybe");
        CliRun noMember = CliRun.of("resnet18", "--arg", "weights=IMAGENET1K_V9");
        CliRun refused = CliRun.of("resnet18", "--arg", "groups=2");

        assertThat(notInt.err()).isEqualTo("model-summary: resnet18: num_classes='ten' is not an integer "
                + "(num_classes is int).\n");
        assertThat(notBool.err()).isEqualTo("model-summary: resnet18: zero_init_residual='maybe' is not true or "
                + "false (zero_init_residual is bool).\n");
        assertThat(noMember.err()).isEqualTo("model-summary: resnet18: weights='IMAGENET1K_V9': no such member of "
                + "ResNet18_Weights; it has IMAGENET1K_V1, DEFAULT.\n");
        assertThat(refused.err()).isEqualTo("model-summary: resnet18: BasicBlock only supports groups=1 and "
                + "base_width=64\n");
        assertThat(List.of(notInt, notBool, noMember, refused)).allSatisfy(r -> {
            assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(r.out()).isEmpty();
        });
    }

    @Test
    void aShorthandAndTheSameArgIsAUsageError() {
        CliRun run = CliRun.of("vit_b_16", "--image-size", "384", "--arg", "image_size=224");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: --image-size and --arg image_size both set image_size; "
                + "give one.\n");
    }

    @Test
    void sizesPast63BitsAreRefusedNotOverflowed() {
        CliRun run = CliRun.of("resnet18", "--arg", "num_classes=" + Long.MAX_VALUE / 2);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: resnet18: these arguments make a size, or a model, of "
                + "more than 2^63 - 1 elements or bytes\n");
    }

    @Test
    void allWritesEveryBuiltinAsJson() throws IOException {
        CliRun run = CliRun.of("--all", "--out", tmp.toString(), "--format", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> names = Catalog.standard().names();
        try (Stream<Path> files = Files.list(tmp.resolve("json"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(Catalog.standard().builders().stream()
                            // a Hub id's page is named with '-' for '/' (microsoft-resnet-50), in the id's case
                            .map(b -> b.name().replace('/', '-') + ".json").collect(Collectors.toList()));
        }
        assertThat(run.out().lines()).hasSize(names.size());
        JsonNode resnet = new ObjectMapper().readTree(tmp.resolve("json/resnet18.json").toFile());
        assertThat(resnet.at("/parameters/count").asLong()).isEqualTo(11_689_512L);
    }

    @Test
    void limitLowersOrRaisesOneBoundForTheRun() {
        String resnet18 = Resources.path("fixtures/pytorch/resnet18.pth").toString();
        CliRun lowered = CliRun.of(resnet18, "--limit", "tensors=5");
        CliRun raised = CliRun.of(resnet18, "--limit", "tensors=200", "--limit", "pickle-values=20000000");
        CliRun unknown = CliRun.of(resnet18, "--limit", "tensorz=5");
        CliRun zero = CliRun.of(resnet18, "--limit", "rank=0");

        assertThat(lowered.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(lowered.err()).isEqualTo("model-summary: " + resnet18
                + ": Checkpoint holds more than '5' tensors, the limit (raise with --limit tensors=N).\n");
        assertThat(raised.exitCode()).isZero();
        // The limit was for that run only: the next run reads under the defaults again.
        assertThat(CliRun.of(resnet18).exitCode()).isZero();
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).isEqualTo("model-summary: --limit 'tensorz': no limit 'tensorz'; did you mean "
                + "'tensors'? (model-summary --help-limits lists them).\n");
        assertThat(zero.err()).isEqualTo("model-summary: --limit 'rank': limit rank must be at least 1.\n");
    }

    @Test
    void quantizedBuildersRefuseQuantizeTrue() {
        CliRun run = CliRun.of("quantized_resnet18", "--arg", "quantize=true");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: quantized_resnet18: quantize=True converts the model to int8 "
                + "packed parameters, which is not built in; the float, quantizable form (quantize=False) is.\n");
    }

    @Test
    void noChartWritesThePageAlone() throws IOException {
        CliRun run = CliRun.of("resnet18", "--out", tmp.toString(), "--no-chart");
        CliRun misplaced = CliRun.of("resnet18", "--no-chart");

        assertThat(run.exitCode()).isZero();
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.filter(Files::isRegularFile)).containsExactly(tmp.resolve("image_model_info/resnet18.md"));
        }
        assertThat(misplaced.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(misplaced.err()).isEqualTo("model-summary: --no-chart applies to Markdown pages written with --out.\n");
    }

    @Test
    void allNeedsOutAndNoModel() {
        CliRun noOut = CliRun.of("--all");
        CliRun withModel = CliRun.of("--all", "resnet18", "--out", tmp.toString());

        assertThat(noOut.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noOut.err()).isEqualTo("model-summary: --all writes files: give --out DIR.\n");
        assertThat(withModel.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void unknownNameSuggestsNearNames() {
        CliRun run = CliRun.of("vit_l_61");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("model-summary: unknown model 'vit_l_61': not a built-in architecture "
                + "nor an existing file. Did you mean: vit_l_16, vit_l_32?\n");
    }

    @Test
    void unknownNameWithNothingNearPointsToList() {
        CliRun run = CliRun.of("qwertyuiopasdf");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: unknown model 'qwertyuiopasdf': not a built-in "
                + "architecture nor an existing file. Run with --list to see the built-in names.\n");
    }

    @Test
    void missingFileIsUnreadableInput() {
        String missing = tmp.resolve("nope/model.pth").toString();
        CliRun run = CliRun.of(missing, "--out", tmp.resolve("site").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: " + missing + ": No such file or directory.\n");
        assertThat(tmp.resolve("site")).doesNotExist();
    }

    @Test
    void fileOfNoKnownFormatIsUnreadableInput() throws IOException {
        Path junk = Files.write(tmp.resolve("notes.xyz"), "hello, not weights\n".getBytes());
        CliRun run = CliRun.of(junk.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).startsWith("model-summary: " + junk + ": Not a weight file of any supported format (");
        assertThat(run.err()).endsWith(").\n").doesNotContain("\tat ");
    }

    @Test
    void emptyFileSaysSo() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.bin2"));
        CliRun run = CliRun.of(empty.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: " + empty + ": File is empty.\n");
    }

    @Test
    void aTorchSaveOfVitL16GivesTheSeedPageUnderItsFileStem() {
        CliRun run = CliRun.of(Resources.path("fixtures/pytorch/vit_l_16.pth").toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo(Resources.text("golden/vit_l_16.md"));
    }

    @Test
    void buffersOfAStateDictAreLeftOutUnlessAsked() {
        String resnet18 = Resources.path("fixtures/pytorch/resnet18.pth").toString();
        GroundTruth truth = GroundTruth.torchvision("resnet18");

        assertThat(CliRun.of(resnet18).out())
                .contains("**Number of layers: [ " + truth.parameters().size() + " ]**")
                .doesNotContain("running_mean");
        assertThat(CliRun.of(resnet18, "--include-buffers").out())
                .contains("**Number of layers: [ " + truth.stateDictKeys().size() + " ]**")
                .contains("| bn1.num_batches_tracked | () | () | 1 | Tensor rank 0 |\n");
        assertThat(CliRun.of(resnet18, "--include-buffers", "-f", "json").out())
                .contains("\"name\": \"bn1.running_mean\",")
                .contains("\"role\": \"buffer\"")
                .contains("\"buffers\": {\n    \"tensors\": " + truth.buffers().size() + ",");
    }

    @Test
    void torchScriptArchivesAreReadAndNamedSo() {
        String file = Resources.path("fixtures/pytorch/torchscript.pt").toString();
        CliRun run = CliRun.of(file, "-f", "text");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("torchscript  (torchscript: " + file);
    }

    @Test
    void warningsGoToStderrAndIntoTheReports() {
        String file = Resources.path("fixtures/pickle/user_class.pth").toString();
        CliRun text = CliRun.of(file, "-f", "text");

        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("Warning: unknown pickle global '__main__.UserThing' read as an inert placeholder.");
        assertThat(text.err()).isEqualTo("model-summary: warning: " + file
                + ": unknown pickle global '__main__.UserThing' read as an inert placeholder.\n");
    }

    @Test
    void aGlobalTheScanAllowsIsNoWarning() {
        // argparse.Namespace is not torch's, so it is read as an inert placeholder, but it is plain data
        String file = Resources.path("fixtures/pytorch/unknown_global.pth").toString();
        CliRun text = CliRun.of(file, "-f", "text");

        assertThat(text.exitCode()).isZero();
        assertThat(text.err()).isEmpty();
        assertThat(text.out()).contains("Pickle: 1 pickle, 5 globals imported: 5 allowed.");
    }

    @Test
    void readsASafetensorsFile() {
        CliRun run = CliRun.of(Resources.path("fixtures/safetensors/tiny_model.safetensors").toString(), "-f", "text");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("tiny_model  (safetensors: ");
        assertThat(run.out()).contains("Parameters: 130 in 6 tensors, 130 trainable, 520 B\n",
                "Buffers:    9 in 3 tensors, 40 B\n");
    }

    @Test
    void corruptSafetensorsIsOneLineNamingTheFile() throws IOException {
        Path truncated = Files.write(tmp.resolve("x.safetensors"), new byte[] {1, 2, 3, 4, 5});
        CliRun run = CliRun.of(truncated.toString(), "--out", tmp.resolve("site").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).isEqualTo("model-summary: " + truncated
                + ": File is too small to hold the 8-byte header length: it has '5' bytes.\n");
        assertThat(tmp.resolve("site")).doesNotExist();
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Path junk = Files.write(tmp.resolve("junk.xyz"), new byte[] {1, 2, 3});

        assertThat(CliRun.of(junk.toString()).err()).doesNotContain("\tat ");
        assertThat(CliRun.of(junk.toString(), "--verbose").err()).contains("\tat ");
    }

    @Test
    void unknownOptionIsAUsageErrorOnOneLine() {
        CliRun run = CliRun.of("vit_l_16", "--colour");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: Unknown option: '--colour'. See 'model-summary --help'.\n");
    }

    @Test
    void badFormatIsAUsageError() {
        CliRun run = CliRun.of("vit_l_16", "--format", "pdf");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("model-summary: ").contains("'pdf' is not a format (expected md, json, text or html)");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void missingModelIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: missing MODEL: name a built-in architecture (see --list) "
                + "or a weight file (see --help).\n");
    }

    @Test
    void builderOptionsOnAFileAreAUsageError() throws IOException {
        Path junk = Files.write(tmp.resolve("w.safetensors"), new byte[] {1});
        CliRun run = CliRun.of(junk.toString(), "--num-classes", "10");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: --arg, --num-classes and --image-size apply to built-in "
                + "architectures and Hugging Face config.json files only; '" + junk + "' is read from a file.\n");
    }

    @Test
    void imageSizeThePatchDoesNotDivideIsAUsageError() {
        CliRun run = CliRun.of("vit_b_16", "--image-size", "225");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: vit_b_16: Input shape indivisible by patch size!\n");
    }

    @Test
    void unwritableOutLeavesNothingAndExitsThree() throws IOException {
        Path blocker = Files.write(tmp.resolve("site"), new byte[0]);
        CliRun run = CliRun.of("vit_l_16", "--out", blocker.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).startsWith("model-summary: cannot write under " + blocker + ": ");
        assertThat(run.err().lines()).hasSize(1);
        assertThat(Files.size(blocker)).isZero();
    }

    @Test
    void helpExplainsFormatsAndExitCodes() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: model-summary", "--format", "--out", "--include-buffers",
                "Exit codes", "  3  the input's fault");
    }
}
