package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The words outside the published Markdown page: tensors, not layers; "Share of each form"; a noun that agrees
 * with its count; counts as the Hub writes them; where --out files a page.
 */
class WordsCliTest {
    @TempDir
    Path tmp;

    @Test
    void oneTensorIsOneTensor() throws IOException {
        Path file = oneTensor(tmp.resolve("one.safetensors"));

        CliRun text = CliRun.of(file.toString(), "-f", "text");
        CliRun html = CliRun.of(file.toString(), "-f", "html");

        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("Parameters: 4 in 1 tensor, 4 trainable, 16 B\n")
                .contains("Buffers:    0 in 0 tensors, 0 B\n").doesNotContain("1 tensors");
        assertThat(html.exitCode()).isZero();
        assertThat(html.out()).contains("<span id=\"tensor-count\">1</span> of 1 tensor shown")
                .doesNotContain("1 tensors");
    }

    @Test
    void htmlSaysTensorsAndShareOfEachForm() {
        CliRun html = CliRun.of("resnet18", "-f", "html");

        assertThat(html.out()).contains("<div class=\"label\">Tensors</div><div class=\"value\">62</div>")
                .contains("<h2>Share of each form</h2>")
                .doesNotContain("Proportional", "Number of layers", ">Layers<");
    }

    @Test
    void countsAreWrittenAsTheHubWritesThemOutsideThePublishedPage() {
        CliRun text = CliRun.of("gpt2", "-f", "text");
        CliRun html = CliRun.of("vit_l_16", "-f", "html");
        CliRun md = CliRun.of("vit_l_16");

        assertThat(text.out()).contains("Parameters: 124,439,808 (124M) in 148 tensors");
        assertThat(html.out()).contains("<div class=\"value\">304,326,632</div><div class=\"detail\">304M</div>");
        // the published page keeps the original's words and numbers
        assertThat(md.out()).isEqualTo(Resources.text("golden/vit_l_16.md"))
                .contains("**Number of layers: [ 296 ]**", "**Number of parameters: [ 304.33M ]**",
                        "**Proportional of each form** (%)");
    }

    @Test
    void outFilesOnlyBuiltInImageModelsUnderImageModelInfo() throws IOException {
        Path file = oneTensor(tmp.resolve("one.safetensors"));

        CliRun language = CliRun.of("gpt2", "--out", tmp.resolve("a").toString(), "--no-chart");
        CliRun weights = CliRun.of(file.toString(), "--out", tmp.resolve("b").toString(), "--no-chart");
        CliRun image = CliRun.of("resnet18", "--out", tmp.resolve("c").toString(), "--no-chart");

        assertThat(language.exitCode()).isZero();
        assertThat(files(tmp.resolve("a"))).containsExactly(tmp.resolve("a/model_info/gpt2.md"));
        assertThat(weights.exitCode()).isZero();
        assertThat(files(tmp.resolve("b"))).containsExactly(tmp.resolve("b/model_info/one.md"));
        assertThat(image.exitCode()).isZero();
        assertThat(files(tmp.resolve("c"))).containsExactly(tmp.resolve("c/image_model_info/resnet18.md"));
    }

    private static java.util.List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /** A safetensors file holding one float32 tensor of 4 values, {@code w}. */
    private static Path oneTensor(Path file) throws IOException {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + header.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length).put(header);
        return Files.write(file, buffer.array());
    }
}
