package dev.modelsummary.format.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.CountingOpener;
import dev.modelsummary.testutil.MemoryOpener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of the reader on byte-built model.json files, with its exact message. */
class TfjsValidationTest {
    @TempDir
    Path dir;

    private final TfjsReader reader = new TfjsReader();

    private Model read(String json) throws IOException {
        return reader.read(Path.of("no-such-folder/model.json"),
                new MemoryOpener(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String manifest(String weights) {
        return "{\"weightsManifest\": [{\"paths\": [\"g.bin\"], \"weights\": [" + weights + "]}]}";
    }

    private static String w(String name, String shape, String dtype) {
        return "{\"name\": \"" + name + "\", \"shape\": " + shape + ", \"dtype\": \"" + dtype + "\"}";
    }

    private void fails(String json, String message) {
        assertThatThrownBy(() -> read(json)).isInstanceOf(FormatException.class).hasMessage(message);
    }

    @Test
    void aMinimalManifestReadsAndWarnsThatItsShardIsMissing() throws IOException {
        Model model = read(manifest(w("a", "[2, 3]", "float32") + "," + w("b", "[]", "int32")));
        assertThat(model.tensors()).extracting(t -> t.name() + t.shape() + t.dtype() + t.bytes())
                .containsExactly("a[2, 3]float3224", "b[]int324");
        assertThat(model.warnings()).containsExactly("Manifest group '0': shard 'g.bin' not found beside model.json; "
                + "its weight sizes were not checked.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1, 2]| model.json is not a JSON object.",
            "{}| model.json has no 'weightsManifest'.",
            "{\"weightsManifest\": {}}| model.json has a 'weightsManifest' that is not an array.",
            "{\"weightsManifest\": [1]}| Manifest group '0' is not an object.",
            "{\"weightsManifest\": [{\"weights\": []}]}| Manifest group '0' has no 'paths'.",
            "{\"weightsManifest\": [{\"paths\": []}]}| Manifest group '0' has no 'weights'.",
            "{\"weightsManifest\": [{\"paths\": 1, \"weights\": []}]}| Manifest group '0' has 'paths' that is not an array.",
            "{\"weightsManifest\": [{\"paths\": [1], \"weights\": []}]}| Manifest group '0' has the path '1', which is not a string.",
            "{\"weightsManifest\": [{\"paths\": [], \"weights\": {}}]}| Manifest group '0' has 'weights' that is not an array.",
            "{\"weightsManifest\": [{\"paths\": [], \"weights\": [7]}]}| Manifest group '0' has a weight '7' that is not an object.",
            "{\"weightsManifest\": [{\"paths\": [], \"weights\": [{\"shape\": []}]}]}| Manifest group '0' has a weight with no 'name'.",
            "{\"weightsManifest\": []} []| model.json has more JSON after its object, starting with '['.",
    })
    void theDocumentsStructureIsChecked(String json, String message) {
        fails(json, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\": \"a\", \"dtype\": \"float32\"}| Weight 'a' has no 'shape'.",
            "{\"name\": \"a\", \"shape\": [1]}| Weight 'a' has no 'dtype'.",
            "{\"name\": 5, \"shape\": [1]}| Manifest group '0' has a weight with no 'name' and a 'name' that is not a string.",
            "{\"name\": \"a\", \"shape\": 3, \"dtype\": \"float32\"}| Weight 'a' has a 'shape' that is not an array.",
            "{\"name\": \"a\", \"shape\": [2.5], \"dtype\": \"float32\"}| Weight 'a' has the shape entry '2.5', which is not an integer.",
            "{\"name\": \"a\", \"shape\": [-1], \"dtype\": \"float32\"}| Weight 'a' has the shape entry '-1', which is negative.",
            "{\"name\": \"a\", \"shape\": [99999999999999999999], \"dtype\": \"float32\"}| Weight 'a' has the shape entry '99999999999999999999', which is over '9223372036854775807'.",
            "{\"name\": \"a\", \"shape\": [4611686018427387904, 2], \"dtype\": \"float32\"}| Weight 'a' has the shape [4611686018427387904, 2], whose size in bytes is over '9223372036854775807'.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": 4}| Weight 'a' has a 'dtype' that is not a string.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float64\"}| Weight 'a' has the dtype 'float64', which is not one of float32, int32, bool, complex64.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"string\"}| Weight 'a' has dtype 'string', whose size only the shard data tells; string weights are not supported.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\", \"quantization\": 1}| Weight 'a' has a 'quantization' that is not an object.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\", \"quantization\": {}}| Weight 'a' has a 'quantization' with no 'dtype'.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\", \"quantization\": {\"dtype\": \"int4\"}}| Weight 'a' has the quantization dtype 'int4', which is not one of uint8, uint16, float16.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"int32\", \"quantization\": {\"dtype\": \"float16\"}}| Weight 'a' is quantized to float16 but has dtype 'int32'; float16 quantization is only for float32 weights.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\", \"quantization\": {\"dtype\": \"uint8\", \"scale\": 1}}| Weight 'a' is quantized to uint8 without both 'scale' and 'min'.",
            "{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\", \"quantization\": {\"dtype\": \"uint16\", \"scale\": \"x\", \"min\": 0}}| Weight 'a' has a quantization 'scale' that is not a number.",
    })
    void eachWeightIsChecked(String weight, String message) {
        fails(manifest(weight), message);
    }

    @Test
    void namesMustNotRepeatEvenAcrossGroups() {
        fails("{\"weightsManifest\": [{\"paths\": [], \"weights\": [" + w("a", "[0]", "float32") + "]},"
                + "{\"paths\": [], \"weights\": [" + w("a", "[0]", "float32") + "]}]}",
                "Manifest lists weight 'a' twice.");
    }

    @Test
    void duplicateKeysAnywhereAreRefused() {
        fails("{\"modelTopology\": {\"a\": 1, \"a\": 2}, \"weightsManifest\": []}",
                "model.json is not valid JSON: Duplicate field 'a' (line 1, column 31).");
    }

    @Test
    void syntaxErrorsAreOneSentence() {
        fails("{\"weightsManifest\": [", "model.json is not valid JSON: Unexpected end-of-input: expected close "
                + "marker for Array (line 1, column 22).");
    }

    @Test
    void nestingIsBounded() {
        String deep = "[".repeat(300) + "]".repeat(300);
        assertThatThrownBy(() -> read("{\"modelTopology\": " + deep + ", \"weightsManifest\": []}"))
                .isInstanceOf(FormatException.class)
                .hasMessage("model.json nests deeper than 200 levels (raise with --limit tfjs-json-depth=N).");
    }

    @Test
    void theRankIsBounded() {
        Limits small = Limits.DEFAULT.with(Limit.RANK, 2);
        assertThatThrownBy(() -> small.using(() -> read(manifest(w("a", "[1, 1, 1]", "float32")))))
                .isInstanceOf(FormatException.class)
                .hasMessage("Weight 'a' has more than '2' dimensions, the rank limit (raise with --limit rank=N).");
    }

    @Test
    void aNestedArrayPastTheRankLimitIsSkippedWhole() {
        Limits small = Limits.DEFAULT.with(Limit.RANK, 1);
        assertThatThrownBy(() -> small.using(() -> read(manifest(w("a", "[1, [2]]", "float32")))))
                .isInstanceOf(FormatException.class)
                .hasMessage("Weight 'a' has more than '1' dimensions, the rank limit (raise with --limit rank=N).");
    }

    @Test
    void theWeightCountIsBounded() {
        Limits small = Limits.DEFAULT.with(Limit.TENSORS, 1);
        assertThatThrownBy(() -> small.using(() -> read(manifest(w("a", "[1]", "float32") + "," + w("b", "[1]", "float32")))))
                .isInstanceOf(FormatException.class).hasMessage("Manifest lists more than '1' weights, the limit (raise with --limit tensors=N).");
    }

    @Test
    void theDocumentSizeIsBoundedBeforeReading() {
        Limits small = Limits.DEFAULT.with(Limit.INDEX_JSON_BYTES, 10);
        assertThatThrownBy(() -> small.using(() -> read(manifest(""))))
                .isInstanceOf(FormatException.class)
                .hasMessage("model.json is '58' bytes, over the limit of '10' bytes (raise with --limit index-json-bytes=N).");
    }

    @Test
    void valuesFromTheFileAreEscaped() {
        fails(manifest(w("a\\u001b[31m", "[1]", "float64")),
                "Weight 'a\\u001b[31m' has the dtype 'float64', which is not one of float32, int32, bool, complex64.");
    }

    @Test
    void optimizerWeightsAreNotListed() throws IOException {
        Model model = read("{\"weightsManifest\": [{\"paths\": [], \"weights\": [{\"name\": \"m\", \"shape\": [0], "
                + "\"dtype\": \"float32\", \"group\": \"optimizer\"}]}]}");
        assertThat(model.tensors()).isEmpty();
        assertThat(model.warnings()).containsExactly("'1' optimizer weights (group 'optimizer') are not listed.");
    }

    // Shards beside model.json: measured, never opened.

    private Path model(String json, long... shardSizes) throws IOException {
        for (int i = 0; i < shardSizes.length; i++) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("s" + i + ".bin").toFile(), "rw")) {
                f.setLength(shardSizes[i]);
            }
        }
        return Files.writeString(dir.resolve("model.json"), json);
    }

    private static String twoShards(String weights) {
        return "{\"weightsManifest\": [{\"paths\": [\"s0.bin\", \"s1.bin\"], \"weights\": [" + weights + "]}]}";
    }

    @Test
    void shardsThatHoldExactlyTheWeightsPass() throws IOException {
        Path file = model(twoShards(w("a", "[10]", "float32") + "," + w("b", "[3]", "bool")), 32, 11);
        assertThat(reader.read(file, new CountingOpener()).warnings()).isEmpty();
    }

    @Test
    void shardsThatHoldTooFewBytesAreAnError() throws IOException {
        Path file = model(twoShards(w("a", "[10]", "float32")), 32, 7);
        assertThatThrownBy(() -> reader.read(file, new CountingOpener())).isInstanceOf(FormatException.class)
                .hasMessage("Manifest group '0' lists '40' bytes of weights but its shards hold '39' bytes.");
    }

    @Test
    void shardsThatHoldTooManyBytesAreAWarning() throws IOException {
        Path file = model(twoShards(w("a", "[10]", "float32")), 32, 9);
        assertThat(reader.read(file, new CountingOpener()).warnings())
                .containsExactly("Manifest group '0' lists '40' bytes of weights but its shards hold '41' bytes.");
    }

    @Test
    void weightsWithoutShardsAreAnError() {
        fails("{\"weightsManifest\": [{\"paths\": [], \"weights\": [" + w("a", "[1]", "float32") + "]}]}",
                "Manifest group '0' lists '4' bytes of weights but no shard files.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"../x.bin", "/etc/passwd", "a/../../b", "C:x",
            "http://evil.example/x.bin", "//evil.example/x.bin", "data:x"})
    void shardPathsMustStayBesideModelJson(String path) {
        fails("{\"weightsManifest\": [{\"paths\": [\"" + path + "\"], \"weights\": []}]}",
                "Manifest group '0' has the shard path '" + path + "', which is not a file inside model.json's directory.");
    }

    @Test
    void aShardThatIsADirectoryIsAnError() throws IOException {
        Files.createDirectory(dir.resolve("s0.bin"));
        Path file = Files.writeString(dir.resolve("model.json"),
                "{\"weightsManifest\": [{\"paths\": [\"s0.bin\"], \"weights\": []}]}");
        assertThatThrownBy(() -> reader.read(file, new CountingOpener())).isInstanceOf(FormatException.class)
                .hasMessage("Manifest group '0' has the shard 's0.bin', which is not a regular file.");
    }

    /** A manifest declaring 1 GB in two sparse shards: only model.json is read, a few hundred bytes. */
    @Test
    void aGigabyteModelCostsOnlyItsModelJson() throws IOException {
        Path file = model(twoShards(w("big", "[131072, 2048]", "float32")), 1L << 29, 1L << 29);
        CountingOpener opener = new CountingOpener();
        Model model = reader.read(file, opener);
        assertThat(model.tensors().get(0).bytes()).isEqualTo(1L << 30);
        assertThat(model.warnings()).isEmpty();
        assertThat(opener.opened()).containsExactly(file);
        assertThat(opener.totalBytes()).isEqualTo(Files.size(file)).isLessThan(4096);
    }
}
