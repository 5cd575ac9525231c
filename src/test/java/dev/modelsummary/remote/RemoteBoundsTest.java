package dev.modelsummary.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.cli.Main;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one remote input may cost: requests only to the host the user named and beside the named file, each
 * shard once, a bounded number of shards and bytes, and one timeout for all the requests of a file.
 */
class RemoteBoundsTest {
    @TempDir
    Path tmp;
    private LoopbackServer server;
    private LoopbackServer other;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer(tmp);
        other = new LoopbackServer(tmp);
    }

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Run(code, out.toString(), err.toString());
    }

    /** The TF.js fixture served under {@code tfjs/}, its model.json's two shard names replaced by {@code paths}. */
    private String tfjs(String paths) throws IOException {
        Path from = Resources.path("fixtures/tfjs/sharded");
        Path to = Files.createDirectories(tmp.resolve("tfjs"));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
        Path json = to.resolve("model.json");
        Files.writeString(json, Files.readString(json, StandardCharsets.UTF_8).replace(
                "\"paths\": [\"group1-shard1of2.bin\", \"group1-shard2of2.bin\"]", "\"paths\": [" + paths + "]"));
        return server.url("tfjs/model.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"OTHER/tfjs/group1-shard2of2.bin", "//127.0.0.1:PORT/tfjs/group1-shard2of2.bin",
            "../tfjs/group1-shard2of2.bin", "/tfjs/group1-shard2of2.bin"})
    void aShardPathThatLeavesTheManifestsFolderIsRefusedWithoutARequest(String path) throws IOException {
        String shard = path.replace("OTHER/", other.url("")).replace("PORT", "" + other.url("").split(":")[2]
                .replace("/", ""));
        String url = tfjs("\"group1-shard1of2.bin\", \"" + shard + "\"");

        Run run = run(url);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("'" + shard + "'", "not a file inside model.json's directory");
        assertThat(other.requests()).isZero();
        assertThat(server.paths()).allMatch(p -> p.equals("/tfjs/model.json"));
    }

    @Test
    void aShardNamedInEveryGroupIsMeasuredOnceWithOneByte() throws IOException {
        String url = tfjs("\"group1-shard1of2.bin\", \"group1-shard2of2.bin\", \"./group1-shard2of2.bin\"");
        Run run = run(url, "-f", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.paths().stream().filter(p -> p.endsWith("shard2of2.bin"))).hasSize(1);
        assertThat(server.paths().stream().filter(p -> p.endsWith(".bin"))).hasSize(2);
        // measured by a one-byte range each, never their first block
        assertThat(server.bytes()).isLessThan(Files.size(tmp.resolve("tfjs/model.json")) + 3);
    }

    @Test
    void athousandShardPathsAreRefusedBeforeAnyIsFetched() throws IOException {
        String paths = IntStream.range(0, 1000).mapToObj(i -> "\"s" + i + ".bin\"").collect(Collectors.joining(", "));
        String url = tfjs(paths);

        Run run = run(url);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("'1000' files", "--limit shard-files=N");
        assertThat(server.paths()).allMatch(p -> p.equals("/tfjs/model.json"));
    }

    @Test
    void slowSelfRedirectsEndWithinTheTimeoutForTheWholeFile() throws IOException {
        RemoteCliTest.bigSafetensors(tmp.resolve("big/model.safetensors"), "");
        server.redirect("loop", server.url("loop"));
        server.delay(400);

        long started = System.nanoTime();
        Run run = run(server.url("loop"), "--timeout", "1");
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("no answer within 1 s", "requests and redirects together");
        assertThat(millis).isLessThan(2_500);
    }

    @Test
    void aBodyCutShortIsSaidInWords() throws IOException {
        RemoteCliTest.bigSafetensors(tmp.resolve("big/model.safetensors"), "");
        server.mode(LoopbackServer.Mode.CUT_SHORT);

        Run run = run(server.url("big/model.safetensors"), "--timeout", "5");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("the server closed the connection after", " of 65536 bytes")
                .doesNotContain("Exception");
    }

    @Test
    void aDroppedConnectionNamesNoJavaException() throws IOException {
        RemoteCliTest.bigSafetensors(tmp.resolve("big/model.safetensors"), "");
        server.mode(LoopbackServer.Mode.DROP);

        Run run = run(server.url("big/model.safetensors"), "--timeout", "5");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("closed the connection").doesNotContain("Exception");
    }

    @Test
    void theBytesOneInputMayReceiveAreBounded() throws IOException {
        RemoteCliTest.bigSafetensors(tmp.resolve("big/model.safetensors"), "");

        Run run = run(server.url("big/model.safetensors"), "--limit", "remote-bytes=1000");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("'1000' bytes", "--limit remote-bytes=N");
        assertThat(server.requests()).isZero();
    }

    @Test
    void nothingListeningIsSaidInWords() {
        Run refused = run("http://127.0.0.1:1/model.safetensors", "--timeout", "5");

        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.err()).contains("request failed (could not connect to 127.0.0.1:1: connection refused)").doesNotContain("Exception");
    }

    /** Many files read one after the other (shards) keep at most KEPT_BYTES of blocks, not all they fetched. */
    @Test
    void closedFilesLetGoOfTheirBlocks() throws IOException {
        int files = 24;
        for (int i = 0; i < files; i++) {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(tmp.resolve("s" + i).toFile(), "rw")) {
                f.setLength(2L << 20);
            }
        }
        try (RemoteFileSystem fs = new RemoteFileSystem(new RemoteSettings(null, null, java.time.Duration.ofSeconds(10)))) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 16);
            for (int i = 0; i < files; i++) {
                try (java.nio.channels.SeekableByteChannel channel = Files.newByteChannel(fs.url(server.url("s" + i)))) {
                    while (channel.read(buffer.clear()) > 0) {
                        assertThat(fs.keptBytes()).isLessThanOrEqualTo(RemoteFileSystem.KEPT_BYTES + (8L << 20));
                    }
                }
            }
            assertThat(fs.bytesReceived()).isGreaterThanOrEqualTo(files * (2L << 20)); // 48 MiB read, 16 MiB kept
            assertThat(fs.keptBytes()).isLessThanOrEqualTo(RemoteFileSystem.KEPT_BYTES + (8L << 20));
        }
    }
}
