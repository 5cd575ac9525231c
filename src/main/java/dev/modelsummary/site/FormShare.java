package dev.modelsummary.site;

import dev.modelsummary.model.Form;

/**
 * A model's parameter tensors of one form, as a site records them.
 *
 * @param form       the form's label ({@code Vector}, {@code Matrix}, {@code Tensor rank 4})
 * @param tensors    parameter tensors of that form
 * @param parameters their elements
 */
public record FormShare(String form, int tensors, long parameters) {
    private static final String TENSOR_RANK = "Tensor rank ";

    /** The form its label names ({@link Form#label()}: {@code Vector}, {@code Tensor rank 4}). */
    public Form toForm() {
        return switch (form) {
            case "Vector" -> Form.VECTOR;
            case "Matrix" -> Form.MATRIX;
            default -> {
                if (!form.startsWith(TENSOR_RANK)) {
                    throw new IllegalArgumentException("not a form: " + form);
                }
                yield new Form(Integer.parseInt(form.substring(TENSOR_RANK.length())));
            }
        };
    }
}
