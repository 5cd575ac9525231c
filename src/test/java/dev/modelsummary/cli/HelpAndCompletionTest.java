package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.source.ModelLoader;
import java.util.Arrays;
import java.util.List;
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
        CliRun.of("--version"); // sets the system property the usage text reads
        for (Object command : List.of(new ModelSummaryCommand(ModelLoader.standard()),
                new DiffCommand(ModelLoader.standard()))) {
            String[] footer = command.getClass().getAnnotation(CommandLine.Command.class).footer();
            CommandLine cli = new CommandLine(command).setUsageHelpAutoWidth(false).setUsageHelpWidth(width);

            List<String> lines = cli.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();

            assertThat(lines).containsSubsequence(Arrays.stream(footer).filter(line -> !line.isEmpty()).toList());
            assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
        }
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
