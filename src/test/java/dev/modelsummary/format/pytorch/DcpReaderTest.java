package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.PickleBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torch.distributed.checkpoint folders: the listing is {@code .metadata} (written by
 * {@code tools/fixtures/make_dcp_fixtures.py} as torch 2.x pickles it), a shard alone is refused, and the
 * metadata pickle is scanned like any other.
 */
class DcpReaderTest {
    /**
     * Read from the source tree: Maven's resource copy leaves dotfiles such as {@code .metadata} out of
     * target/test-classes, and the tests run from the project root.
     */
    private static final Path SIMPLE = Path.of("src", "test", "resources", "fixtures", "dcp", "simple");
    private static final String META = "torch.distributed.checkpoint.metadata";
    private static final String FS = "torch.distributed.checkpoint.filesystem";

    @TempDir
    Path dir;

    @Test
    void aFolderListsEveryTensorOfItsMetadataWithItsGlobalShapeAndDtype() throws IOException {
        Model model = WeightReaders.standard().read(SIMPLE);
        JsonNode expected = new ObjectMapper().readTree(SIMPLE.resolveSibling("simple.expected.json").toFile());

        assertThat(model.format()).isEqualTo(DcpReader.FORMAT);
        assertThat(model.name()).isEqualTo("simple");
        assertThat(model.warnings()).isEmpty();
        List<String> listed = model.tensors().stream()
                .map(t -> t.name() + " " + t.shape() + " " + t.dtype().torchName()).toList();
        assertThat(listed).containsExactlyElementsOf(expectedTensors(expected)).hasSize(11);
        assertThat(model.details().facts()).contains(new Fact("DCP metadata version", "1.0.0"));
        assertThat(model.details().facts()).anyMatch(f -> f.label().equals("non-tensor entries")
                && f.value().startsWith(expected.get("non_tensors").size() + " "));
        assertThat(model.details().facts()).anyMatch(f -> f.label().equals("DCP checkpoint")
                && f.value().startsWith("2 shard files"));
        assertThat(model.details().notes()).anyMatch(n -> n.contains("guess"));
        assertThat(model.tensors()).filteredOn(t -> t.name().endsWith("num_batches_tracked"))
                .extracting(TensorEntry::role).containsExactly(Role.BUFFER);
        PickleScan scan = model.details().pickle();
        assertThat(scan.pickles()).as(".metadata and the torch.save archives of the 2 non-tensor entries")
                .isEqualTo(3);
        assertThat(scan.isClean()).isTrue();
    }

    /**
     * A non-tensor entry's bytes are read by dcp.load with torch.load(weights_only=False): a payload there runs
     * on load, so it is scanned like the metadata (it once went unread, and the scan said clean).
     */
    @Test
    void aPayloadInANonTensorEntryReachesTheVerdict() throws IOException {
        Model model = WeightReaders.standard().read(SIMPLE.resolveSibling("hostile-object"));

        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("model.weight");
        PickleScan scan = model.details().pickle();
        assertThat(scan.pickles()).isEqualTo(2);
        assertThat(scan.isClean()).isFalse();
        assertThat(scan.imports()).anyMatch(i -> i.name().equals("posix.system")
                && i.verdict() == PickleScan.Verdict.DANGEROUS);
    }

    /**
     * FSDP2 over 4 ranks as Python 3.13 pickles .metadata: its PosixPath is {@code pathlib._local.PosixPath}
     * (once judged dangerous: exit 4 under --strict for every DCP save on 3.13), the enum member by value; an
     * empty shard, a 2-D sharded weight, a replicated bias listed where rank 1's plan puts it.
     */
    @Test
    void anFsdpCheckpointPickledByPython313ListsLikeTorch() throws IOException {
        Path fsdp = SIMPLE.resolveSibling("fsdp");
        Model model = WeightReaders.standard().read(fsdp);
        JsonNode expected = new ObjectMapper().readTree(fsdp.resolveSibling("fsdp.expected.json").toFile());

        assertThat(model.warnings()).isEmpty();
        assertThat(model.tensors().stream().map(t -> t.name() + " " + t.shape() + " " + t.dtype().torchName()))
                .containsExactlyElementsOf(expectedTensors(expected)).hasSize(6);
        assertThat(model.tensors().get(model.tensors().size() - 1).name()).isEqualTo("model.head.bias");
        assertThat(model.details().facts()).anyMatch(f -> f.label().equals("DCP checkpoint")
                && f.value().startsWith("4 shard files") && f.value().contains("18 tensor chunks"));
        assertThat(model.details().facts()).anyMatch(f -> f.label().equals("non-tensor entries")
                && f.value().startsWith("4 "));
        assertThat(model.details().pickle().isClean()).isTrue();
    }

    /**
     * dcp.save(use_collectives=False): no .metadata, each rank's own __<rank>.metadata with its chunks only. Once
     * refused ("holds no model files"); now merged into the listing of the collective save.
     */
    @Test
    void rankLocalMetadataFilesAreMergedIntoOneListing() throws IOException {
        Path perRank = SIMPLE.resolveSibling("fsdp-per-rank");
        assertThat(Files.exists(perRank.resolve(".metadata"))).isFalse();
        Model model = WeightReaders.standard().read(perRank);
        JsonNode expected = new ObjectMapper().readTree(
                SIMPLE.resolveSibling("fsdp-per-rank.expected.json").toFile());

        assertThat(model.warnings()).as("the replicated tensors every rank saved are not overlapping chunks")
                .isEmpty();
        assertThat(model.tensors().stream().map(t -> t.name() + " " + t.shape() + " " + t.dtype().torchName()))
                .containsExactlyElementsOf(expectedTensors(expected)).hasSize(6);
        assertThat(model.details().facts()).anyMatch(f -> f.label().equals("DCP rank-local metadata")
                && f.value().startsWith("4 "));
        assertThat(model.details().facts()).anyMatch(f -> f.label().equals("DCP checkpoint")
                && f.value().contains("18 tensor chunks"));
        assertThat(model.details().pickle().pickles()).as("4 metadata files and 4 x 4 objects").isEqualTo(20);

        // one rank's file alone lists that rank's chunks, and says the rest is missing
        Model rank1 = WeightReaders.standard().read(perRank.resolve("__1.metadata"));
        assertThat(rank1.warnings()).anyMatch(w -> w.contains("add up to"));
    }

    /** Python 3.14: protocol 5, pathlib.PosixPath from one string. */
    @Test
    void aCheckpointPickledByPython314ListsLikeTorch() throws IOException {
        Path py314 = SIMPLE.resolveSibling("simple-py314");
        assertThat(Files.readAllBytes(py314.resolve(".metadata"))[1]).isEqualTo((byte) 5);
        Model model = WeightReaders.standard().read(py314);
        JsonNode expected = new ObjectMapper().readTree(SIMPLE.resolveSibling("simple.expected.json").toFile());

        assertThat(model.warnings()).isEmpty();
        assertThat(model.tensors().stream().map(t -> t.name() + " " + t.shape() + " " + t.dtype().torchName()))
                .containsExactlyElementsOf(expectedTensors(expected));
        assertThat(model.details().pickle().isClean()).isTrue();
    }

    @Test
    void theMetadataFileGivenDirectlyReadsAsItsFolder() throws IOException {
        Model folder = WeightReaders.standard().read(SIMPLE);
        Model file = WeightReaders.standard().read(SIMPLE.resolve(".metadata"));

        assertThat(file.format()).isEqualTo(DcpReader.FORMAT);
        assertThat(file.name()).isEqualTo("simple");
        assertThat(file.tensors()).isEqualTo(folder.tensors());
    }

    @Test
    void aShardAloneIsRefusedAsAShardOfADcpCheckpoint() {
        assertThatThrownBy(() -> WeightReaders.standard().read(SIMPLE.resolve("__0_0.distcp")))
                .isInstanceOf(FormatException.class)
                .hasMessageContaining("shard of a torch.distributed.checkpoint")
                .hasMessageContaining("pass the folder");
    }

    @Test
    void getattrBeyondTheEnumLookupIsDangerous() throws IOException {
        // getattr(Metadata, '__init__'): the first step of reaching a function's globals
        Path folder = checkpoint(p -> p.global("builtins", "getattr").global(META, "Metadata").str("__init__")
                .op(0x86).reduce());

        PickleScan scan = WeightReaders.standard().read(folder).details().pickle();

        assertThat(scan.named(PickleScan.Verdict.DANGEROUS)).contains("builtins.getattr");
    }

    @Test
    void theEnumLookupItselfIsAllowed() throws IOException {
        Path folder = checkpoint(p -> p.global("builtins", "getattr").global(META, "_MEM_FORMAT_ENCODING")
                .str("TORCH_CHANNELS_LAST").op(0x86).reduce());

        Model model = WeightReaders.standard().read(folder);

        assertThat(model.details().pickle().isClean()).isTrue();
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("w");
    }

    @Test
    void aSystemCallInTheMetadataReachesTheVerdict() throws IOException {
        Path folder = checkpoint(p -> p.global("posix", "system").str("true").op(0x85).reduce());

        PickleScan scan = WeightReaders.standard().read(folder).details().pickle();

        assertThat(scan.dangerous()).isTrue();
        assertThat(scan.named(PickleScan.Verdict.DANGEROUS)).contains("posix.system");
    }

    @Test
    void aStorageRecordOutsideTheFolderIsRefused() throws IOException {
        Path folder = checkpoint(new long[] {2, 3}, new long[] {0, 0}, new long[] {2, 3}, "../__0_0.distcp", 8,
                p -> p.none());
        assertThat(error(folder)).contains("'../__0_0.distcp'", "not a file of the checkpoint's own folder");
    }

    @Test
    void aStorageRecordPastItsShardFileIsRefused() throws IOException {
        Path folder = checkpoint(new long[] {2, 3}, new long[] {0, 0}, new long[] {2, 3}, "__0_0.distcp", 1000,
                p -> p.none());
        assertThat(error(folder)).contains("reaches byte 1000", "holds 100 bytes");
    }

    @Test
    void aMissingShardFileIsRefused() throws IOException {
        Path folder = checkpoint(new long[] {2, 3}, new long[] {0, 0}, new long[] {2, 3}, "__9_0.distcp", 8,
                p -> p.none());
        assertThat(error(folder)).contains("'__9_0.distcp'", "missing");
    }

    @Test
    void aChunkPastItsTensorIsRefused() throws IOException {
        Path folder = checkpoint(new long[] {2, 3}, new long[] {1, 0}, new long[] {2, 3}, "__0_0.distcp", 8,
                p -> p.none());
        assertThat(error(folder)).contains("'w'", "chunk reaching 3 in dimension 0");
    }

    /** A custom planner may leave a plain list where torch writes a torch.Size: read as the same dims. */
    @Test
    void sizesAsPlainListsReadLikeTorchSizes() throws IOException {
        plainLists = true;
        Path folder = checkpoint(p -> p.none());
        Model model = new DcpReader().read(folder, ChannelOpener.FILES);
        assertThat(model.tensors()).singleElement().satisfies(t -> assertThat(t.shape().toPythonTuple())
                .isEqualTo("(2, 3)"));
        assertThat(model.warnings()).isEmpty();
    }

    /** An empty chunk places nothing, wherever its offset points: it is not refused, only counted. */
    @Test
    void anEmptyChunkPastItsTensorIsNotRefused() throws IOException {
        Path folder = checkpoint(new long[] {2, 3}, new long[] {5, 0}, new long[] {0, 3}, "__0_0.distcp", 8,
                p -> p.none());
        Model model = new DcpReader().read(folder, ChannelOpener.FILES);
        assertThat(model.tensors()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("w"));
        assertThat(model.warnings()).singleElement().asString().contains("add up to 0 elements where it has 6");
    }

    @Test
    void chunksThatDoNotCoverTheTensorAreWarnedOf() throws IOException {
        Path folder = checkpoint(new long[] {2, 3}, new long[] {0, 0}, new long[] {1, 3}, "__0_0.distcp", 8,
                p -> p.none());
        Model model = WeightReaders.standard().read(folder);
        assertThat(model.warnings()).singleElement().asString().contains("'w'", "add up to 3 elements where it has 6");
    }

    /** Records written through a stream extension (compression) are not torch.save bytes: said, not scanned. */
    @Test
    void objectsWrittenThroughAStreamTransformAreNamedAsUnscanned() throws IOException {
        Model model = WeightReaders.standard().read(SIMPLE.resolveSibling("transformed"));

        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactly("model.weight");
        assertThat(model.warnings()).singleElement().asString()
                .contains("2 storage records", "'stream.zstd'", "not scanned");
        assertThat(model.details().pickle().pickles()).isEqualTo(1);
    }

    /** A checkpoint of many chunks that reaches the value budget is refused naming the option that raises it. */
    @Test
    void theValueBudgetRefusalNamesItsOption() throws IOException {
        Path folder = checkpoint(p -> p.none());
        Limits low = Limits.DEFAULT.with(Limit.PICKLE_VALUES, 40);
        assertThatThrownBy(() -> low.using(() -> new DcpReader().read(folder, ChannelOpener.FILES)))
                .isInstanceOf(FormatException.class)
                .hasMessageContaining("--limit pickle-values=N");
    }

    @Test
    void aFolderWithoutDcpMetadataIsNotClaimed() throws IOException {
        Files.write(dir.resolve(".metadata"), new byte[] {(byte) 0x80, 4, 'N', '.'});
        assertThat(new DcpReader().readsDirectory(dir)).isFalse();
        assertThat(new DcpReader().readsDirectory(SIMPLE)).isTrue();
    }

    private static List<String> expectedTensors(JsonNode expected) {
        List<String> lines = new ArrayList<>();
        for (JsonNode t : expected.get("tensors")) {
            List<Long> dims = new ArrayList<>();
            t.get("shape").forEach(d -> dims.add(d.asLong()));
            lines.add(t.get("name").asText() + " "
                    + dev.modelsummary.model.Shape.of(dims.stream().mapToLong(Long::longValue).toArray()) + " "
                    + t.get("dtype").asText());
        }
        return lines;
    }

    private String error(Path folder) {
        try {
            new DcpReader().read(folder, ChannelOpener.FILES);
        } catch (FormatException e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a FormatException");
    }

    /** One float32 tensor 'w' (2, 3) in one chunk at byte 0 of __0_0.distcp (100 bytes), with planner_data. */
    private Path checkpoint(Consumer<PickleBuilder> plannerData) throws IOException {
        return checkpoint(new long[] {2, 3}, new long[] {0, 0}, new long[] {2, 3}, "__0_0.distcp", 8, plannerData);
    }

    /**
     * A .metadata as torch 2.x pickles it (NEWOBJ + BUILD of a field dict; TensorProperties' state a tuple),
     * beside a 100-byte __0_0.distcp.
     */
    private Path checkpoint(long[] size, long[] offsets, long[] sizes, String file, long length,
                            Consumer<PickleBuilder> plannerData) throws IOException {
        PickleBuilder p = PickleBuilder.protocol(2);
        object(p, META, "Metadata").mark().str("state_dict_metadata").op('}').mark().str("w");
        object(p, META, "TensorStorageMetadata").mark().str("properties");
        p.global(META, "TensorProperties").emptyTuple().op(0x81).mark(); // its state: a __getstate__ tuple
        p.global("torch", "float32").global("torch.serialization", "_get_layout").str("torch.strided").op(0x85)
                .reduce().op(0x89).global(META, "_MEM_FORMAT_ENCODING").int4(0).op(0x85).reduce().op(0x89).tuple()
                .op('b');
        p.str("size");
        size(p, size).str("chunks").op(']').mark();
        object(p, META, "ChunkStorageMetadata").mark().str("offsets");
        size(p, offsets).str("sizes");
        size(p, sizes).op('u').op('b');
        p.op('e').op('u').op('b').op('u');
        p.str("planner_data");
        plannerData.accept(p);
        p.str("storage_data").op('}').mark();
        object(p, META, "MetadataIndex").mark().str("fqn").str("w").str("offset");
        size(p, offsets).str("index").none().op('u').op('b');
        object(p, FS, "_StorageInfo").mark().str("relative_path").str(file).str("offset").int4(0).str("length")
                .int4((int) length).op('u').op('b');
        p.op('u');
        p.op('u').op('b').stop();
        Files.write(dir.resolve(".metadata"), p.build());
        Files.write(dir.resolve("__0_0.distcp"), new byte[100]);
        return dir;
    }

    /** {@code cls()} by NEWOBJ, then an empty dict for its state (BUILD after the fields). */
    private static PickleBuilder object(PickleBuilder p, String module, String name) {
        return p.global(module, name).emptyTuple().op(0x81).op('}');
    }

    private PickleBuilder size(PickleBuilder p, long[] dims) {
        if (plainLists) {
            p.op(']').mark();
            for (long d : dims) {
                p.int4((int) d);
            }
            return p.op('e');
        }
        return p.global("torch", "Size").ints(dims).op(0x85).reduce();
    }

    /** Sizes and offsets as plain lists instead of torch.Size. */
    private boolean plainLists;
}
