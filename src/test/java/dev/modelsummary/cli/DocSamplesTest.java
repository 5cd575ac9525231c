package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sample sessions of the README and of {@code docs/} are what the tool prints now. A sample is a fenced block
 * whose lines start with {@code $ ./model-summary ARGS} (continued by a trailing backslash), each followed by the
 * output it shows, and optionally by {@code $ echo $?} and the exit code. The command runs in-process; every run
 * of shown lines between {@code ...} lines must stand, in order, in what it wrote (stdout, then stderr), and a
 * shown exit code must be its exit code. Output the sample leaves out is not checked; output it shows is.
 */
class DocSamplesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern FENCE = Pattern.compile("^(\\s*)(```|~~~)");
    private static final String PROMPT = "$ ";
    private static final String COMMAND = "./model-summary ";
    private static final String EXIT_CODE = "echo $?";
    private static final String ELISION = "...";

    /** One command of a sample, what it shows, and where it stands. */
    record Sample(String where, List<String> args, List<String> shown, Integer exitCode) {
    }

    @Test
    void everySampleSessionInTheReadmeAndDocsIsWhatTheToolPrints() throws IOException {
        List<Sample> samples = new ArrayList<>(samples(ROOT.resolve("README.md")));
        try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
            for (Path doc : walk.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                samples.addAll(samples(doc));
            }
        }
        assertThat(samples).as("the README's tour").hasSizeGreaterThanOrEqualTo(4);
        List<String> stale = new ArrayList<>();
        for (Sample sample : samples) {
            String problem = problem(sample, CliRun.of(sample.args().toArray(String[]::new)));
            if (problem != null) {
                stale.add(sample.where() + ": " + problem);
            }
        }
        assertThat(stale).isEmpty();
    }

    @Test
    void aSampleIsReadAsAShellSessionWouldShowIt() throws IOException {
        Path doc = Files.createTempFile("samples", ".md");
        try {
            Files.writeString(doc, String.join("\n",
                    "Text.", "", "  ```", "  $ ./model-summary --list 'vit_*' \\", "      --verbose",
                    "  line one", "  ...", "  line two", "  $ echo $?", "  0", "  $ ls", "  not checked", "  ```",
                    "```", "./model-summary resnet18   # no prompt: not a sample", "```", ""));
            List<Sample> samples = samples(doc);

            assertThat(samples).hasSize(1);
            Sample sample = samples.get(0);
            assertThat(sample.where()).endsWith(":4");
            assertThat(sample.args()).containsExactly("--list", "vit_*", "--verbose");
            assertThat(chunks(sample.shown())).containsExactly("line one\n", "line two\n");
            assertThat(sample.exitCode()).isZero();
        } finally {
            Files.delete(doc);
        }
    }

    @Test
    void aSampleThatNoLongerHoldsIsNamed() {
        CliRun run = CliRun.of("--list", "vit_b_1*");
        List<String> shown = List.of("torchvision: Image classification (1)", "  vit_b_16  86,567,656    86.6M", "...");

        assertThat(problem(new Sample("a.md:1", List.of(), shown, 0), run)).isNull();
        assertThat(problem(new Sample("a.md:1", List.of(), List.of("  vit_b_16  86,567,657    86.6M"), null), run))
                .isEqualTo("the output lacks, in this order:\n  vit_b_16  86,567,657    86.6M\n");
        assertThat(problem(new Sample("a.md:1", List.of(), shown, 2), run)).isEqualTo("exit code 0, shown 2");
    }

    /** What of {@code sample} the run does not show (null when it all holds). */
    private static String problem(Sample sample, CliRun run) {
        String output = run.out() + run.err();
        int from = 0;
        for (String chunk : chunks(sample.shown())) {
            int at = output.indexOf(chunk, from);
            if (at < 0) {
                return "the output lacks, in this order:\n" + chunk;
            }
            from = at + chunk.length();
        }
        if (sample.exitCode() != null && sample.exitCode() != run.exitCode()) {
            return "exit code " + run.exitCode() + ", shown " + sample.exitCode();
        }
        return null;
    }

    /** The samples of one Markdown file, in order. */
    private static List<Sample> samples(Path doc) throws IOException {
        List<Sample> samples = new ArrayList<>();
        List<String> lines = Files.readAllLines(doc);
        String indent = null;
        Sample current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher fence = FENCE.matcher(line);
            if (fence.find()) {
                indent = indent == null ? fence.group(1) : null;
                current = null;
                continue;
            }
            if (indent == null) {
                continue;
            }
            String text = line.startsWith(indent) ? line.substring(indent.length()) : line.strip();
            if (!text.startsWith(PROMPT)) {
                if (current != null) {
                    current.shown().add(text);
                }
                continue;
            }
            StringBuilder command = new StringBuilder(text.substring(PROMPT.length()));
            int first = i;
            while (command.toString().endsWith("\\") && i + 1 < lines.size()) {
                command.setLength(command.length() - 1);
                command.append(' ').append(lines.get(++i).strip());
            }
            if (command.toString().equals(EXIT_CODE) && current != null && i + 1 < lines.size()) {
                samples.set(samples.size() - 1, new Sample(current.where(), current.args(), current.shown(),
                        Integer.valueOf(lines.get(++i).strip())));
                current = null;
            } else if (command.toString().startsWith(COMMAND)) {
                current = new Sample(ROOT.relativize(doc.toAbsolutePath()) + ":" + (first + 1),
                        words(command.substring(COMMAND.length())), new ArrayList<>(), null);
                samples.add(current);
            } else {
                current = null; // another program's session: not ours to check
            }
        }
        return samples;
    }

    /** The runs of shown lines between elisions, each with its line ends, as they must appear in the output. */
    private static List<String> chunks(List<String> shown) {
        List<String> chunks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (String line : shown) {
            if (line.equals(ELISION)) {
                if (!chunk.isEmpty()) {
                    chunks.add(chunk.toString());
                }
                chunk.setLength(0);
            } else {
                chunk.append(line).append('\n');
            }
        }
        if (!chunk.toString().isBlank()) {
            chunks.add(chunk.toString());
        }
        return chunks;
    }

    /** A command line's words as a POSIX shell splits them: blanks separate, quotes group and are removed. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                }
                word = null;
            } else {
                word = (word == null ? new StringBuilder() : word).append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
