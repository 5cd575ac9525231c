package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one rule for files read beside the named one, through every reader that opens siblings: names from a
 * manifest stay in its folder, and symbolic links that lead outside the folder the user named are refused.
 */
class SiblingFilesTest {
    @TempDir
    Path tmp;

    private final WeightReaders readers = WeightReaders.standard();

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example/x.bin", "https://h/x", "//evil.example/x.bin", "/etc/passwd",
            "\\\\host\\share\\x", "../x.bin", "a/../../x.bin", "a/..", "C:x", "file:x.bin", "", "x\0.bin"})
    void namesThatLeaveTheFolderOrNameAHostEscape(String name) {
        assertThat(SiblingFiles.escapes(name)).isTrue();
        assertThat(SiblingFiles.resolve(tmp, name)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"model-00001-of-00002.safetensors", "group1-shard1of1.bin", "sub/x.bin", "a..b.bin",
            "./x.bin"})
    void plainRelativeNamesResolveInsideTheFolder(String name) {
        assertThat(SiblingFiles.escapes(name)).isFalse();
        assertThat(SiblingFiles.resolve(tmp, name)).isEqualTo(tmp.resolve(name).normalize());
    }

    /** The fixture folder {@code fixture} copied to {@code tmp/model}; its files are real, not links. */
    private Path copy(String fixture) throws IOException {
        Path from = Resources.path("fixtures/" + fixture);
        Path to = Files.createDirectories(tmp.resolve("model"));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
        return to;
    }

    /** Moves {@code folder/name} to {@code tmp/outside/name} and leaves a link to it in its place. */
    private Path linkOutside(Path folder, String name) throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside")).resolve(name);
        Files.move(folder.resolve(name), outside);
        Files.createSymbolicLink(folder.resolve(name), outside);
        return outside;
    }

    private void refused(Path input, Path link, Path target) throws IOException {
        Path real = target.toRealPath();
        assertThatThrownBy(() -> readers.read(input)).isInstanceOf(FormatException.class)
                .hasMessageContaining("symbolic link '" + link + "' to '" + real + "'")
                .hasMessageContaining("outside the folder")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"safetensors/sharded:model.safetensors.index.json:model-00002-of-00003.safetensors",
            "safetensors/sharded::model-00001-of-00003.safetensors",
            "pytorch/sharded:pytorch_model.bin.index.json:pytorch_model-00002-of-00002.bin",
            "pytorch/sharded::pytorch_model-00001-of-00002.bin",
            "tfjs/sharded:model.json:group1-shard2of2.bin"})
    void aShardLinkedFromOutsideTheFolderIsRefused(String spec) throws Exception {
        String[] parts = spec.split(":", -1);
        Path folder = copy(parts[0]);
        Path outside = linkOutside(folder, parts[2]);
        Path input = parts[1].isEmpty() ? folder : folder.resolve(parts[1]);
        refused(input, folder.resolve(parts[2]), outside);
    }

    @Test
    void aGgufSplitPartLinkedFromOutsideIsRefused() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("model"));
        for (String part : new String[] {"tiny-llama-split-00001-of-00002.gguf", "tiny-llama-split-00002-of-00002.gguf"}) {
            Files.copy(Resources.path("fixtures/gguf/" + part), folder.resolve(part));
        }
        Path outside = linkOutside(folder, "tiny-llama-split-00002-of-00002.gguf");
        refused(folder.resolve("tiny-llama-split-00001-of-00002.gguf"),
                folder.resolve("tiny-llama-split-00002-of-00002.gguf"), outside);
    }

    @Test
    void anIndexNamingASubFolderLinkedOutsideIsRefusedNamingTheFolderLink() throws Exception {
        Path folder = copy("safetensors/sharded");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.move(folder.resolve("model-00001-of-00003.safetensors"), elsewhere.resolve("model-00001-of-00003.safetensors"));
        Files.createSymbolicLink(folder.resolve("sub"), elsewhere);
        Path index = folder.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("\"model-00001-of-00003.safetensors\"",
                "\"sub/model-00001-of-00003.safetensors\""));
        refused(index, folder.resolve("sub"), elsewhere.resolve("model-00001-of-00003.safetensors"));
    }

    @Test
    void linksThatStayInsideTheFolderAreReadAndTheNamedPathMayItselfBeALink() throws Exception {
        Path folder = copy("safetensors/sharded");
        Model plain = readers.read(folder.resolve("model.safetensors.index.json"));
        // a shard moved into a sub-folder and linked from its old name: still inside
        Path sub = Files.createDirectories(folder.resolve("blobs"));
        Files.move(folder.resolve("model-00001-of-00003.safetensors"), sub.resolve("blob1"));
        Files.createSymbolicLink(folder.resolve("model-00001-of-00003.safetensors"), Path.of("blobs/blob1"));
        assertThat(readers.read(folder.resolve("model.safetensors.index.json")).tensors()).isEqualTo(plain.tensors());
        // the folder the user names is a link to it: the user chose it
        Path named = Files.createSymbolicLink(tmp.resolve("named"), folder);
        assertThat(readers.read(named).tensors()).isEqualTo(plain.tensors());
    }

    @Test
    void aFolderWithMoreShardsThanTheLimitIsRefusedBeforeAnyIsOpened() throws Exception {
        Path folder = copy("safetensors/sharded");
        Files.delete(folder.resolve("model.safetensors.index.json"));
        Limits two = Limits.DEFAULT.with(Limit.SHARD_FILES, 2);
        assertThatThrownBy(() -> two.using(() -> readers.read(folder))).isInstanceOf(FormatException.class)
                .hasMessage("Directory names '3' files to read beside it, over the limit of '2' "
                        + "(raise with --limit shard-files=N).");
    }

    @Test
    void aTfjsManifestNamingOneShardManyTimesMeasuresItOnceAndCountsItOnce() throws Exception {
        Path folder = copy("tfjs/sharded");
        Path json = folder.resolve("model.json");
        String text = Files.readString(json, StandardCharsets.UTF_8);
        Files.writeString(json, text.replace("\"paths\": [\"group1-shard1of2.bin\", \"group1-shard2of2.bin\"]",
                "\"paths\": [\"group1-shard1of2.bin\", \"./group1-shard2of2.bin\"]"));
        Limits two = Limits.DEFAULT.with(Limit.SHARD_FILES, 2);
        assertThat(two.using(() -> readers.read(json)).tensors()).isNotEmpty();
        Limits one = Limits.DEFAULT.with(Limit.SHARD_FILES, 1);
        assertThatThrownBy(() -> one.using(() -> readers.read(json))).isInstanceOf(FormatException.class)
                .hasMessageContaining("model.json names '2' files").hasMessageContaining("--limit shard-files=N");
    }

    /** The Hugging Face cache: every file of a snapshot folder is a relative link into the repo's blobs. */
    @Test
    void aHubCacheSnapshotWhoseFilesLinkIntoItsBlobsIsRead() throws Exception {
        Path plain = copy("safetensors/sharded");
        Path repo = tmp.resolve("hub/models--acme--tiny");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abc"));
        int n = 0;
        try (Stream<Path> files = Files.list(plain)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String hash = "b" + n++;
                Files.copy(f, blobs.resolve(hash));
                Files.createSymbolicLink(snapshot.resolve(f.getFileName().toString()), Path.of("../../blobs/" + hash));
            }
        }
        assertThat(readers.read(snapshot).tensors()).isEqualTo(readers.read(plain).tensors());
        // the same links from a folder named otherwise, to a folder that is no Hub cache's blobs: refused
        Path elsewhere = Files.move(blobs, Files.createDirectories(tmp.resolve("x")).resolve("blobs"));
        Files.delete(snapshot.resolve("model.safetensors.index.json"));
        Files.createSymbolicLink(snapshot.resolve("model.safetensors.index.json"), elsewhere.resolve("b3"));
        assertThatThrownBy(() -> readers.read(snapshot)).isInstanceOf(FormatException.class)
                .hasMessageContaining("outside the folder");
    }
}
