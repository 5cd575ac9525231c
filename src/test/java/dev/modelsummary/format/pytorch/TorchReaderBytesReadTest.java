package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Header-only: reading a torch.save ZIP never touches a storage record, and reads a small part of the file. */
class TorchReaderBytesReadTest {

    /** A storage record's whole span in the file: its local header and its data. */
    private record Span(String name, long start, long end) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"small_real.pth", "vit_l_16.pth", "resnet18.pth", "checkpoint.pth"})
    void noByteOfAnyStorageRecordIsRead(String fixture) throws IOException {
        Path file = Resources.path("fixtures/pytorch/" + fixture);
        List<Span> storages = storageRecords(file);
        CountingOpener counting = new CountingOpener();

        Model model = new TorchReader().read(file, counting);

        assertThat(model.tensors()).isNotEmpty();
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

    @Test
    void aRealModelIsSummarizedFromUnderFivePercentOfItsBytes() throws IOException {
        Path file = Resources.path("fixtures/pytorch/small_real.pth");
        CountingOpener counting = new CountingOpener();

        new TorchReader().read(file, counting);

        assertThat(counting.totalBytes()).isLessThan(Files.size(file) / 20);
    }

    private static List<Span> storageRecords(Path file) throws IOException {
        List<Span> spans = new ArrayList<>();
        try (SeekableByteChannel channel = ChannelOpener.FILES.open(file)) {
            ZipDirectory zip = ZipDirectory.read(channel);
            for (ZipDirectory.Entry entry : zip.entries()) {
                if (entry.name().contains("/data/")) {
                    long dataStart = zip.dataOffset(channel, entry);
                    spans.add(new Span(entry.name(), entry.localHeaderOffset(), dataStart + entry.compressedSize()));
                }
            }
        }
        return spans;
    }
}
