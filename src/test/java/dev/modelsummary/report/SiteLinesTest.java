package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.summary.Summary;
import org.junit.jupiter.api.Test;

class SiteLinesTest {
    @Test
    void humanBytesInBinaryUnitsWithPythonRounding() {
        assertThat(TextReport.humanBytes(0)).isEqualTo("0 B");
        assertThat(TextReport.humanBytes(1023)).isEqualTo("1023 B");
        assertThat(TextReport.humanBytes(1024)).isEqualTo("1.00 KiB");
        assertThat(TextReport.humanBytes(1536)).isEqualTo("1.50 KiB");
        assertThat(TextReport.humanBytes(1024L * 1024)).isEqualTo("1.00 MiB");
        // 1.125 is exact in binary: Python's f"{1.125:.2f}" rounds half to even
        assertThat(TextReport.humanBytes(1152)).isEqualTo("1.12 KiB");
        assertThat(TextReport.humanBytes(1L << 60)).isEqualTo("1.00 EiB");
        assertThat(TextReport.humanBytes(Long.MAX_VALUE)).isEqualTo("8.00 EiB");
    }

    @Test
    void linesOfVitL16() {
        Summary summary = Summary.of(Catalog.standard().build("vit_l_16").orElseThrow());

        assertThat(SiteLines.trainable(summary)).isEqualTo("**Trainable parameters: [ 304.33M ]**");
        // 304,326,632 float32 parameters, no buffers: 1,217,306,528 bytes
        assertThat(SiteLines.size(summary)).isEqualTo("**Size: [ 1.13 GiB ]** (float32)");
        assertThat(SiteLines.rank(new SiteRank(3, 80, "image/classification", "README.md")))
                .isEqualTo("**Rank: [ 3 / 80 ] in [image/classification](README.md)**");
    }
}
