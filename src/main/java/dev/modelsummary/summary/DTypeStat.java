package dev.modelsummary.summary;

import dev.modelsummary.model.DType;

/** Tensors of one dtype (parameters and buffers, tied entries once): tensors, elements and bytes. */
public record DTypeStat(DType dtype, int tensors, long count, long bytes) {
}
