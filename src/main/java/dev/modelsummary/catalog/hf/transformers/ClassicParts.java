package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * Pieces the older transformers decoders and seq2seq models of issue 17 share (BART, OPT, GPT-Neo, GPT-J, BLOOM,
 * in transformers 4.57.6): the eager attention function's two products, LayerNorm without affine tensors, and the
 * learned positional embedding with BART's and OPT's offset of 2.
 */
final class ClassicParts {
    private ClassicParts() {
    }

    /**
     * {@code eager_attention_forward} (a function, so its products count in the calling attention module):
     * {@code matmul(q, k^T)} of {@code (batch, heads, q_len, head_dim)} by {@code (batch, heads, head_dim, kv_len)}
     * and {@code matmul(weights, v)}; softmax, masks and dropout count nothing.
     */
    static void eagerAttention(Trace t, long batch, long heads, long qLen, long kvLen, long headDim) {
        Shape query = Shape.of(batch, heads, qLen, headDim);
        Shape keyT = Shape.of(batch, heads, headDim, kvLen);
        Shape weights = MatMul.matmul(query, keyT);
        t.flops(MatMul.matmulFlops(query, keyT));
        Shape value = Shape.of(batch, heads, kvLen, headDim);
        MatMul.matmul(weights, value);
        t.flops(MatMul.matmulFlops(weights, value));
    }

    /**
     * The end of GPT-Neo's and GPT-J's {@code _attn} and {@code forward}: {@link #eagerAttention}, dropout on the
     * weights ({@code attn_dropout}), {@code out_proj} on the merged heads, {@code resid_dropout}; returns the
     * output and the attention weights, as both modules do.
     */
    static List<Shape> attentionOutput(Module attention, Trace t, long batch, long heads, long seq, long headDim) {
        eagerAttention(t, batch, heads, seq, seq, headDim);
        Shape weights = attention.call(t, "attn_dropout", Shape.of(batch, heads, seq, seq));
        Shape out = attention.call(t, "out_proj", Shape.of(batch, seq, Dims.mul(heads, headDim)));
        return List.of(attention.call(t, "resid_dropout", out), weights);
    }

    /** {@code nn.LayerNorm(hidden, elementwise_affine=affine)}: no tensors without affine; the shape is kept. */
    static Module layerNorm(long hidden, boolean affine) {
        if (affine) {
            return Layers.layerNormForward(hidden);
        }
        return Layers.stateless().forwardAs("LayerNorm", (t, x) -> {
            if (x.rank() < 1 || x.dim(x.rank() - 1) != hidden) {
                throw new ShapeException("Given normalized_shape=[" + hidden + "], expected input with shape [*, "
                        + hidden + "], but got input of size" + java.util.Arrays.toString(x.dims()));
            }
            return x;
        });
    }

    /**
     * {@code BartLearnedPositionalEmbedding} / {@code OPTLearnedPositionalEmbedding}: an {@code nn.Embedding} of
     * {@code num_embeddings + 2} rows (the offset of 2 fairseq left), looked up at positions {@code (rows, seq)};
     * the forward's input is what it is given, the output that shape plus {@code dim}.
     */
    static final class LearnedPositionalEmbedding extends Module {
        private final long rows;
        private final long dim;

        LearnedPositionalEmbedding(String torchClass, long numEmbeddings, long dim) {
            className(torchClass);
            this.rows = Dims.add(numEmbeddings, 2);
            this.dim = dim;
            parameter("weight", rows, dim);
        }

        /** @param positions the shape of the position ids looked up, {@code (rows, seq)} */
        @Override
        public Shape forward(Trace t, Shape positions) {
            if (positions.dim(positions.rank() - 1) + 2 > rows) {
                throw new ShapeException("index out of range in self");
            }
            long[] out = java.util.Arrays.copyOf(positions.dims(), positions.rank() + 1);
            out[positions.rank()] = dim;
            return Shape.of(out);
        }
    }
}
