package dev.modelsummary.summary;

import dev.modelsummary.model.DType;
import java.util.List;
import java.util.Optional;

/** Tensors of one dtype (parameters and buffers, tied entries once): tensors, elements and bytes. */
public record DTypeStat(DType dtype, int tensors, long count, long bytes) {

    /**
     * The floating dtype of whole elements that holds the most bytes among {@code stats} (a model's dtype as its
     * activations would be: quantized, integer and bool tensors never are), or empty when there is none.
     */
    public static Optional<DType> mainFloating(List<DTypeStat> stats) {
        DType best = null;
        long bestBytes = -1;
        for (DTypeStat stat : stats) {
            DType d = stat.dtype();
            boolean wholeElements = d.blockSize() == 1 && !d.isIntegerOrBool() && !d.isQuantized();
            if (wholeElements && stat.bytes() > bestBytes) {
                best = d;
                bestBytes = stat.bytes();
            }
        }
        return Optional.ofNullable(best);
    }
}
