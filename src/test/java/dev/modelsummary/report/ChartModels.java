package dev.modelsummary.report;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import java.util.ArrayList;
import java.util.List;

/** Summaries for the chart tests: the built-in vit_l_16 and small hand-made models. */
final class ChartModels {
    private ChartModels() {
    }

    static Summary vitL16() {
        return Summary.of(Catalog.standard().build("vit_l_16").orElseThrow());
    }

    /** One float32 parameter per shape, named {@code p0}, {@code p1}, ... */
    static Summary of(String name, Shape... shapes) {
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            tensors.add(TensorEntry.parameter("p" + i, shapes[i], DType.FLOAT32, true));
        }
        return Summary.of(new Model(name, "builtin", name, tensors, List.of()));
    }

    /** Vector, Matrix and Tensor rank 0, 3, 4, 5 and 10, none of them empty. */
    static Summary manyForms() {
        return of("many_forms",
                Shape.of(3000),
                Shape.of(300, 100),
                Shape.of(1, 1),
                Shape.of(20, 30, 10),
                Shape.of(20, 30, 10, 4),
                Shape.of(2, 3, 4, 5, 6),
                Shape.of(2, 2, 2, 2, 2, 2, 2, 2, 2, 2));
    }

    /** No parameters at all: only a buffer. */
    static Summary noParameters() {
        return Summary.of(new Model("empty_model", "builtin", "empty_model",
                List.of(TensorEntry.buffer("running_mean", Shape.of(8), DType.FLOAT32)), List.of()));
    }
}
