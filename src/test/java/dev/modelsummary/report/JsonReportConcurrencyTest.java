package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.summary.Summary;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** --all renders reports on every core: a report must not depend on what another thread is rendering. */
class JsonReportConcurrencyTest {

    @Test
    void reportsRenderedInParallelEqualTheOneRenderedAlone() {
        Summary summary = Summary.of(Catalog.standard().build("vit_b_32").orElseThrow());
        String alone = JsonReport.render(summary);

        List<String> parallel = IntStream.range(0, 64).parallel().mapToObj(i -> JsonReport.render(summary))
                .collect(Collectors.toList());

        assertThat(parallel).allSatisfy(json -> assertThat(json).isEqualTo(alone));
        assertThat(alone).contains("\n  \"parameters\": {\n    \"tensors\": ");
    }
}
