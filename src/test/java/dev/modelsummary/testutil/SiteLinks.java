package dev.modelsummary.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The links of a static site: every Markdown link target ({@code ](...)}) and {@code src="..."} of the .md
 * files under a folder, and every {@code href}, {@code src} and {@code data-href} of its .html files, with
 * the ones that do not resolve to an existing file.
 */
public final class SiteLinks {
    private static final Pattern MARKDOWN = Pattern.compile("\\]\\(([^)\\s]*)\\)|src=\"([^\"]*)\"");
    private static final Pattern INLINE = Pattern.compile("(?s)<(script|style)>.*?</\\1>");
    private static final Pattern HTML = Pattern.compile("(?:href|src|data-href)=\"([^\"]*)\"");

    /** A link found in a file. */
    public record Link(Path file, String target) {
    }

    private SiteLinks() {
    }

    /** Every link of every .md and .html file under {@code root}. */
    public static List<Link> all(Path root) throws IOException {
        List<Link> links = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            Pattern pattern = name.endsWith(".md") ? MARKDOWN : name.endsWith(".html") ? HTML : null;
            if (pattern == null) {
                continue;
            }
            Matcher m = pattern.matcher(withoutScripts(Files.readString(file, StandardCharsets.UTF_8)));
            while (m.find()) {
                String target = m.group(1) != null ? m.group(1) : m.group(2);
                links.add(new Link(file, target));
            }
        }
        return links;
    }

    /** An HTML page without its inline scripts and styles: what they hold (a comment's example) is no link. */
    public static String withoutScripts(String html) {
        return INLINE.matcher(html).replaceAll("");
    }

    /**
     * The links that do not name an existing file: external ones (a scheme or {@code //}), absolute ones, and
     * relative ones that resolve to nothing or outside {@code root}. Anchors are stripped first.
     */
    public static List<Link> broken(Path root) throws IOException {
        List<Link> broken = new ArrayList<>();
        Path top = root.toAbsolutePath().normalize();
        for (Link link : all(root)) {
            String target = link.target();
            int anchor = target.indexOf('#');
            String path = anchor >= 0 ? target.substring(0, anchor) : target;
            boolean external = path.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") || path.startsWith("/");
            Path resolved = link.file().toAbsolutePath().getParent().resolve(path).normalize();
            if (external || path.isEmpty() || !resolved.startsWith(top) || !Files.isRegularFile(resolved)) {
                broken.add(link);
            }
        }
        return broken;
    }
}
