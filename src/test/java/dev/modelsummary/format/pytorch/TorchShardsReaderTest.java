package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded torch checkpoints (tools/fixtures/make_pytorch_shards.py) read as one model. */
class TorchShardsReaderTest {
    private static final String SHARD1 = "pytorch_model-00001-of-00002.bin";
    private static final String SHARD2 = "pytorch_model-00002-of-00002.bin";
    private static final String INDEX = "pytorch_model.bin.index.json";

    @TempDir
    Path tmp;

    private static Path folder() {
        return Resources.path("fixtures/pytorch/sharded");
    }

    private static List<String> described(Model model) {
        return model.tensors().stream()
                .map(t -> t.name() + " " + t.shape() + " " + t.dtype() + " " + t.role() + " " + t.trainable())
                .toList();
    }

    @Test
    void theFolderAndTheIndexGiveTheUnshardedStateDict() throws IOException {
        Model whole = WeightReaders.standard().read(Resources.path("fixtures/pytorch/sharded_whole.pth"));
        Model byFolder = WeightReaders.standard().read(folder());
        Model byIndex = WeightReaders.standard().read(folder().resolve(INDEX));

        assertThat(whole.tensors()).hasSize(11);
        assertThat(described(byFolder)).containsExactlyElementsOf(described(whole));
        assertThat(described(byIndex)).containsExactlyElementsOf(described(whole));
        assertThat(byFolder.format()).isEqualTo("pytorch");
        assertThat(byIndex.format()).isEqualTo("pytorch");
        assertThat(byFolder.name()).isEqualTo("sharded");
        assertThat(byFolder.warnings()).isEmpty();
        assertThat(WeightReaders.standard().choose(folder().resolve(INDEX))).isInstanceOf(TorchShardsReader.class);
    }

    @Test
    void aFolderOfShardsWithoutAnIndexIsReadInFileNameOrder() throws IOException {
        copy(SHARD2);
        copy(SHARD1);
        Model whole = WeightReaders.standard().read(Resources.path("fixtures/pytorch/sharded_whole.pth"));

        assertThat(described(WeightReaders.standard().read(tmp))).containsExactlyElementsOf(described(whole));
    }

    @Test
    void aMissingShardIsNamed() throws IOException {
        copy(INDEX);
        copy(SHARD1);

        assertThatThrownBy(() -> WeightReaders.standard().read(tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("Shard '" + SHARD2 + "' does not exist.");
    }

    @Test
    void aTensorListedButNotInItsShardIsNamed() throws IOException {
        copy(SHARD1);
        copy(SHARD2);
        Files.writeString(tmp.resolve(INDEX), index().replace("\"head.bias\": \"" + SHARD2 + "\"",
                "\"head.bias\": \"" + SHARD2 + "\",\n    \"head.extra\": \"" + SHARD2 + "\""));

        assertThatThrownBy(() -> WeightReaders.standard().read(tmp.resolve(INDEX)))
                .isInstanceOf(FormatException.class)
                .hasMessage("Index lists tensor 'head.extra' in shard '" + SHARD2 + "', which does not hold it.");
    }

    @Test
    void aShardTensorMissingFromTheIndexIsNamed() throws IOException {
        copy(SHARD1);
        copy(SHARD2);
        Files.writeString(tmp.resolve(INDEX), index().replace("    \"head.bias\": \"" + SHARD2 + "\",\n", ""));

        assertThatThrownBy(() -> WeightReaders.standard().read(tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("Shard '" + SHARD2 + "' holds tensor 'head.bias', which the index does not list.");
    }

    @Test
    void aShardPathLeavingTheFolderIsRefused() throws IOException {
        copy(SHARD1);
        copy(SHARD2);
        Files.writeString(tmp.resolve(INDEX), index().replace("\"head.bias\": \"" + SHARD2 + "\"",
                "\"head.bias\": \"../" + SHARD2 + "\""));

        assertThatThrownBy(() -> WeightReaders.standard().read(tmp.resolve(INDEX)))
                .isInstanceOf(FormatException.class)
                .hasMessage("Index maps tensor 'head.bias' to the shard path '../" + SHARD2
                        + "', which is not a file inside the index's directory.");
    }

    @Test
    void aShardTensorTheIndexPutsInAnotherShardIsNamed() throws IOException {
        copy(SHARD1);
        copy(SHARD2);
        Files.writeString(tmp.resolve(INDEX), index().replace("\"fc.bias\": \"" + SHARD1 + "\"",
                "\"fc.bias\": \"" + SHARD2 + "\""));

        assertThatThrownBy(() -> WeightReaders.standard().read(tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("Shard '" + SHARD1 + "' holds tensor 'fc.bias', which the index lists in shard '"
                        + SHARD2 + "'.");
    }

    @Test
    void aBrokenShardsErrorNamesTheShard() throws IOException {
        copy(INDEX);
        copy(SHARD1);
        Files.write(tmp.resolve(SHARD2), new byte[] {1, 2, 3});

        assertThatThrownBy(() -> WeightReaders.standard().read(tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("Shard '" + SHARD2 + "': File is neither a torch.save ZIP archive nor a legacy "
                        + "torch.save stream.");
    }

    @Test
    void aFolderWithSafetensorsToo_isTheSafetensorsReaders() throws IOException {
        copy(SHARD1);
        copy(SHARD2);
        Files.copy(Resources.path("fixtures/safetensors/all_torch_dtypes.safetensors"), tmp.resolve("model.safetensors"));

        assertThat(WeightReaders.standard().read(tmp).format()).isEqualTo("safetensors");
    }

    @Test
    void ptAndPthIndexesAreClaimedByName() throws IOException {
        for (String name : List.of("model.pt.index.json", "model.pth.index.json", "x.BIN.INDEX.JSON")) {
            Path file = Files.writeString(tmp.resolve(name), "{}");
            assertThat(WeightReaders.standard().choose(file)).as(name).isInstanceOf(TorchShardsReader.class);
        }
    }

    @Test
    void aFolderWithNothingReadableSaysWhatWasExpected() throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "hello");

        assertThatThrownBy(() -> WeightReaders.standard().read(tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("Directory holds no model files that a reader recognises (expected *.safetensors "
                        + "shards, a model.safetensors.index.json, pytorch_model-*-of-*.bin shards, a "
                        + "pytorch_model.bin.index.json or a torch.distributed.checkpoint .metadata).");
    }

    @Test
    void noByteOfAnyStorageRecordIsRead() throws IOException {
        CountingOpener counting = new CountingOpener();

        Model model = new TorchShardsReader().read(folder(), counting);

        assertThat(model.tensors()).hasSize(11);
        for (String shard : List.of(SHARD1, SHARD2)) {
            Path file = folder().resolve(shard);
            try (SeekableByteChannel channel = ChannelOpener.FILES.open(file)) {
                ZipDirectory zip = ZipDirectory.read(channel);
                for (ZipDirectory.Entry entry : zip.entries()) {
                    if (!entry.name().contains("/data/")) {
                        continue;
                    }
                    long start = entry.localHeaderOffset();
                    long end = zip.dataOffset(channel, entry) + entry.compressedSize();
                    for (CountingOpener.Read read : counting.reads()) {
                        if (read.file().equals(file)) {
                            assertThat(read.end() <= start || read.position() >= end)
                                    .as("read at %d of %s overlaps %s", read.position(), shard, entry.name())
                                    .isTrue();
                        }
                    }
                }
            }
        }
        assertThat(counting.totalBytes()).isLessThan(
                (Files.size(folder().resolve(SHARD1)) + Files.size(folder().resolve(SHARD2))) / 5);
    }

    private static String index() throws IOException {
        return Files.readString(folder().resolve(INDEX), StandardCharsets.UTF_8);
    }

    private void copy(String name) throws IOException {
        Files.copy(folder().resolve(name), tmp.resolve(name));
    }
}
