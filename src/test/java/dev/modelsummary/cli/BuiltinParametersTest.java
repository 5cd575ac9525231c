package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The table {@code --list} reads its counts from is what the builders build today. After a change to a builder,
 * rewrite it: {@code mvn -o -q test -Dtest=BuiltinParametersTest -Dmodel-summary.write-parameters=true}.
 */
class BuiltinParametersTest {
    private static final Path SOURCE = Path.of("src/main/resources/dev/modelsummary/cli", BuiltinParameters.RESOURCE);

    @Test
    void theTableHoldsEveryBuiltinsFreshCount() throws IOException {
        Catalog catalog = Catalog.standard();
        Map<String, Long> fresh = new TreeMap<>(catalog.names().parallelStream()
                .collect(Collectors.toMap(name -> name, name -> BuiltinParameters.count(catalog, name))));
        if (Boolean.getBoolean("model-summary.write-parameters")) {
            Files.writeString(SOURCE, fresh.entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue() + "\n")
                    .collect(Collectors.joining()), StandardCharsets.UTF_8);
            return; // the jar's copy is the old one until the next build
        }

        assertThat(new TreeMap<>(BuiltinParameters.table()))
                .as("%s is stale: rewrite it with -Dmodel-summary.write-parameters=true (see this test)", SOURCE)
                .isEqualTo(fresh);
    }

    @Test
    void aNameTheTableLacksIsBuilt() {
        Catalog catalog = Catalog.standard();

        // resnet18: 11,689,512 parameters (torchvision's own count); built, not looked up, when the table lacks it
        assertThat(BuiltinParameters.count(catalog, "resnet18")).isEqualTo(11_689_512L);
        assertThat(BuiltinParameters.of(catalog, java.util.List.of("resnet18"))).containsEntry("resnet18", 11_689_512L);
    }
}
