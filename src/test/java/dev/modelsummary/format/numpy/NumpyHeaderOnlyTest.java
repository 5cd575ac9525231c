package dev.modelsummary.format.numpy;

import static dev.modelsummary.format.numpy.NpyFiles.header;
import static dev.modelsummary.format.numpy.NpyFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proof that only headers are read, never array data. */
class NumpyHeaderOnlyTest {
    @TempDir
    Path dir;

    private final NumpyReader reader = new NumpyReader();

    @Test
    void aGigabyteNpyCostsOnlyItsHeader() throws IOException {
        long elements = 1L << 28; // float32: 1 GiB of data, left as a hole in a sparse file
        byte[] head = npy(header("<f4", "(" + elements + ",)"), 0);
        Path file = dir.resolve("huge.npy");
        Files.write(file, head);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(head.length + 4 * elements);
        }
        CountingOpener opener = new CountingOpener();
        Model model = reader.read(file, opener);
        // the 6-byte magic probe, then magic, version, length and header
        assertThat(opener.totalBytes()).isEqualTo(6 + head.length);
        assertThat(Summary.of(model).parameters().bytes()).isEqualTo(4 * elements);
    }

    @Test
    void throughTheRegistryOnlyTheSniffedHeadIsAdded() throws IOException {
        Path file = Resources.path("fixtures/numpy/float32_2d.npy");
        CountingOpener opener = new CountingOpener();
        WeightReaders.standard(opener).read(file);
        // numpy pads magic, version, length and header to 128 bytes; 48 bytes of data follow
        long head = Math.min(WeightReaders.HEAD_BYTES, Files.size(file));
        assertThat(opener.totalBytes()).isEqualTo(head + 6 + 128);
    }

    @Test
    void aStoredArchiveReadsItsDirectoryAndEachMembersHeader() throws IOException {
        byte[] big = npy(header("<f4", "(262144,)"), 1 << 20);
        byte[] zip = new ZipBuilder().add("a.npy", big).add("b.npy", big).zip64().build();
        Path file = Files.write(dir.resolve("big.npz"), zip);
        CountingOpener opener = new CountingOpener();
        Model model = reader.read(file, opener);
        assertThat(model.tensors()).hasSize(2);
        assertThat(opener.totalBytes()).isLessThan(1024);
    }

    @Test
    void aDeflatedMemberIsInflatedOnlyAsFarAsItsHeader() throws IOException {
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data); // incompressible: the member's deflated bytes are about 1 MB too
        byte[] member = npy(header("|u1", "(1048576,)"), 0);
        byte[] whole = new byte[member.length + data.length];
        System.arraycopy(member, 0, whole, 0, member.length);
        System.arraycopy(data, 0, whole, member.length, data.length);
        Path file = Files.write(dir.resolve("big.npz"),
                NpyFiles.deflatedZip(new String[] {"a.npy", "b.npy"}, new byte[][] {whole, whole}));
        CountingOpener opener = new CountingOpener();
        Model model = reader.read(file, opener);
        assertThat(model.tensors()).hasSize(2);
        assertThat(Files.size(file)).isGreaterThan(2_000_000);
        assertThat(opener.totalBytes()).isLessThan(4096);
    }
}
