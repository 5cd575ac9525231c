package dev.modelsummary.testutil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Byte-for-byte comparison with a golden file under {@code src/test/resources/golden/}. A golden file is made
 * by running the code once with {@code -Dgolden.accept=true} (it is then written, not compared), read by eye,
 * and committed; without the switch a missing or different file fails the test.
 */
public final class Golden {
    private static final boolean ACCEPT = Boolean.getBoolean("golden.accept");

    private Golden() {
    }

    /** Asserts that {@code actual} equals {@code golden/NAME}, or writes it there when accepting. */
    public static void assertMatches(String name, String actual) {
        String resource = "golden/" + name;
        if (ACCEPT) {
            Path file = Path.of("src/test/resources", resource);
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        assertThat(actual).as("golden file %s (rewrite with -Dgolden.accept=true, then read it)", resource)
                .isEqualTo(Resources.text(resource));
    }
}
