package dev.modelsummary.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Form;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelDiffTest {

    private static Model model(TensorEntry... tensors) {
        return new Model("m", "test", "m", List.of(tensors), List.of());
    }

    private static TensorEntry p(String name, long... dims) {
        return TensorEntry.parameter(name, Shape.of(dims), DType.FLOAT32, true);
    }

    @Test
    void aModelAgainstItselfIsIdentical() {
        Model m = model(p("w", 2, 3), TensorEntry.buffer("n", Shape.scalar(), DType.INT64), p("t", 2, 3)
                .withAliasOf("w"));

        ModelDiff diff = ModelDiff.of(m, m);

        assertThat(diff.noDifference()).isTrue();
        assertThat(diff.same()).isEqualTo(3);
        assertThat(diff.onlyInA()).isEmpty();
        assertThat(diff.onlyInB()).isEmpty();
        assertThat(diff.changed()).isEmpty();
    }

    @Test
    void onlyInAKeepsAsOrderAndOnlyInBKeepsBsOrder() {
        ModelDiff diff = ModelDiff.of(model(p("z", 1), p("shared", 1), p("a", 1)),
                model(p("y", 1), p("shared", 1), p("b", 1)));

        assertThat(diff.onlyInA()).extracting(TensorEntry::name).containsExactly("z", "a");
        assertThat(diff.onlyInB()).extracting(TensorEntry::name).containsExactly("y", "b");
        assertThat(diff.same()).isEqualTo(1);
        assertThat(diff.noDifference()).isFalse();
    }

    @Test
    void eachAspectThatDiffersIsNamed() {
        ModelDiff diff = ModelDiff.of(
                model(p("shape", 2), p("dtype", 2), p("role", 2), p("frozen", 2), p("tied", 2), p("all", 2)),
                model(p("shape", 3),
                        TensorEntry.parameter("dtype", Shape.of(2), DType.FLOAT16, true),
                        TensorEntry.buffer("role", Shape.of(2), DType.FLOAT32),
                        TensorEntry.parameter("frozen", Shape.of(2), DType.FLOAT32, false),
                        p("tied", 2).withAliasOf("shape"),
                        TensorEntry.buffer("all", Shape.of(4), DType.INT8).withAliasOf("role")));

        assertThat(diff.changed()).extracting(ModelDiff.Change::name)
                .containsExactly("shape", "dtype", "role", "frozen", "tied", "all");
        assertThat(diff.changed()).extracting(ModelDiff.Change::aspects).containsExactly(
                List.of(ModelDiff.Aspect.SHAPE), List.of(ModelDiff.Aspect.DTYPE),
                // a buffer is never trainable: a parameter that became one changed both
                List.of(ModelDiff.Aspect.ROLE, ModelDiff.Aspect.TRAINABLE), List.of(ModelDiff.Aspect.TRAINABLE),
                List.of(ModelDiff.Aspect.TIED), List.of(ModelDiff.Aspect.values()));
        assertThat(diff.same()).isZero();
    }

    @Test
    void aNameListedTwiceIsMatchedByItsFirstEntry() {
        ModelDiff diff = ModelDiff.of(model(p("w", 2), p("w", 5)), model(p("w", 2), p("w", 7), p("v", 1)));

        assertThat(diff.same()).isEqualTo(1);
        assertThat(diff.changed()).isEmpty();
        assertThat(diff.onlyInB()).extracting(TensorEntry::name).containsExactly("v");
    }

    @Test
    void formsAreTheUnionInReportOrderWithZerosWhereAModelHasNone() {
        ModelDiff diff = ModelDiff.of(model(p("v", 4), p("c", 2, 3, 4)), model(p("v", 5), p("m", 2, 3)));

        assertThat(diff.forms()).containsExactly(
                new ModelDiff.FormRow(Form.VECTOR, 1, 1, 4, 5),
                new ModelDiff.FormRow(Form.MATRIX, 0, 1, 0, 6),
                new ModelDiff.FormRow(new Form(3), 1, 0, 24, 0));
    }

    @Test
    void totalsAreEachModelsSummary() {
        Model a = model(p("w", 10, 10), p("t", 10, 10).withAliasOf("w"));
        Model b = model(p("w", 10, 10), p("t", 10, 10));

        ModelDiff diff = ModelDiff.of(a, b);

        assertThat(diff.a().parameters().count()).isEqualTo(100);
        assertThat(diff.b().parameters().count()).isEqualTo(200);
        assertThat(diff.changed()).singleElement().extracting(ModelDiff.Change::aspects)
                .isEqualTo(List.of(ModelDiff.Aspect.TIED));
    }
}
