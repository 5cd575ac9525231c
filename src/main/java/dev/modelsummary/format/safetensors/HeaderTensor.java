package dev.modelsummary.format.safetensors;

import dev.modelsummary.model.Shape;

/**
 * One tensor as a safetensors header declares it: {@code "name": {"dtype": ..., "shape": [...],
 * "data_offsets": [begin, end]}}, offsets relative to the start of the data buffer.
 */
record HeaderTensor(String name, SafetensorsDType dtype, Shape shape, long begin, long end) {
}
