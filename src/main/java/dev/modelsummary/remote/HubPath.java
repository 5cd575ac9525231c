package dev.modelsummary.remote;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hf://REPO[@REVISION][/FILE]}: a Hugging Face Hub repository (REPO is {@code owner/name} or
 * {@code name}), resolved as the Hub resolves files: {@code {endpoint}/{repo}/resolve/{revision}/{file}}.
 * Without {@code @}, {@code hf://a/b} is the repository a/b and {@code hf://a/b/c...} its file c...; a file
 * of a one-name repository needs the revision: {@code hf://gpt2@main/model.safetensors}.
 */
public record HubPath(String repo, String revision, Optional<String> file) {
    public static final String SCHEME = "hf://";
    /** What a repository without a file name is read as, in this order. */
    public static final List<String> DEFAULT_FILES =
            List.of("model.safetensors.index.json", "model.safetensors", "config.json");

    private static final String NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_-])?";
    private static final Pattern REPO = Pattern.compile(NAME + "(?:/" + NAME + ")?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]{1,200}(?:/[A-Za-z0-9._-]{1,200}){0,15}");
    private static final Pattern WITH_REVISION = Pattern.compile("([^@]*)@([^/]*)(?:/(.*))?", Pattern.DOTALL);

    public static boolean isHub(String argument) {
        return argument.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * @throws IllegalArgumentException with one sentence for a malformed reference (characters outside
     *                                  letters, digits, {@code . _ -}, a {@code ..} segment, an empty part)
     */
    public static HubPath parse(String argument) {
        if (!isHub(argument)) {
            throw new IllegalArgumentException("not an hf:// reference");
        }
        String rest = argument.substring(SCHEME.length());
        String repo;
        String revision = "main";
        String file = null;
        Matcher m = WITH_REVISION.matcher(rest);
        if (m.matches()) {
            repo = m.group(1);
            revision = m.group(2);
            file = m.group(3);
        } else {
            String[] parts = rest.split("/", 3);
            repo = parts.length >= 2 ? parts[0] + "/" + parts[1] : parts[0];
            file = parts.length == 3 ? parts[2] : null;
        }
        if (!REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new RemoteReferenceException("hf:// needs a repository 'owner/name' or 'name' of letters, digits, "
                    + "'.', '_' and '-' (no '..').");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new RemoteReferenceException("hf:// revision after '@' must be letters, digits, '.', '_' and '-' "
                    + "(no '..').");
        }
        if (file != null && file.isEmpty()) {
            file = null;
        }
        if (file != null && (!FILE.matcher(file).matches()
                || List.of(file.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals(".")))) {
            throw new RemoteReferenceException("hf:// file name must be '/'-separated names of letters, digits, "
                    + "'.', '_' and '-' (no '.' or '..' segment).");
        }
        return new HubPath(repo, revision, Optional.ofNullable(file));
    }

    /** The URL of {@code fileName} in this repository at this revision. */
    public String url(String endpoint, String fileName) {
        return endpoint + "/" + repo + "/resolve/" + revision + "/" + fileName;
    }

    /** The repository's own name ({@code Llama-2-7b-hf}), which a model built from its config is called. */
    public String name() {
        return repo.substring(repo.indexOf('/') + 1);
    }

    /** For messages: lower-case scheme, the parts as given. */
    @Override
    public String toString() {
        return SCHEME.toLowerCase(Locale.ROOT) + repo + "@" + revision + file.map(f -> "/" + f).orElse("");
    }
}
