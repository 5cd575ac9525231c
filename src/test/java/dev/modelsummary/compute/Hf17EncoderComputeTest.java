package dev.modelsummary.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.catalog.nn.Module;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The issue-17 encoder families (xlm-roberta, distilbert, modernbert, deberta-v2) against the real transformers
 * 4.57.6 on tiny configs: {@code golden/compute/hf17-*.json}, made by tools/fixtures/hf17/encoder_goldens.py with
 * forward hooks and FlopCounterMode's flop registry (eager attention, all-zero input_ids), equal call by call.
 */
class Hf17EncoderComputeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The model types of this slice; other slices' goldens share the folder and the prefix. */
    private static final List<String> ENCODERS = List.of("xlm-roberta", "distilbert", "modernbert", "deberta-v2");

    static Stream<String> goldens() throws Exception {
        URL folder = Hf17EncoderComputeTest.class.getResource("/golden/compute/");
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            List<String> names = files.map(f -> f.getFileName().toString())
                    .filter(n -> ENCODERS.stream().anyMatch(type -> n.startsWith("hf17-" + type + "-")))
                    .sorted().collect(Collectors.toList());
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void matchesTransformers457CallByCall(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        HfFamily family = HfModels.families().stream()
                .filter(f -> f.modelType().equals(truth.at("/args/model_type").asText())).findFirst().orElseThrow();
        Module model = family.build(config, truth.get("builder").asText());
        GoldenTrace.assertMatches(truth, model, model.trace(GoldenTrace.inputShape(truth)));
    }
}
