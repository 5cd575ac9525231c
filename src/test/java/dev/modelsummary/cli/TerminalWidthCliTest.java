package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.report.TerminalWidth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code -f text} on a terminal of 80 and 120 columns: every kind of table and line keeps to the width, and every
 * number the piped (unfitted) report shows is still there whole.
 */
class TerminalWidthCliTest {
    private static final String FIXTURES = "src/test/resources/fixtures/";
    /** A number as a person reads it, alone: {@code 6,738,415,616}, {@code 44.59}, {@code 224}; not in a name. */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])\\d+(?:,\\d{3})*(?:\\.\\d+)?(?!\\w)");

    @AfterEach
    void noTerminal() {
        System.clearProperty(TerminalWidth.PROPERTY);
    }

    /** One command per kind of table: tensors, modules, memory, fits, accelerate, compute, checkpoint, diff. */
    static Stream<Arguments> commands() {
        List<String[]> commands = List.of(
                new String[] {"meta-llama/Llama-2-7b-hf", "--memory", "--fits", "24GiB", "--compute", "--depth", "2"},
                new String[] {"resnet18", "--memory", "--compute"},
                new String[] {"vit_l_16", "--depth", "2"},
                new String[] {"t5-small", "--compute", "--depth", "3", "--summary"},
                new String[] {FIXTURES + "checkpoint/training.pth"},
                new String[] {FIXTURES + "pickle/detectron.pkl"},
                new String[] {FIXTURES + "packed/awq_4bit.safetensors"},
                new String[] {FIXTURES + "gguf/all_types_gguf_py.gguf"},
                new String[] {"diff", FIXTURES + "pytorch/checkpoint.pth", FIXTURES + "pytorch/half.pth"});
        List<Arguments> cases = new ArrayList<>();
        for (int width : new int[] {80, 120}) {
            for (String[] command : commands) {
                cases.add(Arguments.of(width, String.join(" ", command)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} columns: {1}")
    @MethodSource("commands")
    void everyLineFitsAndEveryNumberStaysWhole(int width, String command) {
        String[] args = withText(command.split(" "));
        String piped = CliRun.of(args).out();
        System.setProperty(TerminalWidth.PROPERTY, Integer.toString(width));
        CliRun fitted = CliRun.of(args);

        assertThat(fitted.exitCode()).isIn(0, ExitCode.DIFFERENT);
        assertThat(fitted.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line)
                .isLessThanOrEqualTo(width));
        assertThat(numbers(fitted.out())).containsAll(numbers(piped));
    }

    @Test
    void pipedOutputIsNotFitted() {
        String piped = CliRun.of("meta-llama/Llama-2-7b-hf", "--memory", "--compute", "-f", "text").out();

        assertThat(piped).doesNotContain("\u2026")
                .contains("Use                      Precision              Weights  Grads+optimizer  Activations")
                .contains("Parameters: 6,738,415,616 (6.74B) in 291 tensors, 6,738,415,616 trainable, 12.55 GiB\n");
        assertThat(piped.lines().mapToInt(String::length).max().orElse(0)).isGreaterThan(120);
    }

    @Test
    void aFileWrittenFromATerminalIsNotFittedToIt(@TempDir Path dir) throws IOException {
        String piped = CliRun.of("vit_l_16", "-f", "text").out();
        System.setProperty(TerminalWidth.PROPERTY, "80");
        CliRun run = CliRun.of("vit_l_16", "-f", "text", "--out", dir.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("text/vit_l_16.txt"))).isEqualTo(piped);
    }

    @Test
    void aTableTooWideForEightyColumnsIsSplitIntoBlocksThatRepeatItsKey() {
        System.setProperty(TerminalWidth.PROPERTY, "80");
        String text = CliRun.of("gpt2", "--memory", "-f", "text", "--summary").out();

        // the inference/training table: use and precision on every block, numbers in blocks of what fits
        assertThat(text.lines().filter(l -> l.startsWith("Use                      Precision")).count())
                .isGreaterThan(1);
        assertThat(text).contains("Grads+optimizer").contains("KV cache").contains("Total");
    }

    @Test
    void aLongSummaryLineWrapsUnderItsValue() {
        System.setProperty(TerminalWidth.PROPERTY, "80");
        String text = CliRun.of("meta-llama/Llama-2-7b-hf", "-f", "text", "--summary").out();

        assertThat(text).contains("Parameters: 6,738,415,616 (6.74B) in 291 tensors, 6,738,415,616 trainable,\n"
                + "            12.55 GiB\n");
    }

    @Test
    void theComputeTableLeavesOutInputShapesAndDrawsANarrowerTreeAtEightyColumns() {
        System.setProperty(TerminalWidth.PROPERTY, "80");
        String text = CliRun.of("meta-llama/Llama-2-7b-hf", "--compute", "--depth", "4", "-f", "text", "--summary")
                .out();

        assertThat(text).contains("Layer (type:depth-idx)").contains("Output Shape").doesNotContain("Input Shape")
                .contains("│ │ └─LlamaDecoderLayer: 3-1");
    }

    private static String[] withText(String[] args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-f";
        all[args.length + 1] = "text";
        return all;
    }

    private static Set<String> numbers(String text) {
        Set<String> numbers = new TreeSet<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            numbers.add(m.group());
        }
        return numbers;
    }
}
