package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.model.Shape;

/** What torch itself refuses while a transformers model is built or run, in torch's words. */
final class TorchChecks {
    private TorchChecks() {
    }

    /**
     * {@code nn.Embedding(num_embeddings, dim, padding_idx)}'s assertion: a padding index must lie in
     * {@code [-num_embeddings, num_embeddings)}.
     */
    static void paddingIdx(Long paddingIdx, long numEmbeddings) {
        if (paddingIdx == null) {
            return;
        }
        if ((paddingIdx > 0 && paddingIdx >= numEmbeddings) || (paddingIdx < 0 && paddingIdx < -numEmbeddings)) {
            throw new ConfigException("Padding_idx must be within num_embeddings (pad_token_id " + paddingIdx
                    + ", " + numEmbeddings + " embeddings)");
        }
    }

    /** {@code x.view(dims)}: refused when the element counts differ. */
    static void view(Shape x, long... dims) {
        long numel = Exact.numel(x);
        if (Exact.numel(Shape.of(dims)) != numel) {
            throw new ShapeException("shape '" + java.util.Arrays.toString(dims) + "' is invalid "
                    + "for input of size " + numel);
        }
    }
}
