package dev.modelsummary.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** URLs as paths: the operations readers use to find files beside a file. */
class RemotePathTest {
    private final RemoteFileSystem fs = new RemoteFileSystem(new RemoteSettings(null, null, null));

    @Test
    void siblingsResolveInTheSameFolder() throws IOException {
        Path index = fs.url("https://host:8443/a/b/model.safetensors.index.json");

        Path shard = index.toAbsolutePath().getParent().resolve("model-00001-of-00002.safetensors").normalize();

        assertThat(shard.toString()).isEqualTo("https://host:8443/a/b/model-00001-of-00002.safetensors");
        assertThat(shard.startsWith(index.getParent())).isTrue();
        assertThat(index.getFileName().toString()).isEqualTo("model.safetensors.index.json");
    }

    @Test
    void dotDotAndOtherUrlsDoNotStayInsideTheFolder() throws IOException {
        Path folder = fs.url("https://host/a/b/x.json").getParent();

        assertThat(folder.resolve("../c.safetensors").normalize().startsWith(folder)).isFalse();
        assertThat(folder.resolve("https://evil/b/c.safetensors").normalize().startsWith(folder)).isFalse();
    }

    @Test
    void namesAreEncodedInTheUrlAndTheQueryIsNotShown() throws IOException {
        Path file = fs.url("https://host/a/my%20model.safetensors?sig=SECRET");

        assertThat(file.getFileName().toString()).isEqualTo("my model.safetensors");
        assertThat(file.toString()).isEqualTo("https://host/a/my%20model.safetensors").doesNotContain("SECRET");
        assertThat(((RemotePath) file).toUrl().toString()).endsWith("?sig=SECRET");
        assertThat(file.getParent().resolve("b c.json").toString()).isEqualTo("https://host/a/b%20c.json");
    }

    @Test
    void theTokenIsNotInTheSettingsText() {
        assertThat(new RemoteSettings(null, "hf_abc", null).toString()).doesNotContain("hf_abc");
    }
}
