package dev.modelsummary.catalog.hf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.testutil.Fuzzing;
import java.util.Map;

/**
 * A hostile {@code config.json}, read as {@code model-summary config.json} reads it (parsed, its family's builder
 * made, the model built with the config's own values, summarized): a {@link ConfigException} or a model, never
 * another exception, a hang or an OutOfMemoryError. Any other exception would reach the user as an internal error
 * (exit 1), or as a usage error (exit 2) where the file, not the command line, is at fault. Replayed from
 * {@code src/test/resources/dev/modelsummary/catalog/hf/HfConfigFuzzTestInputs/config/} in {@code mvn verify}; to
 * fuzz: {@code JAZZER_FUZZ=1 mvn -o test-compile surefire:test@fuzz-corpus -Dtest=HfConfigFuzzTest#config}.
 */
class HfConfigFuzzTest {

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void config(byte[] data) {
        try {
            HfConfig config = HfConfig.parse(data);
            Builder builder = HfModels.builder("fuzz", config);
            Summary.of(Catalog.build(builder, Kwargs.parse(builder.name(), builder.args(), Map.of(), true)));
        } catch (ConfigException | TotalsOverflowException expected) {
            // the acceptable outcomes for a bad config: the CLI turns both into one line and exit code 3
        }
    }
}
