package dev.modelsummary.summary;

import dev.modelsummary.model.Form;

/** Parameter tensors of one form: how many tensors and how many elements. */
public record FormStat(Form form, int tensors, long count) {
}
