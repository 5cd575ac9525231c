package dev.modelsummary.format.onnx;

import static dev.modelsummary.format.onnx.Pb.model;
import static dev.modelsummary.format.onnx.Pb.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Model;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.CountingOpener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proof that tensor data inside the .onnx file is skipped by seeking, not read. */
class OnnxHeaderOnlyTest {
    @TempDir
    Path dir;

    @Test
    void aGigabyteOfRawDataCostsOnlyTheStructureAroundIt() throws IOException {
        // A ModelProto whose graph's last initializer carries 1 GiB of raw_data: the bytes before the data are
        // written, the data itself is a hole in a sparse file, and a second initializer follows it.
        long elements = 1L << 28; // float32: 1 GiB
        long dataBytes = 4 * elements;
        byte[] after = of().message(5, Pb.tensor("after", 1, 4, 1)).build();
        byte[] tensorHead = of().varint(1, elements).varint(2, 1).string(8, "huge").build();
        byte[] rawKey = Pb.of().raw(new byte[] {0x4a}).raw(Pb.varintBytes(dataBytes)).build();
        long tensorLength = tensorHead.length + rawKey.length + dataBytes;
        byte[] graphHead = of().raw(new byte[] {0x2a}).raw(Pb.varintBytes(tensorLength)).build();
        long graphLength = graphHead.length + tensorLength + after.length;
        byte[] modelHead = of().varint(1, 8).raw(new byte[] {0x3a}).raw(Pb.varintBytes(graphLength)).build();

        Path file = dir.resolve("huge.onnx");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(modelHead);
            f.write(graphHead);
            f.write(tensorHead);
            f.write(rawKey);
            f.seek(f.getFilePointer() + dataBytes);
            f.write(after);
        }
        assertThat(Files.size(file)).isGreaterThan(dataBytes);

        CountingOpener opener = new CountingOpener();
        Model model = new OnnxReader().read(file, opener);

        assertThat(model.tensors()).extracting(t -> t.name()).containsExactly("huge", "after");
        assertThat(Summary.of(model).parameters().bytes()).isEqualTo(dataBytes + 4);
        // One read buffer at the start and one at the end: a few KB of a file of over 1 GB.
        assertThat(opener.totalBytes()).isLessThan(16 * 1024);
    }

    @Test
    void aSmallModelIsReadOnceThrough() throws IOException {
        byte[] bytes = model(of().message(5, Pb.tensor("w", 1, 64, 4, 4)));
        Path file = Files.write(dir.resolve("small.onnx"), bytes);
        CountingOpener opener = new CountingOpener();
        new OnnxReader().read(file, opener);
        assertThat(opener.totalBytes()).isEqualTo(bytes.length);
        assertThat(opener.opened()).hasSize(1);
    }
}
