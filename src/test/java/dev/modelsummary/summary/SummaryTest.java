package dev.modelsummary.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Form;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.MarkdownReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    private static Model model(TensorEntry... tensors) {
        return new Model("m", "test", "m", List.of(tensors), List.of());
    }

    @Test
    void buffersStayApartAndTiedWeightsCountOnce() {
        Summary s = Summary.of(model(
                TensorEntry.parameter("embed.weight", Shape.of(10, 4), DType.FLOAT32, true),
                TensorEntry.buffer("bn.running_mean", Shape.of(4), DType.FLOAT32),
                TensorEntry.buffer("bn.num_batches_tracked", Shape.of(), DType.INT64),
                TensorEntry.parameter("head.weight", Shape.of(10, 4), DType.FLOAT32, true).withAliasOf("embed.weight"),
                TensorEntry.parameter("scale", Shape.of(1), DType.FLOAT16, false)));

        assertThat(s.layers()).extracting(TensorEntry::name).containsExactly("embed.weight", "scale");
        assertThat(s.parameters()).isEqualTo(new Totals(2, 41, 40, 162));
        assertThat(s.buffers()).isEqualTo(new Totals(2, 5, 0, 24));
        assertThat(s.dtypes()).containsExactly(
                new DTypeStat(DType.FLOAT32, 2, 44, 176),
                new DTypeStat(DType.INT64, 1, 1, 8),
                new DTypeStat(DType.FLOAT16, 1, 1, 2));
    }

    @Test
    void totalsPast2Pow63AreRefusedNotWrapped() {
        TensorEntry huge = TensorEntry.parameter("a", Shape.of(1L << 62), DType.INT8, true);

        assertThatThrownBy(() -> Summary.of(model(huge, huge.withName("b"))))
                .isInstanceOf(TotalsOverflowException.class)
                .hasMessage("Element or byte totals pass 2^63 - 1, more than any real model holds.");
        assertThat(Summary.of(model(huge)).parameters().count()).isEqualTo(1L << 62);
    }

    @Test
    void aStoredTotalPast2Pow63IsRefusedWhenEachPartFits() {
        // parameters and buffers each fit, and so does each dtype's sum: only their total, which reports print, does not
        TensorEntry parameter = TensorEntry.parameter("a", Shape.of(1L << 62), DType.INT8, true);
        TensorEntry buffer = TensorEntry.buffer("b", Shape.of(1L << 62), DType.UINT8);

        assertThatThrownBy(() -> Summary.of(model(parameter, buffer))).isInstanceOf(TotalsOverflowException.class);
        assertThat(Summary.of(model(parameter)).storedBytes()).isEqualTo(1L << 62);
    }

    @Test
    void vectorAndMatrixColumnsAlwaysShowEvenWhenEmpty() {
        Summary s = Summary.of(model(TensorEntry.parameter("conv", Shape.of(8, 3, 3, 3), DType.FLOAT32, true)));

        assertThat(s.forms()).containsExactly(
                new FormStat(Form.VECTOR, 0, 0), new FormStat(Form.MATRIX, 0, 0), new FormStat(new Form(4), 1, 216));
        assertThat(MarkdownReport.render(s)).contains(
                "| Vector | Matrix | Tensor rank 4 | \n|  --- | --- | --- |\n| 0.00 | 0.00 | 100.00 | \n");
    }

    @Test
    void rankTenSortsBeforeRankThreeInThePage() {
        Summary s = Summary.of(model(
                TensorEntry.parameter("a", Shape.of(2, 2, 2), DType.FLOAT32, true),
                TensorEntry.parameter("b", Shape.of(2, 2, 2, 2, 2, 2, 2, 2, 2, 2), DType.FLOAT32, true),
                TensorEntry.parameter("c", Shape.of(1), DType.FLOAT32, true)));

        String page = MarkdownReport.render(s);
        assertThat(page).contains("| Vector | Matrix | Tensor rank 0 | Tensor rank 10 | Tensor rank 3 | \n"
                + "|  --- | --- | --- | --- | --- |\n| 0.00 | 0.00 | 33.33 | 33.33 | 33.33 | \n");
        assertThat(page).contains("| c | (1,) | () | 1 | Tensor rank 0 |\n");
        assertThat(page).contains("**Number of parameters: [ 1.03K ]**");
    }
}
