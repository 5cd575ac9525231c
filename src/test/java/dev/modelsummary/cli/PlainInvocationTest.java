package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.source.ModelLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command lines {@link PlainInvocation} runs without picocli: each must be one picocli parses to the same
 * values, and every other one must be left to picocli; and a run must print the same either way.
 */
class PlainInvocationTest {

    private static final String GGUF = "src/test/resources/fixtures/gguf/tiny_llama.gguf";
    private static final String PTH = "src/test/resources/fixtures/pytorch/half.pth";

    static Stream<Arguments> plainCommandLines() {
        return each(new String[][] {
            {"vit_l_16"},
            {PTH},
            {"resnet18", "-f", "json"},
            {"-f", "text", "resnet18"},
            {"resnet18", "--format", "HTML"},
            {"resnet18", "--format=txt"},
            {"resnet18", "--summary"},
            {"--no-tensors", "-f", "markdown", GGUF},
            {"gpt2", "--memory", "-f", "text"},
            {"--compute", "resnet18", "--memory", "--summary", "--include-buffers", "--strict", "--format=json"},
            {"no/such/file.safetensors"},
            {"meta-llama/Llama-2-7b"},
            {"name=with=equals"},
        });
    }

    @ParameterizedTest
    @MethodSource("plainCommandLines")
    void acceptsOnlyWhatPicocliParsesToTheSameValues(String[] args) {
        PlainInvocation plain = PlainInvocation.parse(args).orElseThrow();

        ParseResult parsed = picocli().parseArgs(args);

        assertThat(parsed.subcommand()).isNull();
        assertThat(parsed.matchedPositionals()).hasSize(1);
        assertThat(parsed.matchedPositionalValue(0, (String) null)).isEqualTo(plain.model());
        assertThat(parsed.matchedOptionValue("--format", OutputFormat.MD)).isEqualTo(plain.format());
        for (PlainInvocation.Flag flag : PlainInvocation.Flag.values()) {
            String name = flag.names().iterator().next();
            assertThat(parsed.hasMatchedOption(name)).as(name).isEqualTo(plain.has(flag));
        }
        long options = (parsed.hasMatchedOption("--format") ? 1 : 0) + plain.flags().size();
        assertThat(parsed.matchedOptions()).hasSize((int) options);
    }

    @Test
    void everyFlagIsAnOptionOfTheCommandWithNoValueAndTheSameNames() {
        for (PlainInvocation.Flag flag : PlainInvocation.Flag.values()) {
            OptionSpec option = picocli().getCommandSpec().findOption(flag.names().iterator().next());

            assertThat(option).as(flag.name()).isNotNull();
            assertThat(Set.of(option.names())).as(flag.name()).isEqualTo(flag.names());
            assertThat(option.arity().max()).as(flag.name()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "--help", "-h", "--version --verbose", "diff a b", "site", "diff", "-f json diff",
        "resnet18 resnet50", "resnet18 -f", "resnet18 -f json -f text", "resnet18 -fjson", "resnet18 -f=json",
        "resnet18 -f yaml", "resnet18 -f -x", "resnet18 --summary --summary", "-- resnet18", "@args.txt",
        "resnet18 --compute --compute", "resnet18 --memory --fits 24GiB", "resnet18 --depth 2", "resnet18 -v", "resnet18 --list", "-x", "resnet18 --format", "-f json",
        "resnet18 --arg num_classes=10"})
    void leavesEveryOtherCommandLineToPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");

        assertThat(PlainInvocation.parse(args)).isEqualTo(Optional.empty());
    }

    static Stream<Arguments> runs() {
        return each(new String[][] {
            {"--version"},
            {PTH},
            {PTH, "-f", "text"},
            {GGUF, "--summary", "-f", "json"},
            {"resnet18", "-f", "text", "--no-tensors"},
            {"gpt2", "--memory", "--compute", "-f", "json"},
            {"src/test/resources/fixtures/pickle/os_system.pkl", "--strict"},
            {"resnet18", "--include-buffers", "-f", "text", "--summary"},
            {"src/test/resources/fixtures/safetensors/tiny_model.safetensors", "--memory"},
            {"no/such/file.safetensors"},
            {"src/test/resources/fixtures/gguf/big_endian.gguf", "-f", "json"},
            {"resnt18"},
        });
    }

    /** Each command line as one argument (JUnit would spread an array's items over the parameters). */
    private static Stream<Arguments> each(String[][] commandLines) {
        return Arrays.stream(commandLines).map(args -> Arguments.of((Object) args));
    }

    @ParameterizedTest
    @MethodSource("runs")
    void printsWhatPicocliPrints(String[] args) {
        Run plain = Run.of(args, true);
        Run picocli = Run.of(args, false);

        assertThat(plain).isEqualTo(picocli);
        assertThat(plain.out() + plain.err()).isNotEmpty();
    }

    private static CommandLine picocli() {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        return new CommandLine(new ModelSummaryCommand(ModelLoader.standard(), none, none))
                .addSubcommand("diff", new DiffCommand(ModelLoader.standard()))
                .addSubcommand("site", new SiteCommand(ModelLoader.standard()))
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    private record Run(int exitCode, String out, String err) {
        static Run of(String[] args, boolean plain) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of(), plain);
            return new Run(code, out.toString(), err.toString());
        }
    }
}
