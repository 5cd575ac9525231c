package dev.modelsummary.format.safetensors;

import dev.modelsummary.testutil.CountingOpener;
import static dev.modelsummary.format.safetensors.StFiles.file;
import static dev.modelsummary.format.safetensors.StFiles.header;
import static dev.modelsummary.format.safetensors.StFiles.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sharded checkpoints: an index with its shards, or a folder of shards. */
class SafetensorsShardTest {
    private static final String SHARDED = "fixtures/safetensors/sharded";

    @TempDir
    Path dir;

    private final SafetensorsReader reader = new SafetensorsReader();

    /** A shard holding one F32 [1] tensor per name, in the given key order. */
    private Path shard(String fileName, String... names) {
        String[] entries = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            entries[i] = tensor(names[i], "F32", "[1]", 4L * i, 4L * i + 4);
        }
        return StFiles.write(dir.resolve(fileName), file(header(entries), 4L * names.length));
    }

    private Path index(String weightMap) {
        return StFiles.write(dir.resolve("model.safetensors.index.json"),
                ("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {" + weightMap + "}}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> names(Model model) {
        return model.tensors().stream().map(TensorEntry::name).toList();
    }

    private void assertFails(Path path, String message) {
        assertThatThrownBy(() -> reader.read(path, ChannelOpener.FILES)).isInstanceOf(FormatException.class)
                .hasMessage(message);
    }

    @Test
    void theFixtureFolderReadsInWeightMapOrderWithTorchsRoles() throws IOException {
        Path folder = Resources.path(SHARDED);
        Model model = reader.read(folder, ChannelOpener.FILES);
        List<Expected> expected = Expected.load("fixtures/safetensors/sharded.expected.json");
        assertThat(model.tensors())
                .extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype, TensorEntry::role)
                .containsExactlyElementsOf(expected.stream()
                        .map(e -> tuple(e.name(), e.shape(), e.dtype(), e.role())).toList());
        assertThat(model.name()).isEqualTo("sharded");
        assertThat(model.source()).isEqualTo(folder.toString());
        assertThat(model.format()).isEqualTo("safetensors");
    }

    @Test
    void theIndexFileItselfReadsTheSameAndIsNamedAfterItsFolder() throws IOException {
        Path index = Resources.path(SHARDED + "/model.safetensors.index.json");
        Model viaIndex = reader.read(index, ChannelOpener.FILES);
        Model viaFolder = reader.read(Resources.path(SHARDED), ChannelOpener.FILES);
        assertThat(viaIndex.tensors()).isEqualTo(viaFolder.tensors());
        assertThat(viaIndex.name()).isEqualTo("sharded");
        assertThat(viaIndex.source()).isEqualTo(index.toString());
    }

    @Test
    void weightMapKeyOrderWinsOverShardAndNameOrder() throws IOException {
        shard("s1.safetensors", "a", "c");
        shard("s2.safetensors", "b");
        index("\"c\": \"s1.safetensors\", \"b\": \"s2.safetensors\", \"a\": \"s1.safetensors\"");
        assertThat(names(reader.read(dir, ChannelOpener.FILES))).containsExactly("c", "b", "a");
    }

    @Test
    void aTensorTheShardLacksIsNamedWithTheShard() {
        shard("s1.safetensors", "a");
        Path index = index("\"a\": \"s1.safetensors\", \"ghost\": \"s1.safetensors\"");
        assertFails(index, "Index lists tensor 'ghost' in shard 's1.safetensors', which does not hold it.");
    }

    @Test
    void aTensorTheIndexDoesNotListIsNamedWithTheShard() {
        shard("s1.safetensors", "a", "stowaway");
        Path index = index("\"a\": \"s1.safetensors\"");
        assertFails(index, "Shard 's1.safetensors' holds tensor 'stowaway', which the index does not list.");
    }

    @Test
    void aTensorFoundInAnotherShardThanListedIsRefused() {
        shard("s1.safetensors", "a", "b");
        shard("s2.safetensors", "b");
        Path index = index("\"a\": \"s1.safetensors\", \"b\": \"s2.safetensors\"");
        assertFails(index, "Shard 's1.safetensors' holds tensor 'b', which the index lists in shard 's2.safetensors'.");
    }

    @Test
    void aMissingShardFileIsNamed() {
        shard("s1.safetensors", "a");
        Path index = index("\"a\": \"s1.safetensors\", \"b\": \"s2.safetensors\"");
        assertFails(index, "Shard 's2.safetensors' does not exist.");
    }

    @Test
    void aShardThatIsADirectoryIsRefused() throws IOException {
        Files.createDirectory(dir.resolve("s1.safetensors"));
        assertFails(index("\"a\": \"s1.safetensors\""), "Shard 's1.safetensors' is not a regular file.");
    }

    @Test
    void anInvalidShardIsNamedBeforeItsOwnMessage() {
        StFiles.write(dir.resolve("s1.safetensors"), file(header(tensor("a", "F32", "[1]", 0, 4)), 5));
        assertFails(index("\"a\": \"s1.safetensors\""),
                "Shard 's1.safetensors': Tensors fill '4' bytes of data"
                        + " but the file holds '5' bytes after the header.");
    }

    /** Each value goes into the index as JSON string text, so a JSON-escaped backslash is one backslash in the path. */
    @ParameterizedTest
    @ValueSource(strings = {"../outside.safetensors", "sub/../../outside.safetensors", "..", ".", "",
            "/etc/passwd", "\\\\server\\\\share\\\\x.safetensors", "C:\\\\x.safetensors", "..\\\\outside.safetensors",
            "http://evil.example/x.safetensors", "//evil.example/x.safetensors", "file:x.safetensors"})
    void shardPathsThatLeaveTheIndexFolderAreRefusedBeforeAnythingIsOpened(String shardPath) throws IOException {
        Path inner = Files.createDirectory(dir.resolve("inner"));
        StFiles.write(dir.resolve("outside.safetensors"), file(header(tensor("a", "F32", "[1]", 0, 4)), 4));
        StFiles.write(inner.resolve("ok.safetensors"), file(header(tensor("b", "F32", "[1]", 0, 4)), 4));
        Path index = StFiles.write(inner.resolve("model.safetensors.index.json"),
                ("{\"weight_map\": {\"b\": \"ok.safetensors\", \"a\": \"" + shardPath + "\"}}")
                        .getBytes(StandardCharsets.UTF_8));
        CountingOpener opener = new CountingOpener();

        String shown = shardPath.replace("\\\\", "\\");
        assertThatThrownBy(() -> reader.read(index, opener)).isInstanceOf(FormatException.class)
                .hasMessage("Index maps tensor 'a' to the shard path '" + shown
                        + "', which is not a file inside the index's directory.");
        assertThat(opener.opened()).containsExactly(index.toAbsolutePath().normalize());
    }

    @Test
    void shardsInASubfolderOfTheIndexAreFine() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        shard("sub/s1.safetensors", "a");
        assertThat(names(reader.read(index("\"a\": \"sub/s1.safetensors\""), ChannelOpener.FILES)))
                .containsExactly("a");
    }

    @Test
    void eachShardIsOpenedOnceEvenWhenNamedTwoWays() throws IOException {
        shard("s1.safetensors", "a", "b");
        CountingOpener opener = new CountingOpener();
        Path index = index("\"a\": \"s1.safetensors\", \"b\": \"./s1.safetensors\"");
        assertThat(names(reader.read(index, opener))).containsExactly("a", "b");
        assertThat(opener.opened()).containsExactly(index.toAbsolutePath().normalize(),
                dir.resolve("s1.safetensors").toAbsolutePath().normalize());
    }

    @Test
    void indexProblemsAreReportedAsTheIndexs() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        StFiles.write(index, "{\"metadata\": {}}".getBytes(StandardCharsets.UTF_8));
        assertFails(index, "Index has no 'weight_map'.");
        StFiles.write(index, "{\"weight_map\": []}".getBytes(StandardCharsets.UTF_8));
        assertFails(index, "Index has a 'weight_map' that is not an object.");
        StFiles.write(index, "{\"weight_map\": {\"a\": 1}}".getBytes(StandardCharsets.UTF_8));
        assertFails(index, "Index maps tensor 'a' to '1', which is not a shard file name.");
        StFiles.write(index, "{\"weight_map\": {\"a\": \"s\", \"a\": \"s\"}}".getBytes(StandardCharsets.UTF_8));
        assertFails(index, "Index lists tensor 'a' twice.");
        StFiles.write(index, "{\"weight_map\": {}, \"weight_map\": {}}".getBytes(StandardCharsets.UTF_8));
        assertFails(index, "Index has 'weight_map' twice.");
        StFiles.write(index, "{\"weight_map\": {}".getBytes(StandardCharsets.UTF_8));
        assertFails(index, "Index is not valid JSON: Unexpected end-of-input:"
                + " expected close marker for Object (line 1, column 18).");
        StFiles.write(index, new byte[] {'{', (byte) 0xc3, '}'});
        assertFails(index, "Index is not valid UTF-8: byte '1' of the file starts a malformed sequence.");
    }

    @Test
    void anEmptyWeightMapIsAModelWithoutTensors() throws IOException {
        assertThat(reader.read(index(""), ChannelOpener.FILES).tensors()).isEmpty();
    }

    @Test
    void anIndexOverTheLimitIsRefusedWithoutReadingIt() throws IOException {
        Path index = dir.resolve("big.safetensors.index.json");
        try (RandomAccessFile f = new RandomAccessFile(index.toFile(), "rw")) {
            f.setLength(100_000_001L); // sparse: no disk used
        }
        CountingOpener opener = new CountingOpener();
        assertThatThrownBy(() -> reader.read(index, opener)).isInstanceOf(FormatException.class)
                .hasMessage("Index is '100000001' bytes, over the limit of '100000000' bytes (raise with --limit index-json-bytes=N).");
        assertThat(opener.totalBytes()).isZero();
    }

    @Test
    void aFolderWithoutAnIndexIsReadFileByFileInSortedNameOrder() throws IOException {
        shard("b.safetensors", "z", "y");
        shard("a.safetensors", "x");
        shard("c.safetensors", "w");
        Files.writeString(dir.resolve("README.md"), "not a shard");
        Model model = reader.read(dir, ChannelOpener.FILES);
        assertThat(names(model)).containsExactly("x", "z", "y", "w");
        assertThat(model.name()).isEqualTo(dir.getFileName().toString());
    }

    @Test
    void aFolderWithoutAnIndexMustNotRepeatANameAcrossFiles() {
        shard("a.safetensors", "x");
        shard("b.safetensors", "x");
        assertFails(dir, "Tensor 'x' is in both 'a.safetensors' and 'b.safetensors'.");
    }

    @Test
    void theStandardIndexNameIsPreferredOverOthers() throws IOException {
        shard("s1.safetensors", "a");
        shard("s2.safetensors", "b");
        index("\"a\": \"s1.safetensors\"");
        StFiles.write(dir.resolve("other.safetensors.index.json"),
                "{\"weight_map\": {\"b\": \"s2.safetensors\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(names(reader.read(dir, ChannelOpener.FILES))).containsExactly("a");
    }

    @Test
    void aSingleIndexOfAnotherNameIsUsed() throws IOException {
        shard("s2.safetensors", "b");
        StFiles.write(dir.resolve("diffusion_pytorch_model.safetensors.index.json"),
                "{\"weight_map\": {\"b\": \"s2.safetensors\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(names(reader.read(dir, ChannelOpener.FILES))).containsExactly("b");
    }

    @Test
    void severalIndexesWithoutTheStandardOneAreAmbiguous() {
        StFiles.write(dir.resolve("b.safetensors.index.json"), "{}".getBytes(StandardCharsets.UTF_8));
        StFiles.write(dir.resolve("a.safetensors.index.json"), "{}".getBytes(StandardCharsets.UTF_8));
        assertFails(dir, "Directory holds several shard indexes ("
                + "'a.safetensors.index.json', 'b.safetensors.index.json') "
                + "and none is named 'model.safetensors.index.json'; name the one to read.");
    }

    @Test
    void aFolderWithNothingToReadIsNotClaimed() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThat(reader.readsDirectory(dir)).isFalse();
        assertFails(dir, "Directory holds no *.safetensors files and no shard index.");
        assertThatThrownBy(() -> WeightReaders.standard().read(dir)).isInstanceOf(FormatException.class);
    }

    @Test
    void aFolderOfShardsIsClaimed() {
        shard("only.safetensors", "a");
        assertThat(reader.readsDirectory(dir)).isTrue();
    }
}
