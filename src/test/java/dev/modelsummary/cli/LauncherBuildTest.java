package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's first-run build ({@code ./model-summary}), with stand-ins for {@code mvn} and {@code java} on the
 * PATH: on a terminal (run under {@code script}) it shows the time so far and Maven's step, elsewhere one line;
 * a failed build prints Maven's errors either way and exits 1.
 */
class LauncherBuildTest {
    private static final String COMPILE_ERROR =
            "[ERROR] /src/main/java/Foo.java:[3,1] class, interface, enum, or record expected";

    @TempDir
    Path tmp;
    private Path home;
    private Path bin;

    @BeforeEach
    void copyTheLauncher() throws IOException {
        home = Files.createDirectories(tmp.resolve("project"));
        Files.copy(Path.of("model-summary"), home.resolve("model-summary"));
        Files.writeString(home.resolve("pom.xml"), "<project/>");
        Files.createDirectories(home.resolve("src/main"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        // java: says how it was called; the class-data archive it is asked for is never written, so it is skipped
        script("java", "echo \"java $*\"");
    }

    /** A Maven that prints its steps unless -q, takes a moment, then builds the jar or fails with an error. */
    private void maven(boolean fails) throws IOException {
        script("mvn", String.join("\n",
                "quiet=false; for a in \"$@\"; do [ \"$a\" = -q ] && quiet=true; done",
                "$quiet || echo '[INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ x ---'",
                "sleep 2",
                fails ? "echo '" + COMPILE_ERROR + "'; exit 1" : "mkdir -p target && : > target/model-summary.jar"));
    }

    private void script(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void withoutATerminalTheBuildSaysOneLine() throws Exception {
        maven(false);
        Result run = run(false);
        assertThat(run.exit).isZero();
        assertThat(run.err).isEqualTo("model-summary: building target/model-summary.jar (first run only) ...\n");
        assertThat(run.out).startsWith("java ")
                .endsWith(" -jar " + home.resolve("target/model-summary.jar") + " --version\n");
    }

    @Test
    void onATerminalTheBuildShowsTheTimeAndMavensStep() throws Exception {
        maven(false);
        Result run = run(true);
        assertThat(run.exit).isZero();
        assertThat(run.out)
                .contains("model-summary: building target/model-summary.jar (first run only) 0:0")
                .contains("compiler:compile")
                .containsPattern("model-summary: built target/model-summary\\.jar in \\d+ s")
                .contains(" -jar " + home.resolve("target/model-summary.jar") + " --version");
        assertThat(home.resolve("target/build.log")).content().contains("maven-compiler-plugin");
    }

    @Test
    void aFailedBuildPrintsMavensErrorsOnATerminal() throws Exception {
        maven(true);
        Result run = run(true);
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.out).contains(COMPILE_ERROR).contains("model-summary: Maven's whole log is in ")
                .contains("model-summary: the build failed;")
                .doesNotContain(" -jar ");
    }

    @Test
    void aFailedBuildPrintsMavensErrorsWithoutATerminal() throws Exception {
        maven(true);
        Result run = run(false);
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err).contains(COMPILE_ERROR).contains("model-summary: the build failed;");
        assertThat(run.out).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"25.0.3, -XX:AOTCache=, model-summary.aot", "17.0.15, -XX:SharedArchiveFile=, model-summary.jsa"})
    void theJdksOwnCacheIsMadeOnceAndUsed(String version, String flag, String cacheName) throws Exception {
        maven(false);
        // a JDK: its release file says its version; its java writes the cache it is asked to write
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        Files.writeString(jdk.getParent().resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = jdk.resolve("java");
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "for a in \"$@\"; do case \"$a\" in",
                "  -XX:AOTCacheOutput=*) echo cache > \"${a#*=}\" ;;",
                "  -XX:SharedArchiveFile=*) case \"$*\" in *-Xshare:dump*) echo cache > \"${a#*=}\" ;; esac ;;",
                "esac; done",
                "echo \"java $*\"", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        Result first = run(false, Map.of("MODEL_SUMMARY_JAVA", java.toString()));
        Result second = run(false, Map.of("MODEL_SUMMARY_JAVA", java.toString()));

        Path cache = home.resolve("target").resolve(cacheName);
        assertThat(cache).exists();
        assertThat(cache.resolveSibling(cacheName + ".size")).hasContent(Long.toString(Files.size(cache)));
        for (Result run : List.of(first, second)) {
            assertThat(run.exit).isZero();
            assertThat(run.out).startsWith("java ").contains(" " + flag + cache + " ")
                    .endsWith(" -jar " + home.resolve("target/model-summary.jar") + " --version\n");
        }
    }

    private record Result(int exit, String out, String err) {
    }

    /** On a terminal: under script(1), which gives the launcher a pseudo-terminal and copies it to stdout. */
    private Result run(boolean terminal) throws IOException, InterruptedException {
        return run(terminal, Map.of());
    }

    private Result run(boolean terminal, Map<String, String> environment) throws IOException, InterruptedException {
        String launcher = home.resolve("model-summary") + " --version";
        List<String> command = List.of("bash", "-c", launcher);
        if (terminal) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) is not installed");
            command = List.of("/usr/bin/script", "-qec", launcher, "/dev/null");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        // the fake java on PATH, not a JDK 25 the launcher would find installed
        builder.environment().putIfAbsent("MODEL_SUMMARY_JAVA", "java");
        builder.environment().putAll(environment);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).replace("\r\n", "\n"),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
