package dev.modelsummary.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Model;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proof that only headers are read: never more than one 4 KB buffer past the tensor infos. */
class GgufHeaderOnlyTest {
    @TempDir
    Path dir;

    @Test
    void aGigabyteOfQuantizedDataCostsOnlyItsHeader() throws IOException {
        // q4_K, ggml dims [4096, 262144]: 16 blocks of 144 bytes a row = 2304 bytes x 262144 rows = 604 MB,
        // and an F32 tensor of 100,000,000 elements (400 MB) after it: 1 GB of holes in a sparse file.
        long q4kBytes = 4096L / 256 * 144 * 262144;
        GgufBytes b = GgufBytes.header(3, 2, 1).kvString("general.architecture", "llama")
                .tensor("big.q4k", GgmlType.Q4_K.id(), 0, 4096, 262144)
                .tensor("big.f32", 0, q4kBytes, 100_000_000L);
        byte[] head = b.withData(32, 0);
        Path file = dir.resolve("huge.gguf");
        Files.write(file, head);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(head.length + q4kBytes + 400_000_000L);
        }
        CountingOpener opener = new CountingOpener();
        Model model = new GgufReader().read(file, opener);

        assertThat(opener.totalBytes()).isLessThanOrEqualTo(4096);
        assertThat(opener.reads()).allMatch(r -> r.position() < head.length);
        assertThat(Summary.of(model).parameters().bytes()).isEqualTo(q4kBytes + 400_000_000L);
    }

    @Test
    void aSplitPairReadsEachHeaderOnce() throws IOException {
        Path first = Resources.path("fixtures/gguf/tiny-llama-split-00001-of-00002.gguf");
        CountingOpener opener = new CountingOpener();
        new GgufReader().read(first, opener);
        assertThat(opener.opened()).hasSize(2).doesNotHaveDuplicates();
        assertThat(opener.bytesRead(first)).isLessThan(Files.size(first));
    }
}
