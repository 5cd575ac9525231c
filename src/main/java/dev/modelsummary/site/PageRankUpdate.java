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
 * A page of an earlier run whose rank changed: the rank line it was written with, replaced by the new one,
 * the rest of the page copied byte for byte. Only a line that is exactly the one the site wrote, whole, near
 * the top of the page, is replaced: a page edited by hand or written by something else is left alone.
 */
public final class PageRankUpdate {
    /** The rank line comes before the tables, a few hundred bytes into the page. */
    private static final int HEAD_BYTES = 64 << 10;

    private final Path page;
    private final int offset;
    private final byte[] oldLine;
    private final byte[] newLine;

    private PageRankUpdate(Path page, int offset, byte[] oldLine, byte[] newLine) {
        this.page = page;
        this.offset = offset;
        this.oldLine = oldLine;
        this.newLine = newLine;
    }

    /**
     * The update of {@code page} from {@code oldLine} to {@code newLine}, or empty when the page is not a
     * regular file or has no line {@code oldLine} (a whole line) in its head.
     */
    public static Optional<PageRankUpdate> find(Path page, String oldLine, String newLine) throws IOException {
        if (!Files.isRegularFile(page) || oldLine.equals(newLine)) {
            return Optional.empty();
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(page)) {
            head = in.readNBytes(HEAD_BYTES);
        }
        byte[] line = ("\n" + oldLine + "\n").getBytes(StandardCharsets.UTF_8);
        int at = indexOf(head, line);
        if (at < 0) {
            return Optional.empty();
        }
        return Optional.of(new PageRankUpdate(page, at + 1, Arrays.copyOfRange(line, 1, line.length - 1),
                newLine.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes the updated page; fails if the page no longer has the old line where it was found. */
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(page)) {
            byte[] before = in.readNBytes(offset);
            byte[] line = in.readNBytes(oldLine.length);
            if (before.length != offset || !Arrays.equals(line, oldLine)) {
                throw new IOException(page + " changed while the site was written");
            }
            out.write(before);
            out.write(newLine);
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
