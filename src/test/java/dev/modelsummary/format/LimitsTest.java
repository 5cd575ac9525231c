package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every limit is named, settable on its own, and bounds what its reader reads: lowered below what a real
 * fixture needs, the fixture is refused with a message naming the bound.
 */
class LimitsTest {
    @Test
    void everyLimitCanBeSetAloneByItsName() {
        Map<String, Long> defaults = Limits.DEFAULT.byName();
        assertThat(defaults).containsKeys("gguf-metadata-keys", "gguf-metadata-key-bytes", "npy-header-chars",
                "npy-header-depth", "tfjs-json-depth", "tfjs-string-chars", "keras-config-bytes", "hdf5-group-depth",
                "hdf5-groups", "json-string-bytes");
        for (String name : defaults.keySet()) {
            Map<String, Long> changed = Limits.DEFAULT.with(name, 7).byName();
            assertThat(changed.get(name)).as(name).isEqualTo(7);
            changed.put(name, defaults.get(name));
            assertThat(changed).as(name).isEqualTo(defaults);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // 15 keys: make_gguf_fixtures.llama_kvs; 63 bytes: json.dumps of make_keras_fixtures's metadata.json.
            "gguf-metadata-keys|1|gguf/tiny_llama.gguf|Header declares '15' metadata keys, over the limit of '1' (raise with --limit gguf-metadata-keys=N).",
            "gguf-metadata-key-bytes|20|gguf/tiny_llama.gguf|Metadata keys take more than '20' bytes, the limit (raise with --limit gguf-metadata-key-bytes=N).",
            "npy-header-chars|10|numpy/float32_2d.npy|Header is 118 bytes, over the limit of 10 characters (raise with --limit npy-header-chars=N).",
            "npy-header-depth|1|numpy/float32_2d.npy|",
            "tfjs-json-depth|2|tfjs/layers/model.json|",
            "tfjs-string-chars|3|tfjs/layers/model.json|",
            "keras-config-bytes|10|keras/keras3.keras|Keras archive's 'metadata.json' is 63 bytes, over the limit of 10 (raise with --limit keras-config-bytes=N).",
            "hdf5-group-depth|1|keras/keras3.weights.h5|HDF5 groups nest deeper than 1 (raise with --limit hdf5-group-depth=N).",
            "hdf5-groups|2|keras/keras3.weights.h5|HDF5 file holds more than 2 groups (raise with --limit hdf5-groups=N).",
            "json-string-bytes|3|safetensors/scalar_and_empty.safetensors|Header holds a string longer than 3 bytes"
                    + ", at byte '13' of the file (raise with --limit json-string-bytes=N)."})
    void aLoweredLimitRefusesARealFile(String limit, long value, String fixture, String message) throws Exception {
        Path file = Resources.path("fixtures/" + fixture);
        assertThat(WeightReaders.standard().read(file).tensors()).isNotEmpty(); // fine under the defaults

        var refused = assertThatThrownBy(() -> Limits.DEFAULT.with(limit, value)
                .using(() -> WeightReaders.standard().read(file))).isInstanceOf(FormatException.class);
        if (message != null) {
            refused.hasMessage(message);
        }
    }

    /**
     * Every limit lowered to 1 against every reader's fixtures (86 real files, each reader family): whatever is
     * refused is refused with a message naming the {@code --limit NAME=N} that raises it, so the user who meets
     * a limit with a real file knows the one option that reads it.
     */
    @Test
    void everyRefusalAtALimitNamesTheLimitThatRaisesIt() throws IOException {
        List<Path> fixtures = new ArrayList<>();
        List<Path> expectations;
        try (Stream<Path> files = Files.walk(Resources.path("fixtures"))) {
            expectations = files.filter(f -> f.toString().endsWith(".expected.json")).sorted()
                    .collect(Collectors.toList());
        }
        for (Path expected : expectations) {
            String stem = expected.getFileName().toString().replace(".expected.json", "");
            // model.expected.json describes model.json, quantized.expected.json quantized.pt
            try (Stream<Path> siblings = Files.list(expected.getParent())) {
                siblings.filter(f -> f.getFileName().toString().equals(stem)
                                || f.getFileName().toString().startsWith(stem + ".") && !f.equals(expected))
                        .filter(LimitsTest::readsUnderTheDefaults).findFirst().ifPresent(fixtures::add);
            }
        }
        assertThat(fixtures).hasSizeGreaterThan(70);
        List<String> unnamed = new ArrayList<>();
        int refused = 0;
        for (String limit : Limits.DEFAULT.byName().keySet()) {
            if (limit.equals("pickle-kept-text-bytes")) {
                // not a refusal: longer strings are skipped, and a pickle whose storage keys are skipped fails
                // later as malformed (TensorWalk names the limit where it can tell)
                continue;
            }
            Limits lowered = Limits.DEFAULT.with(limit, 1);
            for (Path fixture : fixtures) {
                try {
                    lowered.using(() -> WeightReaders.standard().read(fixture));
                } catch (Exception e) {
                    refused++;
                    String message = String.valueOf(e.getMessage());
                    if (!(e instanceof FormatException) || !message.contains("--limit " + limit + "=N")) {
                        unnamed.add(limit + "=1 " + fixture.getParent().getFileName() + "/" + fixture.getFileName()
                                + ": " + e.getClass().getSimpleName() + ": " + message);
                    }
                }
            }
        }
        assertThat(refused).isGreaterThan(100);
        assertThat(unnamed).as("refusals that do not name their --limit").isEmpty();
    }

    private static boolean readsUnderTheDefaults(Path file) {
        try {
            WeightReaders.standard().read(file);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
