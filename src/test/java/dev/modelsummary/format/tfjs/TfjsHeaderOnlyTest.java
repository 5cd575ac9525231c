package dev.modelsummary.format.tfjs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.CountingOpener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proof that only model.json is read: the shards are measured, never opened. */
class TfjsHeaderOnlyTest {
    private static final long SHARD_BYTES = 1L << 30; // a 1 GiB shard, left as a hole in a sparse file

    @TempDir
    Path dir;

    @Test
    void aGigabyteShardIsNeverOpened() throws IOException {
        long elements = SHARD_BYTES / 4;
        String json = "{\"format\": \"graph-model\", \"modelTopology\": {}, \"weightsManifest\": [{\"paths\": "
                + "[\"group1-shard1of1.bin\"], \"weights\": [{\"name\": \"dense/kernel\", \"shape\": [" + elements
                + "], \"dtype\": \"float32\"}]}]}";
        Path modelJson = Files.writeString(dir.resolve("model.json"), json, StandardCharsets.UTF_8);
        Path shard = dir.resolve("group1-shard1of1.bin");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(SHARD_BYTES);
        }

        CountingOpener opener = new CountingOpener();
        Model model = WeightReaders.standard(opener).read(modelJson);

        assertThat(Summary.of(model).parameters().bytes()).isEqualTo(SHARD_BYTES);
        assertThat(opener.opened()).allMatch(p -> p.getFileName().toString().equals("model.json"));
        assertThat(opener.bytesRead(shard)).isZero();
        // the sniffed head and the document itself, both at most the file's length
        assertThat(opener.totalBytes()).isLessThanOrEqualTo(2L * Files.size(modelJson));
    }
}
