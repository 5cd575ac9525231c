package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.Limits;
import dev.modelsummary.source.ModelLoader;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
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
        for (Object command : List.of(new ModelSummaryCommand(ModelLoader.standard()),
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
        Limits.DEFAULT.byName().forEach((name, value) -> assertThat(run.out())
                .containsPattern("\n  " + name + " +" + String.format(Locale.ROOT, "%,d", value) + "(  \\(.*\\))?\n"));
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

    @Test
    void completionRefusesAnUnknownShell() {
        CliRun run = CliRun.of("--completion", "fish");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--completion").contains("fish");
    }
}
