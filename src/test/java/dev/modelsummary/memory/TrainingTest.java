package dev.modelsummary.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each optimizer's states counted by hand on small tensors, from the optimizers' own state initialisation. */
class TrainingTest {
    // a 3x5000 matrix (15,000 elements: 8-bit states), a 64-element vector (32-bit states), a frozen 10x10
    private static final TensorEntry MATRIX = TensorEntry.parameter("fc.weight", Shape.of(3, 5000), DType.FLOAT32,
            true);
    private static final TensorEntry BIAS = TensorEntry.parameter("fc.bias", Shape.of(64), DType.FLOAT32, true);
    private static final TensorEntry FROZEN = TensorEntry.parameter("emb.weight", Shape.of(10, 10), DType.BFLOAT16,
            false);
    private static final TensorEntry CONV = TensorEntry.parameter("conv.weight", Shape.of(8, 4, 3, 3), DType.FLOAT32,
            true);

    private static Training.Row row(List<Training.Row> rows, Training.Optimizer o, Training.Precision p) {
        return rows.stream().filter(r -> r.optimizer() == o && r.precision() == p).findFirst().orElseThrow();
    }

    @Test
    void adamWAndSgdKeepFloat32StatesForTrainableParametersOnly() {
        List<Training.Row> rows = Training.rows(List.of(MATRIX, BIAS, FROZEN));
        long all = 15_000 + 64 + 100;
        long trainable = 15_000 + 64;
        Training.Row adam = row(rows, Training.Optimizer.ADAMW, Training.Precision.FLOAT32);
        assertThat(adam.weights()).isEqualTo(4 * all);
        assertThat(adam.gradients()).isEqualTo(4 * trainable);
        assertThat(adam.states()).isEqualTo(8 * trainable);
        assertThat(adam.master()).isZero();
        assertThat(adam.total()).isEqualTo(4 * all + 12 * trainable);
        Training.Row mixed = row(rows, Training.Optimizer.ADAMW, Training.Precision.MIXED);
        assertThat(mixed.weights()).isEqualTo(2 * all);
        assertThat(mixed.gradients()).isEqualTo(2 * trainable);
        assertThat(mixed.master()).isEqualTo(4 * trainable);
        assertThat(mixed.states()).isEqualTo(8 * trainable);
        assertThat(row(rows, Training.Optimizer.SGD, Training.Precision.FLOAT32).states()).isEqualTo(4 * trainable);
    }

    @Test
    void eightBitAdamQuantizesLargeTensorsBlockWiseAndKeeps32BitStatesForSmallOnes() {
        List<Training.Row> rows = Training.rows(List.of(MATRIX, BIAS));
        // 15,000 elements: 2 uint8 states + 2 float32 absmax per block of 256 (59 blocks, the last partial)
        long matrix = 2 * 15_000 + 2 * 4 * 59;
        // 64 < min_8bit_size 4096: exp_avg and exp_avg_sq in float32
        long bias = 8 * 64;
        assertThat(row(rows, Training.Optimizer.ADAM_8BIT, Training.Precision.FLOAT32).states())
                .isEqualTo(matrix + bias);
        // exactly 4096 elements is 8-bit; 4095 is not
        TensorEntry at = TensorEntry.parameter("a", Shape.of(4096), DType.FLOAT32, true);
        TensorEntry below = TensorEntry.parameter("b", Shape.of(4095), DType.FLOAT32, true);
        assertThat(row(Training.rows(List.of(at)), Training.Optimizer.ADAM_8BIT, Training.Precision.FLOAT32)
                .states()).isEqualTo(2 * 4096 + 2 * 4 * 16);
        assertThat(row(Training.rows(List.of(below)), Training.Optimizer.ADAM_8BIT, Training.Precision.FLOAT32)
                .states()).isEqualTo(8 * 4095);
    }

    @Test
    void adafactorFactorsTheSecondMomentOfTensorsOfRankTwoOrMore() {
        List<Training.Row> rows = Training.rows(List.of(MATRIX, BIAS, CONV));
        // 3x5000: row (3) + col (5000); vector: whole; 8x4x3x3: row shape (8,4,3) = 96, col shape (8,4,3) = 96
        long expected = 4L * (3 + 5000) + 4L * 64 + 4L * (96 + 96);
        assertThat(row(rows, Training.Optimizer.ADAFACTOR, Training.Precision.FLOAT32).states()).isEqualTo(expected);
    }

    @Test
    void formulasNameWhatEachRowCounts() {
        Training.Row mixed = row(Training.rows(List.of(BIAS)), Training.Optimizer.ADAMW, Training.Precision.MIXED);
        assertThat(mixed.formula()).isEqualTo("2 B weights + 2 B gradients + 4 B float32 master weights + exp_avg "
                + "+ exp_avg_sq, 8 B/param");
    }
}
