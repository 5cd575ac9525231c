package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's "names that resolve, typos caught, one exit-code rule": Hub ids that are not bundled, near
 * built-ins, mistyped options and {@code --arg} keys, and the exit code decided by where a refused value came
 * from (the command line: 2; a file: 3).
 */
class NamesAndTyposCliTest {
    private static final String TIMM = Resources.path("fixtures/checkpoint/timm.pth").toString();

    @Test
    void aHubIdThatIsNotBundledIsAnUnknownNameWithTheBundledOneAndItsHfReference() {
        CliRun llama = CliRun.of("meta-llama/Llama-2-7b");
        CliRun gpt2 = CliRun.of("openai-community/gpt2");
        CliRun timm = CliRun.of("timm/efficientnet_b7");

        assertThat(llama.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(llama.out()).isEmpty();
        assertThat(llama.err()).isEqualTo("model-summary: unknown model 'meta-llama/Llama-2-7b': not a built-in "
                + "architecture nor an existing file. Did you mean: meta-llama/Llama-2-7b-hf? To read the Hugging "
                + "Face Hub repository, give hf://meta-llama/Llama-2-7b.\n");
        assertThat(gpt2.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(gpt2.err()).contains("Did you mean: gpt2, ").contains("give hf://openai-community/gpt2.");
        assertThat(timm.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(timm.err()).contains("Did you mean: efficientnet_b7, ")
                .contains("give hf://timm/efficientnet_b7.");
    }

    @Test
    void aNameMissingASuffixOffersTheNamesThatExtendIt() {
        CliRun run = CliRun.of("bert-base");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("model-summary: unknown model 'bert-base': not a built-in architecture nor "
                + "an existing file. Did you mean: bert-base-cased, bert-base-uncased")
                .doesNotContain("hf://");
    }

    @Test
    void aMissingPathIsStillAMissingFile() {
        CliRun withExtension = CliRun.of("no-such-dir/model.safetensors");
        CliRun deeper = CliRun.of("no/such/dir");
        CliRun inAFolder = CliRun.of("src/no-such-model"); // ORG is a folder here: a path, not a Hub id

        assertThat(withExtension.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(withExtension.err()).isEqualTo("model-summary: no-such-dir/model.safetensors: No such file or "
                + "directory.\n");
        assertThat(deeper.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(inAFolder.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(inAFolder.err()).isEqualTo("model-summary: src/no-such-model: No such file or directory.\n");
    }

    @Test
    void anArgKeyTheConfigDoesNotDefineIsWarnedWithTheNearestKey() {
        CliRun dtype = CliRun.of("gpt2", "--arg", "torch_dtyp=float32", "-f", "json");
        CliRun layers = CliRun.of("gpt2", "--arg", "num_hidden_layer=2", "-f", "json");
        CliRun known = CliRun.of("gpt2", "--arg", "n_layer=2", "--arg", "bos_token_id=1", "--arg",
                "scale_attn_weights=false", "-f", "json");
        CliRun rope = CliRun.of("meta-llama/Llama-2-7b-hf", "--arg", "rope_thet=10000", "-f", "json");

        assertThat(dtype.exitCode()).isZero();
        assertThat(dtype.err()).isEqualTo("model-summary: warning: gpt2: --arg 'torch_dtyp' is not a key of the "
                + "gpt2 config, so it changes nothing; did you mean 'torch_dtype'?\n");
        assertThat(layers.exitCode()).isZero();
        assertThat(layers.err()).isEqualTo("model-summary: warning: gpt2: --arg 'num_hidden_layer' is not a key of "
                + "the gpt2 config, so it changes nothing; did you mean 'num_hidden_layers'?\n");
        assertThat(known.exitCode()).isZero();
        assertThat(known.err()).isEmpty();
        // a key of LlamaConfig that sizes no tensor is still a key it defines: the nearest to a typo
        assertThat(rope.err()).isEqualTo("model-summary: warning: meta-llama/Llama-2-7b-hf: --arg 'rope_thet' is "
                + "not a key of the llama config, so it changes nothing; did you mean 'rope_theta'?\n");
    }

    @Test
    void aNegativeLayerCountBuildsAsTheLibraryBuildsItWithAWarning() {
        // GPT2Config(n_layer=-1) + GPT2LMHeadModel in transformers 4.57.6: no block, no error
        CliRun run = CliRun.of("gpt2", "--arg", "n_layer=-1", "-f", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).doesNotContain("transformer.h.0.");
        assertThat(run.err()).isEqualTo("model-summary: warning: gpt2: --arg 'n_layer'=-1 is negative: "
                + "transformers builds it without an error, as here, but a negative count makes nothing "
                + "(range(-1) is empty): the model is degenerate\n");
    }

    @Test
    void valuesRefusedFromTheCommandLineAreUsageErrors() {
        CliRun dtype = CliRun.of("gpt2", "--arg", "torch_dtype=int8");
        CliRun architecture = CliRun.of("gpt2", "--arg", "architecture=Foo");
        CliRun negativeSize = CliRun.of("gpt2", "--arg", "n_embd=-1", "--arg", "n_head=1");
        CliRun wrongType = CliRun.of("gpt2", "--arg", "n_layer=two");
        CliRun key = CliRun.of(TIMM, "--key", "ema");

        assertThat(dtype.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(dtype.err()).isEqualTo("model-summary: gpt2: dtype 'int8' is not one of float32, float16, "
                + "bfloat16, float64.\n");
        assertThat(architecture.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(architecture.err()).startsWith("model-summary: gpt2: architecture 'Foo' is not a gpt2 model "
                + "class");
        // torch: "Trying to create tensor with negative dimension -1: [50257, -1]"
        assertThat(negativeSize.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(negativeSize.err()).isEqualTo("model-summary: gpt2: negative dimension -1 in [50257, -1].\n");
        assertThat(wrongType.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(key.exitCode()).isEqualTo(ExitCode.USAGE);
        for (CliRun run : new CliRun[] {dtype, architecture, negativeSize, wrongType, key}) {
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).hasLineCount(1);
        }
    }

    @Test
    void aConfigNamingAClassNotBuiltIsRefusedUnlessArgNamesOne(@TempDir Path tmp) throws IOException {
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"bert\", \"architectures\": "
                + "[\"BertFoo\"], \"hidden_size\": 8, \"num_attention_heads\": 2, \"num_hidden_layers\": 1, "
                + "\"intermediate_size\": 16, \"vocab_size\": 50, \"max_position_embeddings\": 32}");

        CliRun own = CliRun.of(config.toString());
        CliRun chosen = CliRun.of(config.toString(), "--arg", "architecture=BertModel", "-f", "json");

        // the file's value: input, exit 3; the message's advice works
        assertThat(own.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(own.err()).startsWith("model-summary: " + config + ": Config names architecture 'BertFoo', "
                + "which is not a bert model class model-summary builds; pass --arg architecture=CLASS");
        assertThat(chosen.exitCode()).isZero();
        assertThat(chosen.out()).contains("\"embeddings.word_embeddings.weight\"");
    }

    @Test
    void aMistypedOptionGetsTheNearestOption() {
        CliRun depth = CliRun.of("--depht", "2", "resnet18");
        CliRun format = CliRun.of("resnet18", "--fromat", "json");
        CliRun far = CliRun.of("resnet18", "--qwertyuiop");
        CliRun diff = CliRun.of("diff", "resnet18", "resnet34", "--formt", "json");

        assertThat(depth.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(depth.err()).hasLineCount(1).contains("'--depht'").contains("; did you mean --depth? See "
                + "'model-summary --help'.");
        assertThat(format.err()).contains("did you mean --format?");
        assertThat(far.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(far.err()).doesNotContain("did you mean");
        assertThat(diff.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(diff.err()).contains("did you mean --format?").contains("See 'model-summary diff --help'.");
    }

    @Test
    void depthWithoutFormatSaysWhatToAdd() {
        CliRun run = CliRun.of("resnet18", "--depth", "2");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: --depth needs -f text or -f json (add -f text), or "
                + "--compute: the md page is the published one and has no module table.\n");
    }

    @Test
    void helpStatesTheExitCodeRule() {
        CliRun run = CliRun.of("--help");

        assertThat(run.out()).contains("  2  the command line's fault: an option, an --arg\n"
                + "     or --key value, an unknown model name")
                .contains("  3  the input's fault: a file or config.json that\n     cannot be read or is refused");
    }
}
