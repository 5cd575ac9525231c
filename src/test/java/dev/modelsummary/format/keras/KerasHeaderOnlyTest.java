package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Proof that jhdf, through the reader, touches HDF5 metadata only, never a variable's data. */
class KerasHeaderOnlyTest {
    /** h5py wrote it 1,073,751,960 bytes long; its one variable's 1 GiB of data starts at byte 10,136. */
    private static final long FULL_SIZE = 1_073_751_960L;
    private static final long DATA_OFFSET = 10_136L;

    @TempDir
    Path dir;

    @Test
    void aOneGigabyteVariableCostsOnlyItsMetadata() throws IOException {
        Path head = Resources.path("fixtures/keras/huge_head.weights.h5");
        assertThat(Files.size(head)).isEqualTo(DATA_OFFSET);
        Path file = Files.copy(head, dir.resolve("huge.weights.h5"));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(FULL_SIZE); // the data, as a hole
        }
        CountingOpener opener = new CountingOpener();
        Model model = new KerasReader().read(file, opener);

        assertThat(model.tensors()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("layers/dense/vars/0");
            assertThat(t.shape()).isEqualTo(Shape.of(16384, 16384));
        });
        assertThat(Summary.of(model).parameters().bytes()).isEqualTo(1L << 30);
        assertThat(opener.reads()).allMatch(r -> r.end() <= DATA_OFFSET);
        assertThat(opener.totalBytes()).isLessThan(64 * 1024);
    }

    /** No read touches a byte of any dataset's data, where h5py says it lies ({@code .expected.json}). */
    @ParameterizedTest
    @ValueSource(strings = {"keras3.keras", "keras3.weights.h5", "legacy_full.h5", "legacy_weights.h5"})
    void noReadTouchesVariableData(String name) throws IOException {
        Path file = Resources.path("fixtures/keras/" + name);
        CountingOpener opener = new CountingOpener();
        new KerasReader().read(file, opener);
        assertThat(opener.opened()).hasSize(1);
        JsonNode rows = new ObjectMapper().readTree(Resources.text("fixtures/keras/" + name + ".expected.json"));
        assertThat(rows).isNotEmpty();
        for (JsonNode row : rows) {
            long start = row.get("data_offset").asLong();
            long end = start + row.get("data_bytes").asLong();
            assertThat(opener.reads()).as(row.get("path").asText())
                    .noneMatch(r -> r.position() < end && r.end() > start);
        }
    }
}
