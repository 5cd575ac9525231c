package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every limit is named, settable on its own, and bounds what its reader reads: lowered below what a real
 * fixture needs, the fixture is refused with a message naming the bound.
 */
class LimitsTest {
    /** Users' scripts spell these names and rely on these defaults: a change here must be deliberate. */
    private static final String NAMES_AND_DEFAULTS = "safetensors-header-bytes=100000000 tensors=1000000 rank=64 "
            + "index-json-bytes=100000000 zip-entries=2000000 zip-central-directory-bytes=536870912 "
            + "pickle-bytes=1073741824 pickle-values=10000000 pickle-depth=1000 pickle-int-bytes=1024 "
            + "pickle-kept-text-bytes=1048576 pickle-global-warnings=100 tensor-name-chars=4096 "
            + "gguf-metadata-keys=1000000 gguf-metadata-key-bytes=16777216 npy-header-chars=10000 npy-header-depth=32 "
            + "tfjs-json-depth=200 tfjs-string-chars=1048576 keras-config-bytes=67108864 hdf5-group-depth=256 "
            + "hdf5-groups=1000000 shard-files=512 remote-bytes=268435456 torchscript-code-bytes=67108864 "
            + "json-string-bytes=8388608 hdf5-node-rereads=10000 hdf5-reread-bytes=67108864";

    @Test
    void theNamesAndDefaultsAreTheOnesUsersKnow() {
        String declared = Arrays.stream(Limit.values()).map(limit -> limit.optionName() + "=" + limit.defaultValue())
                .collect(Collectors.joining(" "));

        assertThat(declared).isEqualTo(NAMES_AND_DEFAULTS);
    }

    @ParameterizedTest
    @EnumSource(Limit.class)
    void everyDeclarationIsComplete(Limit limit) {
        assertThat(limit.optionName()).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
        assertThat(Limit.named(limit.optionName())).isSameAs(limit); // names are unique
        // --help-limits prints it indented by 6 within 80 columns
        assertThat(limit.help()).isNotBlank().doesNotEndWith(".").hasSizeLessThanOrEqualTo(74);
        assertThat(limit.defaultValue()).isBetween(1L, limit.max());
        assertThat(limit.unit() == Limit.Unit.BYTES).as("unit").isEqualTo(limit.optionName().endsWith("-bytes"));
        assertThat(limit.raise()).isEqualTo("raise with --limit " + limit.optionName() + "=N");
        assertThat(Limits.DEFAULT.get(limit)).isEqualTo(limit.defaultValue());
    }

    @Test
    void everyLimitCanBeSetAloneByItsName() {
        for (Limit limit : Limit.values()) {
            Limits changed = Limits.DEFAULT.with(Limit.named(limit.optionName()), 7);
            assertThat(changed.get(limit)).as(limit.optionName()).isEqualTo(7);
            assertThat(changed.with(limit, limit.defaultValue())).as(limit.optionName()).isEqualTo(Limits.DEFAULT);
        }
    }

    @Test
    void valuesOutsideALimitsBoundsAreRefused() {
        assertThat(Limit.RANK.parse(" 70 ")).isEqualTo(70);
        assertThat(Limit.REMOTE_BYTES.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Limit.RANK.parse("0")).hasMessage("limit rank must be at least 1");
        assertThatThrownBy(() -> Limit.TENSORS.parse("2147483640")).hasMessage("limit tensors can be at most 2147483639");
        assertThatThrownBy(() -> Limit.TENSORS.parse("1e6"))
                .hasMessage("limit tensors takes a whole number, not '1e6'");
        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.PICKLE_DEPTH, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.DEFAULT.getInt(Limit.PICKLE_VALUES)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnknownNameSuggestsTheNearestOrListsThemAll() {
        assertThatThrownBy(() -> Limit.named("pickle-valus"))
                .hasMessage("no limit 'pickle-valus'; did you mean 'pickle-values'? (model-summary --help-limits "
                        + "lists them)");
        assertThatThrownBy(() -> Limit.named("memory")).hasMessageStartingWith("no limit 'memory'; the limits are "
                + "safetensors-header-bytes, tensors, rank, ").hasMessageEndingWith(", hdf5-reread-bytes");
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

        var refused = assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.named(limit), value)
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
        for (Limit limit : Limit.values()) {
            if (limit == Limit.PICKLE_KEPT_TEXT_BYTES) {
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
                    if (!(e instanceof FormatException) || !message.contains(limit.raise())) {
                        unnamed.add(limit.optionName() + "=1 " + fixture.getParent().getFileName() + "/"
                                + fixture.getFileName() + ": " + e.getClass().getSimpleName() + ": " + message);
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
