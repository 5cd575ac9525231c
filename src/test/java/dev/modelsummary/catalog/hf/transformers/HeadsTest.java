package dev.modelsummary.catalog.hf.transformers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.model.Shape;
import org.junit.jupiter.api.Test;

/** The question-answering split every family's head shares: {@code start, end = logits.split(1, dim=-1)}. */
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
}
