package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled Hub checkpoints whose owners publish a parameter count: built from their config with the class
 * the config names, they count exactly that many parameters (tied weights once).
 */
class HfPublishedTotalsTest {
    private static final Catalog CATALOG = Catalog.standard();

    static Stream<Arguments> cases() {
        String csv = new String(Resources.bytes("hf-golden/published-totals.csv"), StandardCharsets.UTF_8);
        return Arrays.stream(csv.split("\n")).filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split(","))
                .map(f -> Arguments.of(f[0].strip(), Long.parseLong(f[1].strip())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builtInCountsThePublishedTotal(String hubId, long published) {
        Model model = CATALOG.build(hubId).orElseThrow(() -> new AssertionError("no built-in " + hubId));

        long total = model.tensors().stream().filter(t -> t.isParameter() && t.aliasOf() == null)
                .mapToLong(TensorEntry::numel).sum();
        assertThat(total).isEqualTo(published);
    }
}
