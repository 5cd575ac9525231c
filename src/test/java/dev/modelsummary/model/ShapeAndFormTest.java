package dev.modelsummary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShapeAndFormTest {

    @Test
    void printsAsPythonTuples() {
        assertThat(Shape.of().toPythonTuple()).isEqualTo("()");
        assertThat(Shape.of(1024).toPythonTuple()).isEqualTo("(1024,)");
        assertThat(Shape.of(1, 1, 1024).toPythonTuple()).isEqualTo("(1, 1, 1024)");
        assertThat(Shape.of(0, 3).toPythonTuple()).isEqualTo("(0, 3)");
    }

    @Test
    void squeezeDropsEveryDimensionOfSizeOne() {
        assertThat(Shape.of(1, 1, 1024).squeezed()).isEqualTo(Shape.of(1024));
        assertThat(Shape.of(256, 64, 1, 1).squeezed()).isEqualTo(Shape.of(256, 64));
        assertThat(Shape.of(1).squeezed()).isEqualTo(Shape.of());
        assertThat(Shape.of(1, 1).squeezed().toPythonTuple()).isEqualTo("()");
        assertThat(Shape.of(0, 1).squeezed()).isEqualTo(Shape.of(0));
    }

    @Test
    void numelIsTheProductAndRefusesOverflow() {
        assertThat(Shape.of().numel()).isEqualTo(1);
        assertThat(Shape.of(3, 0, 5).numel()).isZero();
        assertThat(Shape.of(1024, 3, 16, 16).numel()).isEqualTo(786_432);
        assertThatThrownBy(() -> Shape.of(1L << 32, 1L << 32).numel()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Shape.of(2, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formIsTheRankOfTheSqueezedShape() {
        assertThat(Form.of(Shape.of(1, 1, 1024)).label()).isEqualTo("Vector");
        assertThat(Form.of(Shape.of(1, 197, 1024)).label()).isEqualTo("Matrix");
        assertThat(Form.of(Shape.of(1024, 3, 16, 16)).label()).isEqualTo("Tensor rank 4");
        assertThat(Form.of(Shape.of(1)).label()).isEqualTo("Tensor rank 0");
        assertThat(Form.of(Shape.of()).label()).isEqualTo("Tensor rank 0");
    }

    @Test
    void formsSortAsTheOriginalSortedItsStringKeys() {
        List<String> sorted = Stream.of(3, 10, 2, 0, 1, 5, 4).map(Form::new).sorted(Form.REPORT_ORDER)
                .map(Form::label).collect(Collectors.toList());

        assertThat(sorted).containsExactly("Vector", "Matrix", "Tensor rank 0", "Tensor rank 10",
                "Tensor rank 3", "Tensor rank 4", "Tensor rank 5");
    }

    @Test
    void dtypeSizesCoverPackedTypes() {
        assertThat(DType.FLOAT32.bytesFor(10)).isEqualTo(40);
        assertThat(DType.BFLOAT16.bytesFor(3)).isEqualTo(6);
        assertThat(DType.FLOAT4_E2M1.bytesFor(6)).isEqualTo(3);
        assertThat(DType.FLOAT6_E2M3.bytesFor(8)).isEqualTo(6);
        assertThat(DType.byTorchName("float8_e4m3fn")).contains(DType.FLOAT8_E4M3FN);
        assertThat(DType.byTorchName("nope")).isEmpty();
        assertThatThrownBy(() -> DType.FLOAT64.bytesFor(Long.MAX_VALUE / 4)).isInstanceOf(ArithmeticException.class);
    }
}
