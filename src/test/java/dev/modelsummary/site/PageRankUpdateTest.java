package dev.modelsummary.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageRankUpdateTest {
    private static final String OLD_LINE = "**Rank: [ 1 / 1 ] in [image/classification](README.md)**";
    private static final String NEW_LINE = "**Rank: [ 2 / 2 ] in [image/classification](README.md)**";
    /** As the Markdown format asks: the whole line. */
    private static final String OLD = "\n" + OLD_LINE + "\n";
    private static final String NEW = "\n" + NEW_LINE + "\n";

    @TempDir
    Path tmp;

    @Test
    void replacesTheWholeLineAndCopiesTheRest() throws IOException {
        String rest = "| x | y |\n".repeat(20_000); // past the head the line is looked for in
        Path page = Files.writeString(tmp.resolve("m.md"), "# m\n\n" + OLD_LINE + "\n\n" + rest);

        Optional<PageRankUpdate> update = PageRankUpdate.find(page, OLD, NEW);

        assertThat(update).isPresent();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        update.get().writeTo(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("# m\n\n" + NEW_LINE + "\n\n" + rest);
    }

    @Test
    void leavesAPageWithoutTheExactLineAlone() throws IOException {
        for (String text : new String[] {"# m\n\n" + OLD_LINE + " edited\n", "# m\n\nsee " + OLD_LINE + "\n",
                "# m\n\n" + NEW_LINE + "\n", "# m\n"}) {
            Path page = Files.writeString(tmp.resolve("m.md"), text);
            assertThat(PageRankUpdate.find(page, OLD, NEW)).as(text).isEmpty();
        }
        assertThat(PageRankUpdate.find(tmp.resolve("missing.md"), OLD, NEW)).isEmpty();
        assertThat(PageRankUpdate.find(tmp, OLD, NEW)).isEmpty();
    }
}
