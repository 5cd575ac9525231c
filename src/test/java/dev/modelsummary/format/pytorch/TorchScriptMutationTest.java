package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.testutil.ArchiveMutants;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile-file guard for TorchScript archives: fixed-seed random corruptions of one record of a real archive
 * (data.pkl, constants.pkl or a code file: overwritten, inserted or truncated bytes), rezipped so that the
 * directory stays valid, must each read or fail with a FormatException, never with another exception.
 */
class TorchScriptMutationTest {
    private static final int MUTANTS = 300;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"custom.pt", "containers.pt", "frozen.pt"})
    void everyMutantReadsOrFailsWithAFormatException(String fixture) throws IOException {
        Map<String, byte[]> original = TorchScriptErrorsTest.records(fixture);
        List<String> targets = original.keySet().stream()
                .filter(n -> n.endsWith(".pkl") && !n.endsWith("debug_pkl") || n.endsWith(".py")).toList();
        Random random = new Random(fixture.hashCode());
        Path file = dir.resolve(fixture);
        int failures = ArchiveMutants.refused(original, targets, random, file, MUTANTS,
                f -> new TorchReader().read(f, ChannelOpener.FILES));
        assertThat(failures).as("some mutants must be refused").isPositive();
    }
}
