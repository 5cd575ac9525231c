package dev.modelsummary.cli;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * {@code --completion}: picocli's bash script (zsh runs it through bashcompinit), generated from the commands
 * themselves, with one change: a MODEL completes to the built-in names and to files and folders alike, where
 * picocli offers either a positional parameter's candidates or files, never both.
 */
final class CompletionScript {
    /** picocli's line that offers a MODEL's candidates (the built-in names) at its position. */
    private static final Pattern CANDIDATES = Pattern.compile(
            "(\\n *)positionals=\\$\\( compReplyArray \"\\$\\{\\w+_pos_param_args\\[@\\]\\}\" \\)");
    /** picocli's last word on a positional: the candidates (and subcommands) that start with the current word. */
    private static final String REPLY =
            "COMPREPLY=( $(compgen -W \"${commands// /$'\\n'}${IFS}${positionals}\" -- \"${curr_word}\") )";
    private static final String FILES = """

                if [[ -n "${model_files-}" ]]; then
                  local model_file_matches
                  model_file_matches=( $(compgen -f -- "${curr_word}") )
                  if (( ${#model_file_matches[@]} )); then
                    type compopt &>/dev/null && compopt -o filenames
                    COMPREPLY+=( "${model_file_matches[@]}" )
                  fi
                fi""";

    private CompletionScript() {
    }

    /**
     * The built-in names, as a MODEL's completion candidates. picocli makes one when it builds the command, on
     * every run: the catalog is only read when the script is written.
     */
    static final class BuiltinNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Catalog.standard().builders().stream().map(Builder::name).iterator();
        }
    }

    /** The script for {@code command} and its subcommands. */
    static String bash(String name, CommandLine command) {
        String script = AutoComplete.bash(name, command);
        Matcher candidates = CANDIDATES.matcher(script);
        if (!candidates.find() || !script.contains(REPLY)) {
            // a picocli that writes the script differently: a test fails, never the user's shell
            throw new IllegalStateException("picocli's completion script has no positional candidates to extend");
        }
        String withFlag = candidates.replaceAll(m -> Matcher.quoteReplacement(m.group() + m.group(1)
                + "local model_files=1"));
        return withFlag.replace(REPLY, REPLY + FILES.replace("\n", "\n    ").stripTrailing());
    }
}
