package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@code --memory} and {@code --fits} through the real command line: the figures against independent sums, the
 * largest batch and sequence length checked by running the tool again at them and one past them, and the
 * refusals with their exit codes.
 */
class MemoryCliTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode memory(String... args) throws IOException {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return MAPPER.readTree(run.out()).get("memory");
    }

    @Test
    void llama2WeightsAndAccelerateRowsAreTheIssuesFigures() throws IOException {
        JsonNode m = memory("meta-llama/Llama-2-7b-hf", "--memory", "-f", "json");
        long parameters = 6_738_415_616L;
        assertThat(m.at("/weights/parameters").asLong()).isEqualTo(parameters);
        assertThat(m.at("/weights/float16Bytes").asLong()).isEqualTo(13_476_831_232L);
        assertThat(m.at("/weights/int4Bytes").asLong()).isEqualTo(parameters / 2);
        JsonNode fp16 = m.at("/accelerate/rows/1");
        assertThat(fp16.get("dtype").asText()).isEqualTo("float16");
        assertThat(fp16.get("totalBytes").asLong()).isEqualTo(13_476_831_232L);
        assertThat(fp16.get("largestLayerBytes").asLong()).isEqualTo(404_766_720L);
        assertThat(m.at("/accelerate/largestLayerNames/0").asText()).isEqualTo("model.layers.0");
        assertThat(m.at("/accelerate/largestLayerNames")).hasSize(32);
        // float32 training: accelerate's step, 4x the float32 bytes; int8 has none
        assertThat(m.at("/accelerate/rows/0/trainingBytes").asLong()).isEqualTo(16 * parameters);
        assertThat(m.at("/accelerate/rows/2/trainingBytes").isNull()).isTrue();
        // inference = weights + activations (in the row's element size) + KV cache
        JsonNode fp32 = m.at("/inference/rows/1");
        assertThat(fp32.get("totalBytes").asLong()).isEqualTo(4 * parameters
                + 4 * m.at("/inference/activations").asLong() + fp32.get("kvCache").asLong());
    }

    @Test
    void theActivationsAreTheComputeSectionsAtTheSameInput() throws IOException {
        CliRun run = CliRun.of("bert-base-uncased", "--memory", "--compute", "--batch", "3", "--seq-len", "77",
                "-f", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = MAPPER.readTree(run.out());
        assertThat(json.at("/memory/inference/activations").asLong())
                .isEqualTo(json.at("/compute/activations").asLong());
        assertThat(json.at("/memory/inference/input/shape").toString()).isEqualTo("[3,77]");
    }

    /** Each row's largest batch fits and one more does not, by the tool's own needed bytes at those inputs. */
    @Test
    void theLargestBatchAndSequenceLengthFitAndOneMoreDoesNot() throws IOException {
        String budget = "3GiB";
        long bytes = 3L << 30;
        JsonNode fits = memory("gpt2", "--fits", budget, "--seq-len", "256", "--batch", "2", "-f", "json")
                .get("fits");
        assertThat(fits.get("budgetBytes").asLong()).isEqualTo(bytes);
        for (int row : new int[] {1, 2, 5, 6}) { // inference float32, float16; AdamW float32 and mixed
            JsonNode r = fits.get("rows").get(row);
            long maxBatch = r.get("maxBatch").asLong();
            assertThat(maxBatch).as(r.toString()).isPositive();
            assertThat(needed(row, "--seq-len", "256", "--batch", Long.toString(maxBatch))).isLessThanOrEqualTo(bytes);
            assertThat(needed(row, "--seq-len", "256", "--batch", Long.toString(maxBatch + 1))).isGreaterThan(bytes);
            long maxSeq = r.get("maxSeqLen").asLong();
            if (r.get("seqLenLimitedByModel").asBoolean()) {
                assertThat(maxSeq).isEqualTo(1024); // GPT-2's position table
                assertThat(CliRun.of("gpt2", "--memory", "--batch", "2", "--seq-len", "1025").exitCode())
                        .isEqualTo(3);
            } else {
                assertThat(needed(row, "--batch", "2", "--seq-len", Long.toString(maxSeq))).isLessThanOrEqualTo(bytes);
                assertThat(needed(row, "--batch", "2", "--seq-len", Long.toString(maxSeq + 1))).isGreaterThan(bytes);
            }
        }
    }

    private static long needed(int row, String... input) throws IOException {
        String[] args = new String[input.length + 5];
        args[0] = "gpt2";
        System.arraycopy(input, 0, args, 1, input.length);
        args[input.length + 1] = "--fits";
        args[input.length + 2] = "1TiB";
        args[input.length + 3] = "-f";
        args[input.length + 4] = "json";
        return memory(args).at("/fits/rows/" + row + "/neededBytes").asLong();
    }

    @Test
    void anImageModelHasABatchButNoSequenceLengthAndNoCache() throws IOException {
        JsonNode m = memory("resnet18", "--fits", "1GiB", "-f", "json");
        assertThat(m.at("/inference/kvCache").isNull()).isTrue();
        JsonNode row = m.at("/fits/rows/1");
        assertThat(row.get("maxBatch").asLong()).isPositive();
        assertThat(row.get("maxSeqLen").isNull()).isTrue();
    }

    /** A GGUF file: its own mix of block types as stored, leaves of its name tree as accelerate's layers. */
    @Test
    void aWeightFileHasWeightsAndAccelerateRowsButNoForwardPass() throws IOException {
        CliRun run = CliRun.of(dev.modelsummary.testutil.Resources.path("fixtures/gguf/tiny_llama.gguf").toString(),
                "--memory", "-f", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = MAPPER.readTree(run.out());
        JsonNode m = json.get("memory");
        assertThat(m.at("/inference/input").isNull()).isTrue();
        assertThat(m.at("/accelerate/convention").asText()).contains("tensor names");
        assertThat(m.at("/inference/rows/1/totalBytes").asLong()).isEqualTo(m.at("/weights/float32Bytes").asLong());
        long sum = 0;
        long parameters = 0;
        long largestLeaf = 0;
        java.util.Map<String, Long> leaves = new java.util.HashMap<>();
        for (JsonNode d : json.get("dtypes")) {
            sum += d.get("bytes").asLong(); // this file has no buffers
        }
        for (JsonNode t : json.get("tensors")) {
            long numel = t.get("count").asLong();
            parameters += numel;
            String name = t.get("name").asText();
            String module = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
            leaves.merge(module, 4 * numel, Long::sum); // float32 bytes; its one int32 tensor is 4 B too
        }
        for (long size : leaves.values()) {
            largestLeaf = Math.max(largestLeaf, size);
        }
        assertThat(m.at("/weights/storedBytes").asLong()).isEqualTo(sum);
        assertThat(m.at("/weights/parameters").asLong()).isEqualTo(parameters);
        assertThat(m.at("/weights/storedByDtype").toString()).contains("\"dtype\":\"q4_k\"", "\"dtype\":\"q6_k\"");
        // every name is module.weight here: the largest layer is the largest module, in float32 bytes
        assertThat(m.at("/accelerate/rows/0/largestLayerBytes").asLong()).isEqualTo(largestLeaf);
    }

    @Test
    void refusalsExitWithTheDocumentedCodes() {
        for (String[] args : new String[][] {
                {"gpt2", "--fits", "24 GiBs"}, {"gpt2", "--fits", "0"}, {"gpt2", "--fits", "99999EiB"},
                {"gpt2", "--memory", "--batch", "0"}, {"gpt2", "--memory", "--seq-len", "-5"},
                {"gpt2", "--memory", "--batch", "99999999999999999999"}, {"gpt2", "--batch", "2"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCode.USAGE);
            assertThat(run.err().lines()).as(run.err()).hasSize(1);
        }
        CliRun overflow = CliRun.of("meta-llama/Llama-2-7b-hf", "--memory", "--batch", "2147483648", "--seq-len",
                "2147483648", "-f", "json");
        assertThat(overflow.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(overflow.err()).contains("2^63-1").hasLineCount(1);
        assertThat(overflow.out()).isEmpty();
    }

    @Test
    void textAndMarkdownShowOneTableOfUsesAndAcceleratesTable() {
        CliRun text = CliRun.of("gpt2", "--memory", "-f", "text");
        assertThat(text.out()).contains("inference", "training AdamW", "Largest layer: transformer.wte",
                "no-split: GPT2Block", "Training using Adam");
        CliRun md = CliRun.of("gpt2", "--memory");
        assertThat(md.out()).contains("**Memory**", "| Use | Precision | Weights |", "**accelerate estimate-memory**");
        // the published page comes first, unchanged
        assertThat(md.out()).startsWith(CliRun.of("gpt2").out());
    }
}
