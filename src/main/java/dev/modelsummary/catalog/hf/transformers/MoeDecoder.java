package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The decoder skeleton transformers 4.57.6's Llama-like modeling files share (DeepSeek-V3, gpt-oss): the model
 * holds {@code embed_tokens}, {@code layers}, {@code norm} and {@code rotary_emb}, calls {@code rotary_emb} once
 * and passes its {@code (cos, sin)} to every layer; attention returns {@code (attn_output, attn_weights)}; the
 * generic heads of {@code modeling_layers.py}. Each piece is hooked under its family's class name. (Written beside
 * {@link Decoder457} and {@link LlamaBlocks}, which cover the same 4.57 skeleton for other families: the three
 * are to become one.)
 */
final class MoeDecoder {
    private MoeDecoder() {
    }

    /**
     * {@code XRotaryEmbedding(x, position_ids)}: {@code inv_freq[None, :, None] @ position_ids[:, None, :]} (a
     * counted bmm of {@code dim / 2} frequencies), then {@code cat((freqs, freqs))} (Llama, DeepSeek-V3) or the
     * freqs alone (gpt-oss): cos and sin of {@code (position batch, seq, dim)} each. {@code inv_freq} is a
     * non-persistent buffer, listed by {@code named_buffers()} only.
     */
    static final class RotaryEmbedding extends Module {
        private final String className;
        private final long halfDim;
        private final boolean cat;

        RotaryEmbedding(String className, long dim, boolean cat) {
            this.className = className;
            this.halfDim = dim / 2;
            this.cat = cat;
        }

        @Override
        public String className() {
            return className;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape positionIds = xs.get(1);
            Shape invFreq = Shape.of(positionIds.dim(0), halfDim, 1);
            Shape positions = Shape.of(positionIds.dim(0), 1, positionIds.dim(1));
            Shape freqs = MatMul.matmul(invFreq, positions);
            t.flops(MatMul.matmulFlops(invFreq, positions));
            Shape emb = Shape.of(freqs.dim(0), freqs.dim(2), cat ? Dims.mul(halfDim, 2) : halfDim);
            return List.of(emb, emb);
        }
    }

    /**
     * {@code XModel.forward(input_ids)}: {@code embed_tokens}, {@code rotary_emb(hidden_states, position_ids)}
     * with {@code position_ids} (1, seq), each layer, {@code norm}. Masks run no module.
     */
    static final class DecoderModel extends Module {
        private final String className;

        DecoderModel(String prefix, long vocab, long hidden, long layers, LongFunction<Module> layer,
                     Module norm, Module rotary) {
            this.className = prefix + "Model";
            add("embed_tokens", Layers.embeddingForward(vocab, hidden));
            Sequential list = add("layers", new Sequential());
            for (long i = 0; i < layers; i++) {
                list.append(layer.apply(i));
            }
            add("norm", norm);
            add("rotary_emb", rotary);
        }

        @Override
        public String className() {
            return className;
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new ShapeException("not enough values to unpack (expected 2, got " + inputIds.rank() + ")");
            }
            Shape hiddenStates = call(t, "embed_tokens", inputIds);
            callOutputs(t, "rotary_emb", List.of(hiddenStates, Shape.of(1, inputIds.dim(1))));
            for (String i : child("layers").namedChildren().keySet()) {
                hiddenStates = call(t, "layers", i, hiddenStates);
            }
            return call(t, "norm", hiddenStates);
        }
    }

    /**
     * {@code XDecoderLayer}: {@code self_attn}, the feed-forward {@code mlp}, {@code input_layernorm},
     * {@code post_attention_layernorm} registered in that order; forward pre-norm attention and feed-forward,
     * each with its residual add (the attention's weights and a router's scores dropped).
     */
    static final class DecoderLayer extends Module {
        private final String className;

        DecoderLayer(String prefix, Module attention, Module mlp, Module inputNorm, Module postNorm) {
            this.className = prefix + "DecoderLayer";
            add("self_attn", attention);
            add("mlp", mlp);
            add("input_layernorm", inputNorm);
            add("post_attention_layernorm", postNorm);
        }

        @Override
        public String className() {
            return className;
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape residual = hiddenStates;
            hiddenStates = call(t, "input_layernorm", hiddenStates);
            hiddenStates = Reshape.broadcast(residual, callOutputs(t, "self_attn", hiddenStates).get(0));
            residual = hiddenStates;
            hiddenStates = call(t, "post_attention_layernorm", hiddenStates);
            return Reshape.broadcast(residual, callOutputs(t, "mlp", hiddenStates).get(0));
        }
    }

    /** {@code eager_attention_forward}'s two matmuls, {@code Q K^T} and {@code weights V}: their FLOPs. */
    static Shape eagerAttention(Trace t, long batch, long heads, long seq, long qkDim, long vDim) {
        Shape q = Shape.of(batch, heads, seq, qkDim);
        Shape kT = Shape.of(batch, heads, qkDim, seq);
        Shape weights = MatMul.matmul(q, kT);
        t.flops(MatMul.matmulFlops(q, kT));
        Shape v = Shape.of(batch, heads, seq, vDim);
        MatMul.matmul(weights, v);
        t.flops(MatMul.matmulFlops(weights, v));
        return weights;
    }

}
