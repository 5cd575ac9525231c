package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.SiteLinks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Rewrites the golden files from this run instead of comparing: {@code -Dgolden.accept=true}. */
    private static final boolean ACCEPT = Boolean.getBoolean("golden.accept");

    @TempDir
    Path tmp;

    @Test
    void allWritesEveryModelWithLinksThatResolveAndTheSameBytesTwice() throws IOException {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");

        CliRun run = CliRun.of("site", "--all", "--out", first.toString());
        CliRun again = CliRun.of("site", "--all", "--out", second.toString(), "--jobs", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(again.exitCode()).as(again.err()).isZero();
        // no progress bar where stderr is no terminal; every built-in's forward runs (detectors' only to NMS)
        assertThat(run.err()).isEmpty();
        assertThat(again.err()).isEmpty();
        int models = Catalog.standard().names().size();
        // the groups the original had, and the zoo's
        for (String page : List.of("image/classification/resnet50.md",
                "image/classification/figs/resnet50_pie_chart.png", "language/sequence_classification/README.md",
                "image/detection/fasterrcnn_resnet50_fpn.md", "image/segmentation/fcn_resnet50.md",
                "video/classification/r3d_18.md", "image/optical_flow/raft_large.md", "language/causal_lm/gpt2.md",
                "image/feature_extraction/default-mobilenet_v1.md", "json/image/classification/data.json",
                "README.md", "index.html")) {
            assertThat(first.resolve(page)).isRegularFile();
        }
        assertThat(SiteLinks.broken(first)).isEmpty();
        assertThat(SiteLinks.all(first)).hasSizeGreaterThan(models * 4);
        assertThat(tree(second)).isEqualTo(tree(first));
        String index = SiteLinks.withoutScripts(Files.readString(first.resolve("index.html")));
        assertThat(count(index, "<tr data-href=")).isEqualTo(models);
        int listed = 0;
        try (Stream<Path> data = Files.walk(first.resolve("json"))) {
            for (Path file : data.filter(Files::isRegularFile).toList()) {
                listed += JSON.readTree(file.toFile()).get("models").size();
            }
        }
        assertThat(listed).isEqualTo(models);
        assertThat(run.out().lines().count()).isEqualTo(tree(first).size());
        // FLOPs: resnet50's are torchvision's _ops (4.089 GMACs) doubled; a model without them shows a dash
        assertThat(index).contains("GFLOPs</th>", "<td class=\"num\" data-value=\"8178368512\" "
                + "title=\"1x3x224x224\">8.18</td>");
        // a detector has no one figure: after its NMS, the cost depends on the image
        long detectors = Catalog.standard().builders().stream().filter(b -> b.task() == Task.OBJECT_DETECTION)
                .count();
        // neither FLOPs nor inference memory
        assertThat(count(index, "<td class=\"num\" data-value=\"-1\">\u2014</td>")).isEqualTo(2 * detectors);
        // inference memory: the weights as stored plus the forward activations in float32, as --compute counts them
        JsonNode computed = JSON.readTree(CliRun.of("resnet50", "--compute", "-f", "json").out()).get("compute");
        long inference = computed.get("parameterBytes").asLong() + computed.get("activationBytes").asLong();
        assertThat(index).contains("Inference</th>", "<td class=\"num\" data-value=\"" + inference + "\">");
        JsonNode resnet50 = model(first.resolve("json/image/classification/data.json"), "resnet50");
        assertThat(resnet50.get("flops").asLong()).isEqualTo(8_178_368_512L);
        assertThat(resnet50.get("input").asText()).isEqualTo("1x3x224x224");
        assertThat(Files.readString(first.resolve("image/classification/README.md"))).containsSubsequence(
                "# Top parameter models\n", "| Rank | Model | Parameters |", "\n## By FLOPs\n",
                "| [resnet50](resnet50.md) | 8.18 | 8178368512 | 1x3x224x224 | 25.56M |\n");
    }

    @Test
    void weightFilesHaveNoFlopsAndHtmlPagesShowTheComputeCards() throws IOException {
        Path site = tmp.resolve("site");
        Path file = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("tiny_model.safetensors"));

        CliRun run = CliRun.of("site", "--out", site.toString(), "--format", "html", "resnet18", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty(); // a weight file never has a forward pass: no warning for it
        JsonNode tiny = model(site.resolve("json/files/data.json"), "tiny_model");
        assertThat(tiny.get("flops").isNull()).isTrue();
        assertThat(tiny.get("input").isNull()).isTrue();
        // resnet18: torchvision's _ops 1.814 GMACs
        assertThat(model(site.resolve("json/image/classification/data.json"), "resnet18").get("flops").asLong())
                .isEqualTo(3_628_146_688L);
        String index = SiteLinks.withoutScripts(Files.readString(site.resolve("index.html")));
        assertThat(index).containsPattern("tiny_<wbr>model</a>.*<td class=\"num\" data-value=\"-1\">\u2014</td>");
        assertThat(Files.readString(site.resolve("files/README.md"))).doesNotContain("FLOPs");
        assertThat(Files.readString(site.resolve("image/classification/resnet18.html")))
                .contains("id=\"card-gflops\"", ">3.63<", "<th class=\"num\" data-type=\"number\">FLOPs</th>");
        assertThat(Files.readString(site.resolve("files/tiny_model.html"))).doesNotContain("card-gflops");
    }

    @Test
    void aMarkdownSiteWritesAnHtmlPageBesideEachAndItsIndexOpensThemLargestFirst() throws IOException {
        Path site = tmp.resolve("site");

        CliRun run = CliRun.of("site", "--out", site.toString(), "resnet18", "gpt2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // a browser shows Markdown as raw text: the rows open the HTML page beside each Markdown page
        String index = SiteLinks.withoutScripts(Files.readString(site.resolve("index.html")));
        assertThat(index).containsSubsequence("<tr data-href=\"language/causal_lm/gpt2.html\">",
                "<tr data-href=\"image/classification/resnet18.html\">"); // by parameters across the groups
        assertThat(index).contains("aria-sort=\"descending\">Parameters</th>",
                "<td class=\"group\"><a href=\"image/classification/README.md\">image/classification</a></td>");
        String html = Files.readString(site.resolve("image/classification/resnet18.html"));
        assertThat(html).startsWith("<!doctype html>").contains(">rank 1 of 1 in image/classification</a>",
                "id=\"card-gflops\"");
        assertThat(Files.readString(site.resolve("image/classification/resnet18.md"))).startsWith("# resnet18");
        assertThat(SiteLinks.broken(site)).isEmpty();

        // a later run updates the HTML page's rank as it does the Markdown page's
        assertThat(CliRun.of("site", "--out", site.toString(), "alexnet").exitCode()).isZero();
        assertThat(Files.readString(site.resolve("image/classification/resnet18.html")))
                .isEqualTo(html.replace(">rank 1 of 1 in", ">rank 2 of 2 in"));

        // a page of a site written before Markdown pages had an HTML page beside them: the row opens the Markdown
        Files.delete(site.resolve("language/causal_lm/gpt2.html"));
        assertThat(CliRun.of("site", "--out", site.toString(), "vgg11").exitCode()).isZero();
        assertThat(Files.readString(site.resolve("index.html"))).contains("data-href=\"language/causal_lm/gpt2.md\"",
                "data-href=\"image/classification/vgg11.html\"");
    }

    @Test
    void aSiteWrittenBeforeFlopsGetsThemForTheModelsARunWritesAgain() throws IOException {
        Path site = tmp.resolve("site");
        assertThat(CliRun.of("site", "--out", site.toString(), "resnet18", "alexnet").exitCode()).isZero();
        Path data = site.resolve("json/image/classification/data.json");
        // as an earlier version wrote it: no "input", "flops" and "inferenceBytes"
        Files.writeString(data, Files.readString(data).replaceAll(
                "\n *\"input\": [^\n]*\n *\"flops\": [^\n]*\n *\"inferenceBytes\": [^\n]*", ""));
        assertThat(Files.readString(data)).doesNotContain("flops").doesNotContain("inferenceBytes");

        CliRun run = CliRun.of("site", "--out", site.toString(), "resnet18");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(model(data, "resnet18").get("flops").asLong()).isEqualTo(3_628_146_688L);
        assertThat(model(data, "alexnet").get("flops").isNull()).isTrue();
        assertThat(model(data, "alexnet").get("inferenceBytes").isNull()).isTrue();
        assertThat(model(data, "resnet18").get("inferenceBytes").asLong()).isPositive();
        assertThat(Files.readString(site.resolve("image/classification/README.md"))).containsSubsequence(
                "## By FLOPs", "| 1 | [resnet18](resnet18.md) | 3.63 |", "| \u2014 | [alexnet](alexnet.md) | \u2014 |");
    }

    private static JsonNode model(Path dataJson, String name) throws IOException {
        for (JsonNode m : JSON.readTree(dataJson.toFile()).get("models")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name + " not in " + dataJson);
    }

    @Test
    void aLaterRunMergesItsModelsIntoTheGroupAndUpdatesEarlierPages() throws IOException {
        Path site = tmp.resolve("site");
        Path oneRun = tmp.resolve("one-run");
        Path file = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("in/tiny model.safetensors"));

        assertThat(CliRun.of("site", "--out", site.toString(), "resnet18").exitCode()).isZero();
        Path resnet = site.resolve("image/classification/resnet18.md");
        String alone = Files.readString(resnet);
        assertThat(alone).contains("**Rank: [ 1 / 1 ] in [image/classification](README.md)**\n");
        CliRun second = CliRun.of("site", "--out", site.toString(), "alexnet");
        CliRun third = CliRun.of("site", "--out", site.toString(), file.toString());
        assertThat(CliRun.of("site", "--out", oneRun.toString(), "resnet18", "alexnet", file.toString()).exitCode())
                .isZero();

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(third.exitCode()).as(third.err()).isZero();
        // the first page kept, its rank updated: alexnet has more parameters
        assertThat(Files.readString(resnet)).isEqualTo(alone.replace("[ 1 / 1 ]", "[ 2 / 2 ]"));
        assertThat(names(site.resolve("json/image/classification/data.json"))).containsExactly("alexnet", "resnet18");
        assertThat(Files.readString(site.resolve("image/classification/README.md")))
                .containsSubsequence("| 1 | [alexnet](alexnet.md) |", "| 2 | [resnet18](resnet18.md) |");
        // a file's page name is its stem, made file-safe
        assertThat(site.resolve("files/tiny_model.md")).isRegularFile();
        assertThat(names(site.resolve("json/files/data.json"))).containsExactly("tiny_model");
        assertThat(count(SiteLinks.withoutScripts(Files.readString(site.resolve("index.html"))), "<tr data-href="))
                .isEqualTo(3);
        assertThat(SiteLinks.broken(site)).isEmpty();
        // three runs give what one run with the three gives
        assertThat(tree(site)).isEqualTo(tree(oneRun));
    }

    @Test
    void htmlPagesLinkAndMergeAsMarkdownPagesDo() throws IOException {
        Path site = tmp.resolve("site");
        Path oneRun = tmp.resolve("one-run");

        assertThat(CliRun.of("site", "--out", site.toString(), "--format", "html", "resnet18").exitCode()).isZero();
        CliRun second = CliRun.of("site", "--out", site.toString(), "--format", "html", "alexnet");
        assertThat(CliRun.of("site", "--out", oneRun.toString(), "--format", "html", "resnet18", "alexnet").exitCode())
                .isZero();

        assertThat(second.exitCode()).as(second.err()).isZero();
        Path resnet = site.resolve("image/classification/resnet18.html");
        assertThat(Files.readString(resnet)).contains(">rank 2 of 2 in image/classification</a>");
        assertThat(site.resolve("image/classification/figs")).doesNotExist(); // the pie is inline SVG
        assertThat(Files.readString(site.resolve("image/classification/README.md")))
                .contains("| 1 | [alexnet](alexnet.html) |");
        assertThat(SiteLinks.withoutScripts(Files.readString(site.resolve("index.html"))))
                .contains("data-href=\"image/classification/resnet18.html\"");
        assertThat(SiteLinks.broken(site)).isEmpty();
        assertThat(tree(site)).isEqualTo(tree(oneRun));
    }

    @Test
    void aCorruptDataJsonFailsTheRunAndNothingChanges() throws IOException {
        Path site = tmp.resolve("site");
        assertThat(CliRun.of("site", "--out", site.toString(), "resnet18").exitCode()).isZero();
        Path data = site.resolve("json/image/classification/data.json");
        for (String corrupt : List.of("{\"group\": \"image/classification\", \"models\": [",
                "{\"group\": \"image/classification\", \"models\": [{\"name\": \"x\", \"page\": \"../../../x.md\"}]}",
                "[]", "{\"group\": \"image/detection\", \"models\": []}")) {
            Files.writeString(data, corrupt);
            Map<String, String> before = tree(site);

            CliRun run = CliRun.of("site", "--out", site.toString(), "alexnet");

            assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
            assertThat(run.err()).startsWith("model-summary: " + data + ": ").hasLineCount(1);
            assertThat(tree(site)).isEqualTo(before);
        }
    }

    @Test
    void twoModelsForOnePageAreAUsageError() throws IOException {
        Path a = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("a/tiny_model.safetensors"));
        Path b = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("b/tiny_model.safetensors"));
        Path site = tmp.resolve("site");

        CliRun run = CliRun.of("site", "--out", site.toString(), a.toString(), b.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(a.toString()).contains(b.toString()).contains("files/tiny_model.md")
                .hasLineCount(1);
        assertThat(site).doesNotExist();
    }

    @Test
    void aModelWhosePageWouldBeTheRankingPageIsAUsageError() throws IOException {
        for (String name : List.of("README.safetensors", "readme.safetensors")) {
            Path file = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve(name));
            Path site = tmp.resolve("site");

            CliRun run = CliRun.of("site", "--out", site.toString(), file.toString());

            assertThat(run.exitCode()).as(name).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).as(name).contains(file.toString()).contains("files/README.md")
                    .contains("ranking page").hasLineCount(1);
            assertThat(site).doesNotExist();
            Files.delete(file);
        }
        // as an HTML page it is README.html, beside the ranking page
        Path file = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("README.safetensors"));
        CliRun html = CliRun.of("site", "--out", tmp.resolve("html").toString(), "--format", "html",
                file.toString());
        assertThat(html.exitCode()).isZero();
        assertThat(tmp.resolve("html/files/README.html")).exists();
        assertThat(tmp.resolve("html/files/README.md")).content().contains("README");
    }

    @Test
    void pagesWhoseNamesDifferOnlyInCaseAreAUsageError() throws IOException {
        Path a = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("a/Tiny.safetensors"));
        Path b = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("b/tiny.safetensors"));
        Path site = tmp.resolve("site");

        CliRun run = CliRun.of("site", "--out", site.toString(), a.toString(), b.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(a.toString()).contains(b.toString()).contains("files/Tiny.md")
                .contains("files/tiny.md").hasLineCount(1);
        assertThat(site).doesNotExist();
    }

    @Test
    void aPageThatIsAnEarlierRunsPageIgnoringCaseIsAUsageError() throws IOException {
        Path first = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("a/Tiny.safetensors"));
        Path second = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("b/tiny.safetensors"));
        Path site = tmp.resolve("site");
        assertThat(CliRun.of("site", "--out", site.toString(), first.toString()).exitCode()).isZero();
        Map<String, String> before = tree(site);

        CliRun run = CliRun.of("site", "--out", site.toString(), second.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(second.toString()).contains("files/tiny.md").contains("files/Tiny.md")
                .contains("'Tiny'").hasLineCount(1);
        assertThat(tree(site)).isEqualTo(before);
        // the same model again is an update
        assertThat(CliRun.of("site", "--out", site.toString(), first.toString()).exitCode()).isZero();
    }

    @Test
    void usageErrors() {
        Path site = tmp.resolve("site");
        List<String[]> runs = List.of(new String[] {"site", "--out", site.toString()}, new String[] {"site", "--all"},
                new String[] {"site", "--out", site.toString(), "--all", "--jobs", "0"},
                new String[] {"site", "--out", site.toString(), "--all", "--arg", "num_classes=10"},
                new String[] {"site", "--out", site.toString(), "--format", "pdf", "resnet18"},
                new String[] {"site", "--out", site.toString(), "no_such_model"});
        for (String[] args : runs) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).as(String.join(" ", args)).startsWith("model-summary: ").hasLineCount(1);
        }
        assertThat(site).doesNotExist();
    }

    @Test
    void aFailingModelWritesNothing() throws IOException {
        Path bad = Files.write(tmp.resolve("bad.safetensors"), new byte[] {1, 2, 3});
        Path site = tmp.resolve("site");

        CliRun run = CliRun.of("site", "--out", site.toString(), "resnet18", bad.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(run.err()).contains(bad.toString()).hasLineCount(1);
        assertThat(site).doesNotExist();
    }

    @Test
    void builderArgumentsApplyToTheBuiltInsNamed() throws IOException {
        Path site = tmp.resolve("site");
        Path file = copy("fixtures/safetensors/tiny_model.safetensors", tmp.resolve("tiny_model.safetensors"));

        CliRun run = CliRun.of("site", "--out", site.toString(), "--num-classes", "10", "resnet18", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode resnet = JSON.readTree(site.resolve("json/image/classification/data.json").toFile())
                .get("models").get(0);
        // resnet18's fc: 512 * 10 + 10 in place of 512 * 1000 + 1000
        assertThat(resnet.get("parameters").asLong()).isEqualTo(11689512L - 513000 + 5130);
    }

    @Test
    void aHuggingFaceModelIsFiledUnderTheTaskOfTheArchitectureItIsBuiltAs() {
        Path site = tmp.resolve("site");

        CliRun run = CliRun.of("site", "--out", site.toString(), "bert-base-uncased",
                "--arg", "architecture=BertForSequenceClassification");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // the config's own class, BertForMaskedLM, is language/masked_lm; the class built decides
        assertThat(site.resolve("language/sequence_classification/bert-base-uncased.md")).isRegularFile();
        assertThat(site.resolve("language/masked_lm")).doesNotExist();
    }

    @Test
    void aFilesPageNameIsItsStemMadeFileSafe() {
        assertThat(SiteCommand.pageName("tiny_model")).isEqualTo("tiny_model");
        assertThat(SiteCommand.pageName("meta-llama-Llama-2-7b-hf")).isEqualTo("meta-llama-Llama-2-7b-hf");
        assertThat(SiteCommand.pageName("<script>alert(1)</script>")).isEqualTo("_script_alert_1___script_");
        assertThat(SiteCommand.pageName("../../etc/passwd")).isEqualTo("_.._.._etc_passwd");
        assertThat(SiteCommand.pageName("-rf")).isEqualTo("_-rf");
        assertThat(SiteCommand.pageName("")).isEqualTo("_");
        assertThat(SiteCommand.pageName("mod\u00e8le \ud83d\ude00")).isEqualTo("mod_le__");
        assertThat(SiteCommand.pageName("x".repeat(1000))).hasSize(200);
    }

    @Test
    void goldenPageAndRanking() throws IOException {
        Path site = tmp.resolve("site");
        assertThat(CliRun.of("site", "--out", site.toString(), "resnet18").exitCode()).isZero();

        golden(site.resolve("image/classification/resnet18.md"), "golden/site/resnet18.md");
        golden(site.resolve("image/classification/README.md"), "golden/site/README.md");
    }

    private static void golden(Path written, String resource) throws IOException {
        if (ACCEPT) {
            Path source = Path.of("src/test/resources").resolve(resource);
            Files.createDirectories(source.getParent());
            Files.copy(written, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        assertThat(Files.readString(written)).isEqualTo(Resources.text(resource));
    }

    /** Every file under {@code root} by relative path, with its bytes (as ISO-8859-1 text: any byte is a char). */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), new String(Files.readAllBytes(file),
                        StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    private static List<String> names(Path dataJson) throws IOException {
        List<String> names = new ArrayList<>();
        JSON.readTree(dataJson.toFile()).get("models").forEach(m -> names.add(m.get("name").asText()));
        return names;
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static Path copy(String resource, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        return Files.write(to, Resources.bytes(resource));
    }
}
