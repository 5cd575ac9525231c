package dev.modelsummary.catalog.hf.transformers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every family's heads share: the question-answering split ({@code start, end = logits.split(1, dim=-1)})
 * and the multiple-choice views.
 */
class HeadsTest {
    @Test
    void startEndLogitsUnpackOnlyTwoLabels() {
        assertThat(Heads.startEndLogits(Shape.of(2, 7, 2))).isEqualTo(Shape.of(2, 7));
        assertThatThrownBy(() -> Heads.startEndLogits(Shape.of(2, 7, 3))).isInstanceOf(ShapeException.class)
                .hasMessage("too many values to unpack (expected 2)");
        // torch splits an empty last dimension into one empty piece: Python unpacks 1 value, not 0
        assertThatThrownBy(() -> Heads.startEndLogits(Shape.of(2, 7, 0))).isInstanceOf(ShapeException.class)
                .hasMessage("not enough values to unpack (expected 2, got 1)");
        assertThatThrownBy(() -> Heads.startEndLogits(Shape.of(2, 7, 1))).isInstanceOf(ShapeException.class)
                .hasMessage("not enough values to unpack (expected 2, got 1)");
    }

    @Test
    void multipleChoiceRunsTheRowsAndViewsTheLogitsPerChoice() {
        List<Shape> seen = new ArrayList<>();
        Shape logits = Heads.multipleChoice(Shape.of(2, 4, 7), rows -> {
            seen.add(rows);
            return Shape.of(rows.dim(0), 1);
        });
        assertThat(seen).containsExactly(Shape.of(8, 7));
        assertThat(logits).isEqualTo(Shape.of(2, 4));
        assertThatThrownBy(() -> Heads.multipleChoice(Shape.of(7), rows -> rows)).isInstanceOf(ShapeException.class)
                .hasMessage("tuple index out of range");
    }
}
