package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void vitL16PageEqualsThePublishedSeedByteForByte() {
        Summary summary = Summary.of(Catalog.standard().build("vit_l_16").orElseThrow());

        assertThat(MarkdownReport.render(summary)).isEqualTo(Resources.text("golden/vit_l_16.md"));
    }
}
