package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of a million tiny tensors, summarised by the real command in a JVM of its own with a 64 MB heap: it
 * gives a report or one "Out of memory" line with exit code 3, never an internal error.
 */
class LowMemoryTest {
    private static final int TENSORS = 1_000_000;

    @TempDir
    Path tmp;

    @Test
    void aMillionTensorsUnderASmallHeapGiveAReportOrACleanExitThree() throws Exception {
        Path model = millionTensors(tmp.resolve("million.safetensors"));
        Path stdout = tmp.resolve("stdout.json");
        int exit = runUnder64m(model, stdout);
        List<String> errors = Files.readAllLines(tmp.resolve("stderr.txt"));
        if (exit == ExitCode.OK) {
            assertThat(errors).isEmpty();
            assertThat(Files.size(stdout)).isGreaterThan(TENSORS * 100L);
        } else {
            assertThat(exit).as("exit code; stderr: %s", errors).isEqualTo(ExitCode.INPUT);
            assertThat(errors).containsExactly("model-summary: " + model + ": Out of memory reading or summarizing "
                    + "this model; raise the JVM heap (JAVA_OPTS / -Xmx) or lower a --limit.");
        }
    }

    /** A header is read as it is parsed, never held: 80 MB of it (JSON whitespace, as serde allows) fit in 64. */
    @Test
    void aHeaderLargerThanTheHeapIsReadInConstantMemory() throws Exception {
        byte[] json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.US_ASCII);
        long padding = 80L << 20;
        Path model = tmp.resolve("padded.safetensors");
        try (var channel = Files.newByteChannel(model, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length + padding));
            channel.write(ByteBuffer.wrap(json));
            ByteBuffer spaces = ByteBuffer.wrap(" ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII));
            for (long written = 0; written < padding; written += 1 << 20) {
                channel.write(spaces.rewind());
            }
            channel.write(ByteBuffer.allocate(8));
        }
        Path stdout = tmp.resolve("stdout.json");

        int exit = runUnder64m(model, stdout);

        assertThat(exit).as("exit code; stderr: %s", Files.readAllLines(tmp.resolve("stderr.txt"))).isZero();
        assertThat(Files.readString(stdout)).contains("\"name\": \"w\",");
    }

    /** The real command in a JVM of its own with a 64 MB heap; stderr goes to stderr.txt beside stdout. */
    private int runUnder64m(Path model, Path stdout) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.modelsummary.cli.Main", model.toString(), "-f", "json")
                .redirectOutput(stdout.toFile()).redirectError(tmp.resolve("stderr.txt").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished within a minute").isTrue();
        return process.exitValue();
    }

    /** {"t0":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}, ...}: about 50 bytes of header per tensor. */
    private static Path millionTensors(Path file) throws IOException {
        StringBuilder header = new StringBuilder(TENSORS * 56).append('{');
        for (int i = 0; i < TENSORS; i++) {
            header.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"U8\",\"shape\":[1],")
                    .append("\"data_offsets\":[").append(i).append(',').append(i + 1).append("]}");
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.US_ASCII);
        try (var channel = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length));
            channel.write(ByteBuffer.wrap(json));
            channel.write(ByteBuffer.allocate(TENSORS));
        }
        return file;
    }
}
