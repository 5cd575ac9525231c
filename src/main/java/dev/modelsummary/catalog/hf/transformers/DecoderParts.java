package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * Decoder pieces that 4.40.2's modeling files copy from one another ({@code # Copied from ...}): written once here,
 * each hooked under its family's class name.
 */
final class DecoderParts {
    private DecoderParts() {
    }

    /**
     * {@code MistralRotaryEmbedding(x, seq_len)} and its copies (Falcon, GPT-NeoX, Phi, with their linear / dynamic
     * NTK scaling subclasses): the cached cos and sin sliced to {@code seq_len}, {@code (seq, dim)} each. No
     * matmul runs (a longer sequence re-caches with {@code torch.outer}, a multiply): 0 FLOPs.
     */
    static final class CachedRotaryEmbedding extends Module {
        private final long dim;

        CachedRotaryEmbedding(String torchClass, long dim) {
            className(torchClass);
            this.dim = dim;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape cs = Shape.of(xs.get(0).dim(2), dim);
            return List.of(cs, cs);
        }
    }

    /**
     * A two-layer MLP, {@code out(act(in(x)))}, then a dropout where the family has one: GPT-NeoX's
     * {@code dense_h_to_4h}/{@code act}/{@code dense_4h_to_h}, Phi's {@code fc1}/{@code activation_fn}/{@code fc2},
     * Falcon's, CLIP's and SigLIP's; GPT-2's, GPT-Neo's and GPT-J's with their {@code dropout}. Subclasses register
     * the children in their family's order and name them here.
     */
    abstract static class TwoLayerMlp extends Module {
        private final String in;
        private final String act;
        private final String out;
        private final String dropout;

        TwoLayerMlp(String in, String act, String out) {
            this(in, act, out, null);
        }

        /** @param dropout the dropout called on the output, or null for none */
        TwoLayerMlp(String in, String act, String out, String dropout) {
            this.in = in;
            this.act = act;
            this.out = out;
            this.dropout = dropout;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = call(t, out, call(t, act, call(t, in, x)));
            return dropout == null ? y : call(t, dropout, y);
        }
    }
}
