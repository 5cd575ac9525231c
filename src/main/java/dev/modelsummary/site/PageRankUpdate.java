package dev.modelsummary.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A page of an earlier run whose rank changed: the rank text it was written with ({@link PageFormat#rankText}:
 * a whole line of a Markdown page), replaced by the new one, the rest of the page copied byte for byte. Only
 * the exact text the site wrote, near the top of the page, is replaced: a page edited by hand or written by
 * something else is left alone.
 */
public final class PageRankUpdate {
    /** The rank line comes before the tables, a few hundred bytes into the page. */
    private static final int HEAD_BYTES = 64 << 10;

    private final Path page;
    private final int offset;
    private final byte[] oldText;
    private final byte[] newText;

    private PageRankUpdate(Path page, int offset, byte[] oldText, byte[] newText) {
        this.page = page;
        this.offset = offset;
        this.oldText = oldText;
        this.newText = newText;
    }

    /**
     * The update of {@code page} from {@code oldText} to {@code newText}, or empty when the page is not a
     * regular file or has no {@code oldText} in its head.
     */
    public static Optional<PageRankUpdate> find(Path page, String oldText, String newText) throws IOException {
        if (!Files.isRegularFile(page) || oldText.equals(newText)) {
            return Optional.empty();
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(page)) {
            head = in.readNBytes(HEAD_BYTES);
        }
        byte[] old = oldText.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(head, old);
        if (at < 0) {
            return Optional.empty();
        }
        return Optional.of(new PageRankUpdate(page, at, old, newText.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes the updated page; fails if the page no longer has the old text where it was found. */
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(page)) {
            byte[] before = in.readNBytes(offset);
            byte[] text = in.readNBytes(oldText.length);
            if (before.length != offset || !Arrays.equals(text, oldText)) {
                throw new IOException(page + " changed while the site was written");
            }
            out.write(before);
            out.write(newText);
            in.transferTo(out);
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
