package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face models on the command line: Hub ids as built-ins, config.json files, overrides and refusals. */
class HfCliTest {
    /** transformers' published count for Llama-2-7b (hf-configs README), tied weights once. */
    private static final long LLAMA2_7B = 6_738_415_616L;
    private static final String TINY_BERT = "{\"model_type\": \"bert\", \"architectures\": [\"BertForMaskedLM\"], "
            + "\"hidden_size\": 8, \"num_attention_heads\": 2, \"num_hidden_layers\": 2, \"intermediate_size\": 16, "
            + "\"vocab_size\": 50, \"max_position_embeddings\": 32}";

    @TempDir
    Path tmp;

    @Test
    void aHubIdIsABuiltInLoadedInItsPublishedDtype() throws IOException {
        CliRun run = CliRun.of("meta-llama/Llama-2-7b-hf", "-f", "json");

        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.at("/name").asText()).isEqualTo("meta-llama-Llama-2-7b-hf");
        assertThat(json.at("/parameters/count").asLong()).isEqualTo(LLAMA2_7B);
        assertThat(json.at("/parameters/bytes").asLong()).isEqualTo(2 * LLAMA2_7B); // float16, as published
        assertThat(json.at("/dtypes/0/dtype").asText()).isEqualTo("float16");
    }

    @Test
    void torchDtypeAndArchitectureAreArguments() throws IOException {
        CliRun run = CliRun.of("meta-llama/Llama-2-7b-hf", "--arg", "torch_dtype=float32", "--arg",
                "architecture=LlamaModel", "-f", "json");

        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.at("/dtypes/0/dtype").asText()).isEqualTo("float32");
        // LlamaModel has no lm_head: vocab_size x hidden_size fewer parameters
        assertThat(json.at("/parameters/count").asLong()).isEqualTo(LLAMA2_7B - 32000L * 4096L);
    }

    @Test
    void aConfigFileAndItsFolderAreModelsNamedByTheFolder() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("tiny-bert"));
        Path config = Files.writeString(folder.resolve("config.json"), TINY_BERT);

        CliRun byFile = CliRun.of(config.toString(), "-f", "json");
        CliRun byFolder = CliRun.of(folder.toString(), "-f", "json");

        assertThat(byFile.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(byFile.out());
        assertThat(json.at("/name").asText()).isEqualTo("tiny-bert");
        assertThat(json.at("/format").asText()).isEqualTo("config");
        // BertForMaskedLM: the decoder is tied to the word embeddings, listed as an alias
        assertThat(byFile.out()).contains("\"aliasOf\": \"bert.embeddings.word_embeddings.weight\"");
        assertThat(byFolder.out()).isEqualTo(byFile.out().replace(config.toString(), config.toString()));
    }

    @Test
    void argOverridesAConfigKey() throws IOException {
        Path config = Files.writeString(tmp.resolve("config.json"), TINY_BERT);

        JsonNode two = new ObjectMapper().readTree(CliRun.of(config.toString(), "-f", "json").out());
        JsonNode four = new ObjectMapper().readTree(CliRun.of(config.toString(), "--arg", "num_hidden_layers=4",
                "-f", "json").out());

        // each BertLayer: q, k, v, attention output dense, intermediate, output dense (6 Linear) + 2 LayerNorms
        long layer = 4 * (8 * 8 + 8) + (8 * 16 + 16) + (16 * 8 + 8) + 2 * 16;
        assertThat(four.at("/parameters/count").asLong() - two.at("/parameters/count").asLong())
                .isEqualTo(2 * layer);
    }

    @Test
    void valuesRefusedFromArgAreUsageErrorsAndFromTheFileInputErrors() throws IOException {
        Path config = Files.writeString(tmp.resolve("config.json"), TINY_BERT);
        Path other = Files.writeString(tmp.resolve("other.json"), "{\"model_type\": \"no_such_family\"}");
        Path badHeads = Files.createDirectories(tmp.resolve("bad")).resolve("config.json");
        Files.writeString(badHeads, TINY_BERT.replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3"));

        CliRun heads = CliRun.of(config.toString(), "--arg", "num_attention_heads=3");
        CliRun headsInFile = CliRun.of(badHeads.toString());
        CliRun headsInFileWithArg = CliRun.of(badHeads.toString(), "--arg", "num_hidden_layers=1");
        CliRun family = CliRun.of(other.toString());
        CliRun architecture = CliRun.of("bert-base-uncased", "--arg", "architecture=GPT2Model");

        assertThat(headsInFile.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(headsInFile.err()).isEqualTo("model-summary: " + badHeads + ": The hidden size (8) is not a "
                + "multiple of the number of attention heads (3)\n");
        // the file fails on its own: still the input's fault, whatever --arg adds
        assertThat(headsInFileWithArg.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(heads.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(heads.err()).isEqualTo("model-summary: " + config + ": The hidden size (8) is not a multiple of "
                + "the number of attention heads (3)\n");
        assertThat(family.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(family.err()).startsWith("model-summary: " + other + ": model_type 'no_such_family' is not "
                + "supported; supported: ").contains("bert", "llama", "t5");
        assertThat(architecture.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(architecture.err()).startsWith("model-summary: bert-base-uncased: architecture 'GPT2Model' is "
                + "not a bert model class");
    }

    @Test
    void aConfigThatWouldBuildForeverOrOverflowIsRefusedQuickly() throws IOException {
        Path config = Files.writeString(tmp.resolve("config.json"), TINY_BERT);

        CliRun layers = CliRun.of(config.toString(), "--arg", "num_hidden_layers=1000000000");
        CliRun overflow = CliRun.of(config.toString(), "--arg", "vocab_size=1000000000000000000", "--arg",
                "hidden_size=1000000000000", "--arg", "num_attention_heads=1");

        assertThat(layers.exitCode()).isEqualTo(ExitCode.USAGE); // the values came from --arg
        assertThat(layers.err()).isEqualTo("model-summary: " + config + ": Config makes a model too large to list: "
                + "the model would register more than 1000000 modules and tensors (check num_hidden_layers and the "
                + "like).\n");
        assertThat(overflow.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(overflow.err()).isEqualTo("model-summary: " + config + ": Config makes a size, or a model, of "
                + "more than 2^63 - 1 elements or bytes.\n");
    }

    @Test
    void listGroupsBySourceAndTask() {
        CliRun run = CliRun.of("--list");

        assertThat(run.out()).contains("torchvision: Image classification (", "transformers: ", "timm: ",
                "  meta-llama/Llama-2-7b-hf ", "  timm/efficientnet_b0 ");
    }
}
