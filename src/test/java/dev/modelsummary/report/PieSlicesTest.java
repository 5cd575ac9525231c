package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Form;
import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.Summary;
import org.junit.jupiter.api.Test;

class PieSlicesTest {

    @Test
    void labelGivesTheFormTheReportsTwoDecimalShareAndTheAbbreviatedCount() {
        assertThat(PieSlices.label(Form.MATRIX, 303_215_616, 304_326_632)).isEqualTo("Matrix 99.63% (303.22M)");
        assertThat(PieSlices.label(new Form(4), 786_432, 304_326_632)).isEqualTo("Tensor rank 4 0.26% (786.43K)");
        assertThat(PieSlices.label(Form.VECTOR, 999, 1000)).isEqualTo("Vector 99.90% (999)");
        assertThat(PieSlices.label(new Form(0), 1, 1_000_000)).isEqualTo("Tensor rank 0 0.00% (1)");
        assertThat(PieSlices.label(Form.MATRIX, 7, 7)).isEqualTo("Matrix 100.00% (7)");
    }

    @Test
    void labelRoundsTheWayThePythonReportDid() {
        // 100 * 1 / 8 = 12.5 exactly, and f"{12.5:.2f}" is 12.50; 2.675 is a binary value just below, so 2.67.
        assertThat(PieSlices.label(Form.VECTOR, 1, 8)).isEqualTo("Vector 12.50% (1)");
        assertThat(PieSlices.label(Form.VECTOR, 2675, 100_000)).isEqualTo("Vector 2.67% (2.67K)");
    }

    @Test
    void vitL16HasTheThreeFormsWithTheSharesOfThePublishedPage() {
        Summary summary = ChartModels.vitL16();

        assertThat(PieSlices.of(summary)).extracting(PieSlices.Slice::label).containsExactly(
                "Vector 0.11% (324.58K)", "Matrix 99.63% (303.22M)", "Tensor rank 4 0.26% (786.43K)");
        assertThat(PieSlices.title(summary)).isEqualTo("vit_l_16 parameters by form");
    }

    @Test
    void hubCountsChangeOnlyTheCount() {
        Summary summary = ChartModels.vitL16();

        assertThat(PieSlices.withHubCounts(summary)).extracting(PieSlices.Slice::label).containsExactly(
                "Vector 0.11% (325K)", "Matrix 99.63% (303M)", "Tensor rank 4 0.26% (786K)");
        assertThat(PieSlices.withHubCounts(summary)).extracting(PieSlices.Slice::count)
                .containsExactlyElementsOf(PieSlices.of(summary).stream().map(PieSlices.Slice::count).toList());
    }

    @Test
    void slicesFollowTheReportOrderAndSkipEmptyForms() {
        // The summary always lists Vector and Matrix; with neither present they must not become slices.
        Summary summary = ChartModels.of("convs", Shape.of(8, 3, 3, 3), Shape.of(4, 4, 4), Shape.of(2, 2, 2, 2, 2,
                2, 2, 2, 2, 2));

        assertThat(summary.forms()).hasSize(5);
        assertThat(PieSlices.of(summary)).extracting(PieSlices.Slice::form)
                .containsExactly(new Form(10), new Form(3), new Form(4));
        assertThat(PieSlices.of(summary)).extracting(PieSlices.Slice::count).containsExactly(1024L, 64L, 216L);
    }

    @Test
    void aModelWithoutParametersHasNoSlices() {
        assertThat(PieSlices.of(ChartModels.noParameters())).isEmpty();
        assertThat(PieSlices.of(ChartModels.of("zero_sized", Shape.of(0, 5)))).isEmpty();
    }
}
