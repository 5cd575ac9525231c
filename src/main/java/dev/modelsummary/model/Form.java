package dev.modelsummary.model;

import java.util.Comparator;

/**
 * The form of a tensor: the rank of its squeezed shape. Rank 1 is a Vector, rank 2 a Matrix, anything else
 * {@code Tensor rank N} (a squeezed scalar is {@code Tensor rank 0}).
 */
public record Form(int rank) {
    public static final Form VECTOR = new Form(1);
    public static final Form MATRIX = new Form(2);

    /**
     * The order of the original report: it sorted the keys {@code 0.Vector}, {@code 1.Matrix},
     * {@code 2.Tensor rank N} as strings, so {@code Tensor rank 10} comes before {@code Tensor rank 3}.
     */
    public static final Comparator<Form> REPORT_ORDER = Comparator.comparing(Form::sortKey);

    public Form {
        if (rank < 0) {
            throw new IllegalArgumentException("negative rank " + rank);
        }
    }

    public static Form of(Shape shape) {
        return new Form(shape.squeezedRank());
    }

    public String label() {
        return switch (rank) {
            case 1 -> "Vector";
            case 2 -> "Matrix";
            default -> "Tensor rank " + rank;
        };
    }

    private String sortKey() {
        return switch (rank) {
            case 1 -> "0.Vector";
            case 2 -> "1.Matrix";
            default -> "2.Tensor rank " + rank;
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
