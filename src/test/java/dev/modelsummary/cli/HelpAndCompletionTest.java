package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelsummary.format.Limit;
import dev.modelsummary.source.ModelLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code --help} fits 80 columns without splitting an example; {@code --completion} prints a working script. */
class HelpAndCompletionTest {

    private static final String[] FOOTER = ModelSummaryCommand.class.getAnnotation(CommandLine.Command.class)
            .footer();

    @Test
    void helpWithoutATerminalFitsEightyColumns() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).isNotEmpty().allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void helpPrintsEveryExampleAndExitCodeLineWhole() {
        List<String> lines = CliRun.of("--help").out().lines().toList();

        assertThat(FOOTER).anyMatch(line -> line.startsWith("  model-summary "));
        assertThat(lines).containsSubsequence(Arrays.stream(FOOTER).filter(line -> !line.isEmpty()).toList());
    }

    @ParameterizedTest
    @ValueSource(ints = {55, 60, 72})
    void footerIsNotWrappedAtNarrowTerminalWidths(int width) {
        for (Object command : List.of(new ModelSummaryCommand(ModelLoader.standard(), new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter())),
                new DiffCommand(ModelLoader.standard()))) {
            String[] footer = command.getClass().getAnnotation(CommandLine.Command.class).footer();
            CommandLine cli = new CommandLine(command).setUsageHelpAutoWidth(false).setUsageHelpWidth(width);

            List<String> lines = cli.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();

            assertThat(lines).containsSubsequence(Arrays.stream(footer).filter(line -> !line.isEmpty()).toList());
            assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
        }
    }

    @Test
    void helpLeavesTheReaderLimitsToHelpLimits() {
        String help = CliRun.of("--help").out();

        // the 28 names and defaults took 14 lines of --help at 80 columns
        assertThat(help).contains("--help-limits").doesNotContain("pickle-values", "safetensors-header-bytes");
    }

    @Test
    void helpLimitsListsEveryLimitWithItsDefaultAndHowToRaiseIt() {
        CliRun run = CliRun.of("--help-limits");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("--limit NAME=N").containsPattern("\n  tensors +1,000,000\n")
                .containsPattern("\n  safetensors-header-bytes +100,000,000  \\(95.37 MiB\\)\n");
        for (Limit limit : Limit.values()) {
            assertThat(run.out()).contains("\n  " + limit.optionName() + " ").containsPattern("\n  "
                    + limit.optionName() + " +" + String.format(Locale.ROOT, "%,d", limit.defaultValue())
                    + "(  \\(.*\\))?\n      " + Pattern.quote(limit.help()) + "\n");
        }
        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"diff", "site"})
    void subcommandHelpOffersNoOptionTheSubcommandLacks(String subcommand) {
        String help = CliRun.of(subcommand, "--help").out();

        // --list is the top command's: a subcommand's help may point to it only by its full name
        assertThat(help.replace("model-summary --list", "")).doesNotContain("--list");
        assertThat(help).containsPattern("-v, --verbose +With an error: its stack trace\\.\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bash", "zsh", "BASH"})
    void completionScriptNamesTheCommandAndItsOptions(String shell) {
        CliRun run = CliRun.of("--completion", shell);

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("#!/usr/bin/env bash")
                .contains("complete -F _complete_model-summary", "bashcompinit",
                        "--format", "--out", "--list", "--limit", "--strict", "--key", "--completion", "--help");
    }

    /**
     * The script run by bash as a shell runs it on TAB: MODEL completes to built-in names and to files and
     * folders, {@code --out} to files, {@code --list} to names.
     */
    @Test
    void completionCompletesBuiltinNamesAndFilesUnderBash(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        Files.writeString(dir.resolve("completion.bash"), CliRun.of("--completion", "bash").out());
        Files.createFile(dir.resolve("model.safetensors"));
        Files.createDirectory(dir.resolve("models"));

        assertThat(complete(dir, "model-summary", "resnet1")).containsExactlyInAnyOrder("resnet101", "resnet152",
                "resnet18");
        assertThat(complete(dir, "model-summary", "mod")).containsExactlyInAnyOrder("model.safetensors", "models");
        assertThat(complete(dir, "model-summary", "meta-llama/Llama-2")).containsExactly("meta-llama/Llama-2-7b-hf");
        assertThat(complete(dir, "model-summary", "-f", "text", "mode")).contains("model.safetensors");
        assertThat(complete(dir, "model-summary", "--out", "mo")).containsExactlyInAnyOrder("model.safetensors",
                "models");
        assertThat(complete(dir, "model-summary", "--list", "vit_b")).containsExactlyInAnyOrder("vit_b_16",
                "vit_b_32");
        assertThat(complete(dir, "model-summary", "diff", "resnet50", "mod")).contains("model.safetensors");
        assertThat(complete(dir, "model-summary", "site", "--out", "docs", "vit_l_1")).containsExactly("vit_l_16");
        assertThat(complete(dir, "model-summary", "--form")).containsExactly("--format");
    }

    /** What {@code _complete_model-summary} puts in COMPREPLY for these words, the cursor after the last. */
    private static List<String> complete(Path dir, String... words) throws Exception {
        String quoted = Arrays.stream(words).map(w -> "'" + w + "'").collect(Collectors.joining(" "));
        String script = "source ./completion.bash; COMP_WORDS=(" + quoted + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _complete_model-summary 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process bash = new ProcessBuilder("/bin/bash", "--norc", "--noprofile", "-c", script).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).isZero();
        return out.lines().filter(line -> !line.isEmpty()).collect(Collectors.toList());
    }

    @Test
    void completionRefusesAnUnknownShell() {
        CliRun run = CliRun.of("--completion", "fish");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--completion").contains("fish");
    }
}
