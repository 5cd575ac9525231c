package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --compute} through the real command line: the JSON object against torch's own ground truth, the text
 * table's layout, the input options, the refusals, and a weight file's config.json beside it.
 */
class ComputeCliTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode json(CliRun run) throws IOException {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return MAPPER.readTree(run.out());
    }

    private static JsonNode golden(String file) throws IOException {
        return MAPPER.readTree(Resources.bytes("golden/compute/" + file));
    }

    /** Every call's path, class and output shapes, and the totals, as torch recorded them for resnet18. */
    @Test
    void jsonEqualsTorchForTheDefaultInput() throws IOException {
        JsonNode truth = golden("tv-resnet18.json");
        JsonNode compute = json(CliRun.of("resnet18", "--compute", "-f", "json")).get("compute");
        assertThat(compute.at("/input/shape")).isEqualTo(truth.at("/input/shape"));
        assertThat(compute.get("flops").asLong()).isEqualTo(truth.get("flops").asLong());
        assertThat(compute.get("macs").asLong() * 2).isEqualTo(truth.get("flops").asLong());
        assertThat(compute.get("activations").asLong()).isEqualTo(truth.get("activations").asLong());
        List<String> expected = new ArrayList<>();
        truth.get("modules").forEach(m -> expected.add(m.get("name").asText() + " " + m.get("class").asText() + " "
                + m.get("out")));
        List<String> actual = new ArrayList<>();
        compute.get("modules").forEach(m -> actual.add(m.get("name").asText() + " " + m.get("class").asText() + " "
                + m.get("out")));
        assertThat(actual).containsExactlyElementsOf(expected);
        JsonNode root = compute.get("modules").get(0);
        assertThat(root.get("parameters").asLong()).isEqualTo(truth.get("parameters").asLong());
        assertThat(root.get("in")).hasToString("[[1,3,224,224]]");
        // bytes: float32 input and activations, parameters as stored
        assertThat(compute.at("/input/bytes").asLong()).isEqualTo(4L * 3 * 224 * 224);
        assertThat(compute.get("activationBytes").asLong()).isEqualTo(4 * truth.get("activations").asLong());
        assertThat(compute.get("totalBytes").asLong()).isEqualTo(compute.at("/input/bytes").asLong()
                + compute.get("activationBytes").asLong() + compute.get("parameterBytes").asLong());
    }

    /** A video builder runs on its weights' clip, a timm model on its own input size. */
    @Test
    void defaultInputsFollowTheWeights() throws IOException {
        assertThat(json(CliRun.of("r3d_18", "--compute", "-f", "json")).at("/compute/input/shape"))
                .isEqualTo(golden("tv-r3d_18.json").at("/input/shape"));
        assertThat(json(CliRun.of("inception_v3", "--compute", "-f", "json")).at("/compute/input/shape"))
                .hasToString("[1,3,299,299]");
        assertThat(json(CliRun.of("efficientnet_b3", "--compute", "-f", "json")).at("/compute/input/shape"))
                .hasToString("[1,3,300,300]");
        assertThat(json(CliRun.of("timm/efficientnet_b3", "--compute", "-f", "json")).at("/compute/input/shape"))
                .hasToString("[1,3,288,288]");
        assertThat(json(CliRun.of("vit_b_16", "--arg", "image_size=384", "--compute", "-f", "json"))
                .at("/compute/input/shape")).hasToString("[1,3,384,384]");
    }

    /** Whisper runs on audio features, named as such when a shape of the wrong rank is refused. */
    @Test
    void audioModelsTakeInputFeatures() throws IOException {
        JsonNode input = json(CliRun.of("openai/whisper-small", "--compute", "-f", "json")).at("/compute/input");
        assertThat(input.get("kind").asText()).isEqualTo("audio");
        assertThat(input.get("shape")).hasToString("[1,80,3000]");
        CliRun rank = CliRun.of("openai/whisper-small", "--compute", "--input-size", "1,80");
        assertThat(rank.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(rank.err()).hasLineCount(1).contains("audio features (N, mel bins, frames)");
    }

    /** A batch of 8 costs 8 times one image; the batch is the first dimension of every call. */
    @Test
    void inputSizeAndBatchScale() throws IOException {
        JsonNode one = json(CliRun.of("resnet18", "--compute", "--input-size", "1,3,320,320", "-f", "json"))
                .get("compute");
        JsonNode eight = json(CliRun.of("resnet18", "--compute", "--input-size", "8,3,320,320", "-f", "json"))
                .get("compute");
        JsonNode batch = json(CliRun.of("resnet18", "--compute", "--batch", "8", "-f", "json")).get("compute");
        assertThat(eight.get("flops").asLong()).isEqualTo(8 * one.get("flops").asLong());
        assertThat(eight.at("/modules/0/out")).hasToString("[[8,1000]]");
        assertThat(batch.at("/input/shape")).hasToString("[8,3,224,224]");
        assertThat(batch.get("flops").asLong()).isEqualTo(8 * golden("tv-resnet18.json").get("flops").asLong());
    }

    /** torchinfo's layout: the header, rows down to --depth only, numbers whole, nothing past 120 columns. */
    @Test
    void textTableFitsAndStopsAtDepth() {
        CliRun run = CliRun.of("vit_b_16", "--compute", "--depth", "2", "-f", "text");
        assertThat(run.exitCode()).as(run.err()).isZero();
        String table = run.out().substring(run.out().indexOf("\nCompute: "), run.out().lastIndexOf("\n\n", run.out().indexOf("#  Name")));
        assertThat(table).contains("Layer (type:depth-idx)", "Input Shape", "Output Shape", "Param #", "FLOPs",
                "├─Conv2d: 1-1", "│    └─Sequential: 2-2", "Total MACs: ");
        assertThat(table).doesNotContain("3-1", "EncoderBlock");
        assertThat(table.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
        CliRun deeper = CliRun.of("vit_b_16", "--compute", "--depth", "4", "-f", "text");
        assertThat(totals(deeper.out())).isEqualTo(totals(run.out()));
        assertThat(deeper.out().lines().count()).isGreaterThan(run.out().lines().count());
    }

    private static String totals(String out) {
        return out.substring(out.indexOf("Total params: "));
    }

    /** The published page is byte-for-byte the same; --compute adds its sections after it. */
    @Test
    void markdownKeepsThePublishedPage() {
        String page = CliRun.of("resnet18").out();
        CliRun run = CliRun.of("resnet18", "--compute", "--depth", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith(page);
        assertThat(run.out().substring(page.length())).contains("**Compute**", "| FLOPs | 3628146688 |",
                "| layer4 | Sequential | [1, 256, 14, 14] | [1, 512, 7, 7] |").doesNotContain("layer4.0");
    }

    /** A transformers config runs on token ids; --seq-len and --batch shape them. */
    @Test
    void textModelsTakeBatchAndSequenceLength() throws IOException {
        JsonNode truth = golden("hf-llama-2-LlamaForCausalLM--b1-s16.json");
        Path config = configFile(truth);
        JsonNode compute = json(CliRun.of(config.toString(), "--compute", "--seq-len", "16", "-f", "json"))
                .get("compute");
        assertThat(compute.get("flops").asLong()).isEqualTo(truth.get("flops").asLong());
        assertThat(compute.at("/input/kind").asText()).isEqualTo("text");
        assertThat(compute.at("/input/bytes").asLong()).isEqualTo(16 * 8); // int64 token ids
        JsonNode byDefault = json(CliRun.of(config.toString(), "--compute", "-f", "json")).get("compute");
        assertThat(byDefault.at("/input/shape")).hasToString("[1,128]");
    }

    private Path configFile(JsonNode truth) throws IOException {
        ObjectNode config = truth.get("args").deepCopy();
        config.put("model_type", "llama");
        config.putArray("architectures").add(truth.get("builder").asText());
        Path dir = Files.createDirectories(tmp.resolve("tiny-llama"));
        return Files.write(dir.resolve("config.json"), MAPPER.writeValueAsBytes(config));
    }

    /** A Hugging Face folder: the listing from the weights, the forward pass from config.json beside them. */
    @Test
    void weightFolderUsesItsConfig() throws IOException {
        JsonNode truth = golden("hf-llama-2-LlamaForCausalLM--b1-s16.json");
        Path config = configFile(truth);
        JsonNode listing = json(CliRun.of(config.toString(), "-f", "json"));
        writeSafetensors(config.resolveSibling("model.safetensors"), listing.get("tensors"), 0);
        CliRun run = CliRun.of(config.getParent().toString(), "--compute", "--seq-len", "16", "-f", "json");
        JsonNode report = json(run);
        assertThat(report.get("format").asText()).isEqualTo("safetensors");
        assertThat(report.at("/compute/flops").asLong()).isEqualTo(truth.get("flops").asLong());
        assertThat(run.err()).isEmpty();

        // weights that do not match the config: computed from the config, with a warning saying so
        writeSafetensors(config.resolveSibling("model.safetensors"), listing.get("tensors"), 1);
        CliRun mismatched = CliRun.of(config.resolveSibling("model.safetensors").toString(), "--compute", "-f",
                "json");
        assertThat(mismatched.exitCode()).as(mismatched.err()).isZero();
        assertThat(mismatched.err()).contains("compute follows config.json").hasLineCount(1);
    }

    /** A safetensors header listing {@code tensors} (float32), the last {@code drop} left out, data zeros. */
    private static void writeSafetensors(Path file, JsonNode tensors, int drop) throws IOException {
        ObjectNode header = MAPPER.createObjectNode();
        long offset = 0;
        for (int i = 0; i < tensors.size() - drop; i++) {
            JsonNode t = tensors.get(i);
            if (t.hasNonNull("aliasOf") || !"parameter".equals(t.get("role").asText())) {
                continue;
            }
            long n = 1;
            for (JsonNode d : t.get("shape")) {
                n *= d.asLong();
            }
            ObjectNode entry = header.putObject(t.get("name").asText());
            entry.put("dtype", "F32");
            entry.set("shape", t.get("shape"));
            entry.putArray("data_offsets").add(offset).add(offset + 4 * n);
            offset += 4 * n;
        }
        byte[] json = MAPPER.writeValueAsBytes(header);
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
        try (var out = Files.newOutputStream(file)) {
            out.write(prefix.array());
            out.write(json);
            out.write(new byte[(int) offset]);
        }
    }

    @Test
    void refusalsAreOneLine() throws IOException {
        CliRun channels = CliRun.of("resnet18", "--compute", "--input-size", "1,4,224,224");
        assertThat(channels.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(channels.err()).hasLineCount(1).contains("conv1").contains("4 channels");
        assertThat(channels.out()).isEmpty();

        CliRun rank = CliRun.of("resnet18", "--compute", "--input-size", "1,3,224");
        assertThat(rank.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(rank.err()).hasLineCount(1).contains("(N, C, H, W)");

        CliRun seqLen = CliRun.of("resnet18", "--compute", "--seq-len", "64");
        assertThat(seqLen.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(seqLen.err()).hasLineCount(1);

        CliRun withoutCompute = CliRun.of("resnet18", "--batch", "2");
        assertThat(withoutCompute.exitCode()).isEqualTo(ExitCode.USAGE);

        CliRun zero = CliRun.of("resnet18", "--compute", "--batch", "0");
        assertThat(zero.exitCode()).isEqualTo(ExitCode.USAGE);

        CliRun tooSmall = CliRun.of("alexnet", "--compute", "--input-size", "1,3,16,16");
        assertThat(tooSmall.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(tooSmall.err()).hasLineCount(1).contains("features");

        CliRun overflow = CliRun.of("resnet18", "--compute", "--input-size", "2147483648,3,2147483648,2147483648");
        assertThat(overflow.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(overflow.err()).hasLineCount(1).doesNotContain("Exception");

        Path file = Files.write(tmp.resolve("w.npy"), Resources.bytes("fixtures/numpy/bool_3d.npy"));
        CliRun weights = CliRun.of(file.toString(), "--compute");
        assertThat(weights.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(weights.err()).hasLineCount(1).contains("has no forward pass");
    }
}
