package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.report.TextReport;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Markdown page of a model not stored as float32 says what it stores, between the chart and the tensor table:
 * the stored size, bits per parameter and bytes by dtype (GGUF block types by name), then the checkpoint anatomy
 * and pickle verdict the file has. The numbers are checked against the fixtures' expected.json (written by the
 * reference libraries) or the JSON report, never against the Markdown code itself. A float32 model's page stays
 * the published one.
 */
class MarkdownStorageCliTest {
    private static final String FIXTURES = "src/test/resources/fixtures/";
    private static final String CHART_END = "width=\"500\"/>\n\n";
    private static final String TABLE = "**Layer information**";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void ggufPageShowsBlockTypesSizeAndBitsAsGgufPyCountsThem() throws IOException {
        for (String name : List.of("tiny_llama.gguf", "all_types_gguf_py.gguf")) {
            String file = FIXTURES + "gguf/" + name;
            JsonNode expected = JSON.readTree(Files.readString(Resources.path("fixtures/gguf/" + name
                    + ".expected.json")));
            Map<String, long[]> byType = new LinkedHashMap<>(); // tensors, elements, bytes in file order
            for (JsonNode tensor : expected.get("tensors")) {
                long elements = 1;
                for (JsonNode dim : tensor.get("shape")) {
                    elements *= dim.asLong();
                }
                long[] sums = byType.computeIfAbsent(tensor.get("dtype").asText(), k -> new long[3]);
                sums[0]++;
                sums[1] += elements;
                sums[2] += tensor.get("bytes").asLong();
            }
            long bytes = byType.values().stream().mapToLong(s -> s[2]).sum();
            long elements = byType.values().stream().mapToLong(s -> s[1]).sum();

            String section = section(CliRun.of(file, "-f", "md"));

            assertThat(section).as(name).contains("**Stored:** " + TextReport.humanBytes(bytes)
                    + String.format(Locale.ROOT, " (%,d B), ", bytes) + bits(bytes, elements)
                    + " bits per parameter\n");
            byType.forEach((dtype, s) -> assertThat(section).as(name).contains(String.format(Locale.ROOT,
                    "| %s | %,d | %,d | %s |\n", dtype, s[0], s[1], TextReport.humanBytes(s[2]))));
            assertThat(section).as(name).contains("| q4_k |", "| q6_k |");
        }
    }

    @Test
    void halfAndBfloat16StateDictsShowTheirDtypesAndTheCleanVerdict() throws IOException {
        for (String name : List.of("half.pth", "bfloat16.pth")) {
            String file = FIXTURES + "pytorch/" + name;
            JsonNode json = JSON.readTree(CliRun.of(file, "-f", "json").out());

            String section = section(CliRun.of(file));

            long stored = json.at("/parameters/bytes").asLong() + json.at("/buffers/bytes").asLong();
            assertThat(section).as(name).contains("**Stored:** " + TextReport.humanBytes(stored) + " ("
                    + String.format(Locale.ROOT, "%,d", stored) + " B), 16.00 bits per parameter\n");
            assertThat(json.at("/bitsPerParameter").decimalValue()).isEqualByComparingTo("16.00");
            for (JsonNode d : json.get("dtypes")) {
                assertThat(section).as(name).contains(String.format(Locale.ROOT, "| %s | %,d | %,d | %s |\n",
                        d.get("dtype").asText(), d.get("tensors").asLong(), d.get("count").asLong(),
                        TextReport.humanBytes(d.get("bytes").asLong())));
            }
            assertThat(section).as(name).contains("**Pickle scan:** 1 pickle, ").contains(" allowed.\n");
        }
    }

    @Test
    void mixedDtypeSafetensorsGetTheSection() throws IOException {
        String file = FIXTURES + "safetensors/all_torch_dtypes.safetensors";
        JsonNode json = JSON.readTree(CliRun.of(file, "-f", "json").out());

        String section = section(CliRun.of(file));

        assertThat(json.get("dtypes")).hasSizeGreaterThan(1);
        for (JsonNode d : json.get("dtypes")) {
            assertThat(section).contains("| " + d.get("dtype").asText() + " | " + d.get("tensors").asLong() + " | ");
        }
        assertThat(section).doesNotContain("**Pickle scan:**");
    }

    @Test
    void aFloat32CheckpointWithMoreThanItsStateDictShowsItsAnatomy() {
        String section = section(CliRun.of(FIXTURES + "pytorch/checkpoint.pth"));

        assertThat(section).contains("**Stored:** 2.23 KiB (2,288 B), 32.00 bits per parameter\n")
                .contains("**Checkpoint contents** (model read from 'model_state_dict')")
                .contains("| optimizer_state_dict | optimizer | 24 | 1,116 | 4.36 KiB |")
                .contains("**Pickle scan:** 1 pickle, 4 globals imported: 4 allowed.");
    }

    @Test
    void aBuiltinLoadedInFloat16GetsTheSectionAndItsFloat32BuildDoesNot() {
        String half = section(CliRun.of("facebook/opt-125m", "--summary"));
        CliRun float32 = CliRun.of("facebook/opt-125m", "--arg", "torch_dtype=float32", "--summary");

        assertThat(half).contains(" 16.00 bits per parameter\n", "| float16 | ").doesNotContain("**Pickle scan:**");
        assertThat(float32.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(float32.out()).doesNotContain("**Stored:**").endsWith(CHART_END);
    }

    @Test
    void float32ModelsKeepThePublishedPage() {
        for (String[] args : List.of(new String[] {"resnet18"}, new String[] {"gpt2", "--summary"},
                new String[] {FIXTURES + "pytorch/resnet18.pth"}, new String[] {FIXTURES + "pytorch/small_real.pth"},
                new String[] {FIXTURES + "safetensors/tiny_model.safetensors"})) {
            CliRun run = CliRun.of(args);

            assertThat(run.exitCode()).as(args[0]).isEqualTo(ExitCode.OK);
            assertThat(run.out()).as(args[0]).doesNotContain("**Stored:**", "**Bytes by dtype**", "**Pickle scan:**");
        }
        assertThat(CliRun.of("vit_l_16", "--format", "md").out()).isEqualTo(Resources.text("golden/vit_l_16.md"));
        assertThat(CliRun.of(FIXTURES + "pytorch/vit_l_16.pth").out()).isEqualTo(Resources.text("golden/vit_l_16.md"));
    }

    /** What the page says between the chart and the tensor table; fails when the run did not succeed. */
    private static String section(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        String page = run.out();
        int start = page.indexOf(CHART_END) + CHART_END.length();
        int end = page.indexOf(TABLE);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    /** {@code bytes × 8 / elements} to two decimals, half to even, as gguf-py's numbers give it. */
    private static String bits(long bytes, long elements) {
        return BigDecimal.valueOf(bytes * 8).divide(BigDecimal.valueOf(elements), 2, RoundingMode.HALF_EVEN)
                .toPlainString();
    }
}
