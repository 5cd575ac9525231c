package dev.modelsummary.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.cli.Main;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * URLs and hf:// references on the command line, against a loopback server that counts what it sends: a
 * summary of a 1 GB file fetches its header and nothing of its data.
 */
class RemoteCliTest {
    private static final String TOKEN = "hf_secretTOKEN1234567890";
    private static final long GIB = 1L << 30;
    private static final long BIG_ROWS = 16384; // 16384 x 16384 float32 = 1 GiB
    private static final String TINY_BERT = "{\"model_type\": \"bert\", \"architectures\": [\"BertForMaskedLM\"], "
            + "\"hidden_size\": 8, \"num_attention_heads\": 2, \"num_hidden_layers\": 2, \"intermediate_size\": 16, "
            + "\"vocab_size\": 50, \"max_position_embeddings\": 32}";

    @TempDir
    Path tmp;
    private LoopbackServer server;
    private final List<LoopbackServer> others = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer(tmp);
    }

    @AfterEach
    void stop() {
        server.close();
        others.forEach(LoopbackServer::close);
    }

    record Run(int exitCode, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("HF_ENDPOINT", server.url("hub"), "HF_TOKEN", TOKEN);
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err), env);
        Run run = new Run(code, out.toString(), err.toString());
        assertThat(run.out() + run.err()).doesNotContain(TOKEN);
        return run;
    }

    /** A safetensors file of one 1 GiB float32 matrix and a bias, sparse on disk: header bytes only are real. */
    static Path bigSafetensors(Path file, String prefix) throws IOException {
        long matrix = BIG_ROWS * BIG_ROWS * 4;
        String header = "{\"" + prefix + "weight\":{\"dtype\":\"F32\",\"shape\":[" + BIG_ROWS + "," + BIG_ROWS
                + "],\"data_offsets\":[0," + matrix + "]},\"" + prefix + "bias\":{\"dtype\":\"F32\",\"shape\":["
                + BIG_ROWS + "],\"data_offsets\":[" + matrix + "," + (matrix + BIG_ROWS * 4) + "]}}";
        while (header.length() % 8 != 0) {
            header += " ";
        }
        byte[] json = header.getBytes(StandardCharsets.US_ASCII);
        Files.createDirectories(file.getParent());
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            out.write(json);
            out.setLength(8 + json.length + matrix + BIG_ROWS * 4);
        }
        return file;
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void aOneGigabyteSafetensorsFileCostsItsHeader() throws IOException {
        Path file = bigSafetensors(tmp.resolve("big/model.safetensors"), "");
        assertThat(Files.size(file)).isGreaterThan(GIB);

        Run run = run(server.url("big/model.safetensors"), "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(json(run.out()).at("/parameters/count").asLong()).isEqualTo(BIG_ROWS * BIG_ROWS + BIG_ROWS);
        assertThat(server.requests()).isBetween(1L, 8L);
        assertThat(server.bytes()).isLessThan(1L << 20);
    }

    @Test
    void aShardIndexReadsTheHeadersOfTheShardsBesideIt() throws IOException {
        bigSafetensors(tmp.resolve("sharded/model-00001-of-00002.safetensors"), "a.");
        bigSafetensors(tmp.resolve("sharded/model-00002-of-00002.safetensors"), "b.");
        Files.writeString(tmp.resolve("sharded/model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {"
                + "\"a.weight\": \"model-00001-of-00002.safetensors\", \"a.bias\": \"model-00001-of-00002.safetensors\","
                + "\"b.weight\": \"model-00002-of-00002.safetensors\", \"b.bias\": \"model-00002-of-00002.safetensors\""
                + "}}");

        Run run = run(server.url("sharded/model.safetensors.index.json"), "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(json(run.out()).at("/parameters/count").asLong()).isEqualTo(2 * (BIG_ROWS * BIG_ROWS + BIG_ROWS));
        assertThat(server.requests()).isBetween(3L, 8L);
        assertThat(server.bytes()).isLessThan(1L << 20);
        assertThat(server.paths()).contains("/sharded/model-00001-of-00002.safetensors",
                "/sharded/model-00002-of-00002.safetensors");
    }

    @Test
    void aOneGigabyteTorchSaveArchiveCostsItsDirectoryAndPickle() throws IOException {
        Path local = Resources.path("fixtures/pytorch/resnet18.pth");
        String firstStorage;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(local.toFile())) {
            firstStorage = zip.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.contains("/data/0"))
                    .findFirst().orElseThrow();
        }
        Path big = tmp.resolve("big.pth");
        SparseZip.copyWithBigEntry(local, big, firstStorage, GIB);
        assertThat(Files.size(big)).isGreaterThan(GIB);
        Run fromDisk = run(big.toString(), "-f", "json");
        String url = server.url("big.pth");

        Run remote = run(url, "-f", "json");

        assertThat(fromDisk.exitCode()).as(fromDisk.err()).isZero();
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        assertThat(remote.out().replace(url, "SOURCE")).isEqualTo(fromDisk.out().replace(big.toString(), "SOURCE"));
        assertThat(json(remote.out()).at("/parameters/count").asLong()).isPositive();
        assertThat(server.requests()).isBetween(1L, 8L);
        assertThat(server.bytes()).isLessThan(1L << 20);
    }

    /** Each format's fixture gives the same report over HTTP as from the disk, for a few requests. */
    @ParameterizedTest
    @ValueSource(strings = {"gguf/tiny_llama.gguf", "pytorch/vit_l_16.pth", "pytorch/resnet18.pth",
        "pytorch/legacy.pth", "onnx/all_dtypes.onnx", "onnx/external.onnx", "numpy/stored.npz",
        "numpy/float32_2d.npy", "safetensors/all_torch_dtypes.safetensors"})
    void everyFormatReadsTheSameOverHttp(String fixture) throws IOException {
        Path local = Resources.path("fixtures/" + fixture);
        Path served = tmp.resolve(fixture);
        Files.createDirectories(served.getParent());
        Files.copy(local, served);
        if (fixture.equals("onnx/external.onnx")) {
            Files.copy(local.resolveSibling("external.onnx.data"), served.resolveSibling("external.onnx.data"));
        }
        Run fromDisk = run(served.toString(), "-f", "json");
        String url = server.url(fixture);

        Run remote = run(url, "-f", "json");

        assertThat(fromDisk.exitCode()).as(fromDisk.err()).isZero();
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        assertThat(remote.out().replace(url, "SOURCE")).isEqualTo(fromDisk.out().replace(served.toString(), "SOURCE"));
        assertThat(server.requests()).isBetween(1L, 8L);
        assertThat(server.bytes()).isLessThanOrEqualTo(Math.max(Files.size(local), 1L) * 2).isLessThan(1L << 20);
    }

    /** Files that name others beside them: split GGUF parts and a PyTorch shard index. */
    @ParameterizedTest
    @ValueSource(strings = {"gguf/tiny-llama-split-00001-of-00002.gguf", "pytorch/sharded/pytorch_model.bin.index.json"})
    void siblingsAreFetchedBesideTheFile(String fixture) throws IOException {
        Path local = Resources.path("fixtures/" + fixture);
        Path served = tmp.resolve(fixture);
        Files.createDirectories(served.getParent());
        String prefix = fixture.contains("gguf") ? "tiny-llama-split-" : "pytorch_model";
        try (var siblings = Files.list(local.getParent())) {
            for (Path sibling : (Iterable<Path>) siblings::iterator) {
                if (sibling.getFileName().toString().startsWith(prefix)) {
                    Files.copy(sibling, served.resolveSibling(sibling.getFileName().toString()));
                }
            }
        }
        Run fromDisk = run(served.toString(), "-f", "json");
        String url = server.url(fixture);

        Run remote = run(url, "-f", "json");

        assertThat(fromDisk.exitCode()).as(fromDisk.err()).isZero();
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        assertThat(remote.out().replace(url, "SOURCE")).isEqualTo(fromDisk.out().replace(served.toString(), "SOURCE"));
        assertThat(server.paths()).hasSizeGreaterThanOrEqualTo(2).allMatch(p -> p.contains("/" + prefix));
        assertThat(server.requests()).isLessThanOrEqualTo(8);
    }

    @Test
    void hfReadsTheShardIndexFirstWithTheToken() throws IOException {
        Path repo = tmp.resolve("hub/acme/indexed/resolve/main");
        bigSafetensors(repo.resolve("model-00001-of-00001.safetensors"), "");
        Files.writeString(repo.resolve("model.safetensors.index.json"), "{\"weight_map\": {"
                + "\"weight\": \"model-00001-of-00001.safetensors\", \"bias\": \"model-00001-of-00001.safetensors\"}}");
        bigSafetensors(repo.resolve("model.safetensors"), "not.");

        Run run = run("hf://acme/indexed", "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = json(run.out());
        assertThat(json.at("/parameters/count").asLong()).isEqualTo(BIG_ROWS * BIG_ROWS + BIG_ROWS);
        assertThat(run.out()).doesNotContain("not.weight");
        assertThat(server.paths()).first().isEqualTo("/hub/acme/indexed/resolve/main/model.safetensors.index.json");
        assertThat(server.authorizations()).isNotEmpty().allMatch(("Bearer " + TOKEN)::equals);
        assertThat(server.requests()).isLessThanOrEqualTo(8);
    }

    @Test
    void hfFallsBackToModelSafetensorsThenToConfigJson() throws IOException {
        bigSafetensors(tmp.resolve("hub/acme/single/resolve/main/model.safetensors"), "");
        Path config = tmp.resolve("hub/bert-tiny/resolve/v1/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, TINY_BERT);

        Run single = run("hf://acme/single", "-f", "json");
        Run configOnly = run("hf://bert-tiny@v1", "-f", "json");
        Run local = run(config.toString(), "-f", "json");

        assertThat(single.exitCode()).as(single.err()).isZero();
        assertThat(json(single.out()).at("/parameters/count").asLong()).isEqualTo(BIG_ROWS * BIG_ROWS + BIG_ROWS);
        assertThat(json(single.out()).at("/name").asText()).isEqualTo("single");
        assertThat(configOnly.exitCode()).as(configOnly.err()).isZero();
        assertThat(local.exitCode()).as(local.err()).isZero();
        assertThat(json(configOnly.out()).at("/name").asText()).isEqualTo("bert-tiny");
        assertThat(json(configOnly.out()).at("/parameters")).isEqualTo(json(local.out()).at("/parameters"));
        assertThat(server.paths()).contains("/hub/bert-tiny/resolve/v1/model.safetensors.index.json",
                "/hub/bert-tiny/resolve/v1/model.safetensors", "/hub/bert-tiny/resolve/v1/config.json");
    }

    @Test
    void hfWithAFileNameReadsThatFile() throws IOException {
        bigSafetensors(tmp.resolve("hub/gpt2/resolve/main/model.safetensors"), "");

        Run run = run("hf://gpt2@main/model.safetensors", "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.paths()).containsOnly("/hub/gpt2/resolve/main/model.safetensors");
    }

    @Test
    void anEmptyRepositoryIsOneLineNamingWhatWasTried() {
        Run run = run("hf://acme/nothing");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("model.safetensors.index.json", "config.json",
                server.url("hub/acme/nothing/resolve/main/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf://../etc", "hf://acme/a b", "hf://acme/x@../y", "hf://acme/x@main/../../secret",
        "hf://", "hf://acme/x@main/a//b"})
    void malformedHubReferencesAreUsageErrors(String reference) {
        Run run = run(reference);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(server.requests()).isZero();
    }

    @Test
    void aRedirectToAnotherHostDropsTheToken() throws IOException {
        Path cdnRoot = Files.createDirectories(tmp.resolve("cdn-root"));
        LoopbackServer cdn = new LoopbackServer(cdnRoot);
        others.add(cdn);
        bigSafetensors(cdnRoot.resolve("blob"), "");
        server.redirect("hub/acme/cdn/resolve/main/model.safetensors", cdn.url("blob"));

        Run run = run("hf://acme/cdn/model.safetensors", "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.authorizations()).isNotEmpty().allMatch(("Bearer " + TOKEN)::equals);
        assertThat(cdn.requests()).isPositive();
        assertThat(cdn.authorizations()).allMatch(String::isEmpty);
        assertThat(server.requests() + cdn.requests()).isLessThanOrEqualTo(8);
    }

    @Test
    void aRedirectToTheSameHostKeepsTheToken() throws IOException {
        bigSafetensors(tmp.resolve("hub/acme/new/resolve/main/model.safetensors"), "");
        server.redirect("hub/acme/old/resolve/main/model.safetensors", "/hub/acme/new/resolve/main/model.safetensors");

        Run run = run("hf://acme/old/model.safetensors", "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.paths()).contains("/hub/acme/new/resolve/main/model.safetensors");
        assertThat(server.authorizations()).allMatch(("Bearer " + TOKEN)::equals);
    }

    @Test
    void theTokenGoesOnlyToTheEndpointNotToAnyUrl() throws IOException {
        Path otherRoot = Files.createDirectories(tmp.resolve("other-root"));
        LoopbackServer other = new LoopbackServer(otherRoot);
        others.add(other);
        bigSafetensors(otherRoot.resolve("m.safetensors"), "");

        Run run = run(other.url("m.safetensors"), "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(other.authorizations()).isNotEmpty().allMatch(String::isEmpty);
    }

    @Test
    void aServerThatIgnoresRangesIsRefusedWithoutDownloadingTheFile() throws IOException {
        bigSafetensors(tmp.resolve("big/model.safetensors"), "");
        server.mode(LoopbackServer.Mode.IGNORE_RANGES);
        String url = server.url("big/model.safetensors");

        Run run = run(url);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains(url, "ignores range requests");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void notFoundIsOneLineNamingTheUrl() {
        String url = server.url("missing/model.safetensors");

        Run run = run(url);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains(url, "404");
    }

    @Test
    void aMissingShardIsOneLineNamingItsUrl() throws IOException {
        Files.createDirectories(tmp.resolve("half"));
        Files.writeString(tmp.resolve("half/model.safetensors.index.json"),
                "{\"weight_map\": {\"w\": \"model-00001-of-00001.safetensors\"}}");

        Run run = run(server.url("half/model.safetensors.index.json"));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("model-00001-of-00001.safetensors");
    }

    @Test
    void aSlowServerTimesOutWithOneLine() throws IOException {
        bigSafetensors(tmp.resolve("big/model.safetensors"), "");
        server.mode(LoopbackServer.Mode.SLOW);
        String url = server.url("big/model.safetensors");

        Run run = run(url, "--timeout", "0.3");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains(url, "no answer within 0.3 s");
    }

    @Test
    void aDroppedConnectionIsOneLine() throws IOException {
        bigSafetensors(tmp.resolve("big/model.safetensors"), "");
        server.mode(LoopbackServer.Mode.DROP);
        String url = server.url("big/model.safetensors");

        Run run = run(url, "--timeout", "5");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains(url, "request failed");
    }

    @Test
    void nothingListensIsOneLine() {
        String url = "http://127.0.0.1:1/model.safetensors";

        Run run = run(url, "--timeout", "5");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains(url);
    }
}
