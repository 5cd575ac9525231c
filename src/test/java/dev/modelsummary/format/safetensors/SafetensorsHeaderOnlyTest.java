package dev.modelsummary.format.safetensors;

import dev.modelsummary.testutil.CountingOpener;
import static dev.modelsummary.format.safetensors.StFiles.file;
import static dev.modelsummary.format.safetensors.StFiles.header;
import static dev.modelsummary.format.safetensors.StFiles.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proof that only the {@code 8 + N} header bytes of each file are read, never tensor data. */
class SafetensorsHeaderOnlyTest {
    @TempDir
    Path dir;

    private final SafetensorsReader reader = new SafetensorsReader();

    /** {@code 8 + N}, from the file's first 8 bytes as the test itself reads them. */
    private static long headerBytes(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return 8 + ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
    }

    @Test
    void aSingleFileIsReadUpToTheEndOfItsHeader() throws IOException {
        Path file = Resources.path("fixtures/safetensors/tiny_model.safetensors");
        CountingOpener opener = new CountingOpener();
        reader.read(file, opener);
        assertThat(opener.totalBytes()).isEqualTo(headerBytes(file)).isLessThan(Files.size(file));
        assertThat(opener.opened()).hasSize(1);
    }

    @Test
    void aShardedFolderReadsTheIndexAndEachShardsHeaderOnce() throws IOException {
        Path folder = Resources.path("fixtures/safetensors/sharded");
        Path index = folder.resolve("model.safetensors.index.json");
        CountingOpener opener = new CountingOpener();
        reader.read(folder, opener);

        long expected = Files.size(index);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path shard : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
                assertThat(opener.bytesRead(shard)).as(shard.toString()).isEqualTo(headerBytes(shard));
                expected += headerBytes(shard);
            }
        }
        assertThat(opener.totalBytes()).isEqualTo(expected);
        assertThat(opener.opened()).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void aFourGigabyteTensorCostsOnlyItsHeader() throws IOException {
        // F32 x 1,100,000,000 = 4.4 GB of data past 2^32, left as a hole in a sparse file.
        long elements = 1_100_000_000L;
        byte[] head = file(header(tensor("huge.weight", "F32", "[" + elements + "]", 0, 4 * elements)), 0);
        Path file = StFiles.write(dir.resolve("huge.safetensors"), head);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(head.length + 4 * elements);
        }
        CountingOpener opener = new CountingOpener();
        Model model = reader.read(file, opener);

        assertThat(opener.totalBytes()).isEqualTo(head.length);
        assertThat(Summary.of(model).parameters().bytes()).isEqualTo(4 * elements);
    }

    @Test
    void throughTheRegistryOnlyTheSniffedHeadIsAddedToTheHeader() throws IOException {
        Path file = Resources.path("fixtures/safetensors/all_torch_dtypes.safetensors");
        CountingOpener opener = new CountingOpener();
        WeightReaders.standard(opener).read(file);
        long head = Math.min(WeightReaders.HEAD_BYTES, Files.size(file));
        assertThat(opener.totalBytes()).isEqualTo(head + headerBytes(file));
    }
}
