package dev.modelsummary.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link of the README and of {@code docs/} resolves: the file or folder exists, and an anchor names
 * a heading of the Markdown file it points into (as GitHub makes heading anchors). The README was split into
 * pages under {@code docs/}; this is what keeps their links, and the anchors other pages point at, from rotting.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\([^)]*\\)");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");

    @Test
    void everyRelativeLinkOfTheReadmeAndDocsResolves() throws IOException {
        List<Path> documents = new ArrayList<>();
        documents.add(ROOT.resolve("README.md"));
        try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
            walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            broken.addAll(brokenLinks(document, ROOT));
        }
        assertThat(documents).hasSizeGreaterThan(5);
        assertThat(broken).isEmpty();
    }

    @Test
    void aMissingFileOrHeadingIsReported(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("other.md"), "# Other page\n\n## Exit codes\n\n```\n# not a heading\n```\n");
        Path page = tmp.resolve("page.md");
        Files.writeString(page, String.join("\n",
                "# Page", "",
                "[fine](other.md#exit-codes), [same page](#page), [web](https://example.com/x#y), `[code](nope.md)`",
                "[no file](gone.md), [no heading](other.md#usage), [a fenced line is no heading](other.md#not-a-heading)",
                "```", "[inside a fence](gone-too.md)", "```", ""));

        assertThat(brokenLinks(page, tmp)).containsExactly(
                "page.md:4: gone.md (no such file or folder)",
                "page.md:4: other.md#usage (other.md has no heading 'usage')",
                "page.md:4: other.md#not-a-heading (other.md has no heading 'not-a-heading')");
    }

    @Test
    void anchorsAreMadeAsGitHubMakesThem() {
        assertThat(anchors("# Built-in architectures: the torchvision 0.14.1 zoo\n"))
                .containsExactly("built-in-architectures-the-torchvision-0141-zoo");
        assertThat(anchors("## What it costs to run: `--compute`\n## Files beside the [named](x.md) one\n"))
                .containsExactly("what-it-costs-to-run---compute", "files-beside-the-named-one");
        assertThat(anchors("## Notes\n### Notes\n## Notes\n")).containsExactly("notes", "notes-1", "notes-2");
    }

    /** The links of {@code document} that do not resolve, as {@code FILE:LINE: TARGET (why)}. */
    private static List<String> brokenLinks(Path document, Path root) throws IOException {
        List<String> broken = new ArrayList<>();
        String[] lines = prose(Files.readString(document)).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher link = LINK.matcher(lines[i]);
            while (link.find()) {
                String problem = problem(document, link.group(1), root);
                if (problem != null) {
                    broken.add(root.relativize(document) + ":" + (i + 1) + ": " + link.group(1) + " (" + problem + ")");
                }
            }
        }
        return broken;
    }

    /** Why {@code target}, linked from {@code document}, does not resolve; null when it does. */
    private static String problem(Path document, String target, Path root) throws IOException {
        if (SCHEME.matcher(target).matches()) {
            return null; // a web address: not checked here (no network in tests)
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path resolved = path.isEmpty() ? document : document.getParent().resolve(path).normalize();
        if (!resolved.startsWith(root) || !Files.exists(resolved)) {
            return "no such file or folder";
        }
        if (hash < 0 || !resolved.toString().endsWith(".md")) {
            return null;
        }
        String anchor = target.substring(hash + 1);
        return anchors(Files.readString(resolved)).contains(anchor)
                ? null : resolved.getFileName() + " has no heading '" + anchor + "'";
    }

    /** The anchors GitHub gives the headings of a Markdown text, in order (a repeated one gets -1, -2 ...). */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : withoutFences(markdown).split("\n")) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
        }
        return anchors;
    }

    /** GitHub's rule: the heading's text, lower case, without punctuation, each space a hyphen. */
    private static String slug(String heading) {
        String text = INLINE_LINK.matcher(heading).replaceAll("$1").toLowerCase(java.util.Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    /** The text outside code: fenced blocks blanked and code spans removed, lines kept where they were. */
    private static String prose(String markdown) {
        return CODE_SPAN.matcher(withoutFences(markdown)).replaceAll("");
    }

    /** {@code markdown} with every line of a fenced code block (fences included) blanked. */
    private static String withoutFences(String markdown) {
        StringBuilder out = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            boolean fence = FENCE.matcher(line).find();
            out.append(fenced || fence ? "" : line).append('\n');
            if (fence) {
                fenced = !fenced;
            }
        }
        return out.toString();
    }
}
