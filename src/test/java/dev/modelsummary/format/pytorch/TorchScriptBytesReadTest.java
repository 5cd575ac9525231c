package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.CountingOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Header-only: reading a TorchScript archive never touches a storage record ({@code data/<n>} or
 * {@code constants/<n>}), and what it reads (directory, pickles, the code files it needs) does not grow with the
 * storages.
 */
class TorchScriptBytesReadTest {
    /** What each storage record of the big archive is padded to, with a hole: 2 GB over 244 records. */
    private static final long PADDED_RECORD_BYTES = 8L << 20;

    @TempDir
    Path dir;

    /** A storage's bytes in the file (the first record's local header is where the reader finds the magic). */
    private record Span(String name, long start, long end) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v3_small_scripted.pt", "mobilenet_v2_traced.pt", "custom.pt", "frozen.pt"})
    void noByteOfAnyStorageRecordIsRead(String fixture) throws IOException {
        Path file = TorchScriptReaderTest.path(fixture);
        List<Span> storages = storageRecords(file);
        CountingOpener counting = new CountingOpener();

        new TorchReader().read(file, counting);

        assertThat(storages).isNotEmpty();
        for (CountingOpener.Read read : counting.reads()) {
            for (Span storage : storages) {
                assertThat(read.end() <= storage.start() || read.position() >= storage.end())
                        .as("read of %d bytes at %d overlaps %s [%d, %d)", read.bytes(), read.position(),
                                storage.name(), storage.start(), storage.end())
                        .isTrue();
            }
        }
    }

    /** The scripted MobileNetV3 with every storage record padded to 8 MB (a sparse file of 2 GB). */
    @Test
    void aBigSparseArchiveIsReadFromASmallPartOfItsBytes() throws IOException {
        Path big = dir.resolve("big.pt");
        writeSparse(TorchScriptErrorsTest.records("mobilenet_v3_small_scripted.pt"), big);
        CountingOpener counting = new CountingOpener();

        Model model = new TorchReader().read(big, counting);

        assertThat(Files.size(big)).isGreaterThan(3L << 29);
        assertThat(model.tensors()).extracting(TensorEntry::name).isEqualTo(new TorchReader()
                .read(TorchScriptReaderTest.path("mobilenet_v3_small_scripted.pt"), ChannelOpener.FILES)
                .tensors().stream().map(TensorEntry::name).toList());
        assertThat(counting.totalBytes()).isLessThan(1L << 20);
    }

    private static List<Span> storageRecords(Path file) throws IOException {
        List<Span> spans = new ArrayList<>();
        try (SeekableByteChannel channel = ChannelOpener.FILES.open(file)) {
            ZipDirectory zip = ZipDirectory.read(channel);
            for (ZipDirectory.Entry entry : zip.entries()) {
                if (entry.name().contains("/data/") || entry.name().contains("/constants/")) {
                    long dataStart = zip.dataOffset(channel, entry);
                    spans.add(new Span(entry.name(), dataStart, dataStart + entry.compressedSize()));
                }
            }
        }
        return spans;
    }

    /**
     * A STORED ZIP of the records, each storage record's data followed by a hole up to
     * {@link #PADDED_RECORD_BYTES}: the sizes say 4 MB, the disk holds the real bytes.
     */
    private static void writeSparse(Map<String, byte[]> records, Path file) throws IOException {
        ByteBuffer central = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            for (Map.Entry<String, byte[]> record : records.entrySet()) {
                byte[] name = record.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] data = record.getValue();
                long size = record.getKey().contains("/data/") ? PADDED_RECORD_BYTES : data.length;
                long offset = out.position();
                ByteBuffer local = ByteBuffer.allocate(30 + name.length).order(ByteOrder.LITTLE_ENDIAN);
                local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                        .putInt(0).putInt(0).putInt((int) size).putInt((int) size)
                        .putShort((short) name.length).putShort((short) 0).put(name).flip();
                out.write(local);
                out.write(ByteBuffer.wrap(data));
                out.position(out.position() + size - data.length); // the hole
                central.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                        .putShort((short) 0).putInt(0).putInt(0).putInt((int) size).putInt((int) size)
                        .putShort((short) name.length).putShort((short) 0).putShort((short) 0)
                        .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) offset).put(name);
            }
            long centralOffset = out.position();
            central.flip();
            int centralSize = central.remaining();
            out.write(central);
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) records.size())
                    .putShort((short) records.size()).putInt(centralSize).putInt((int) centralOffset)
                    .putShort((short) 0).flip();
            out.write(end);
        }
    }
}
