package dev.modelsummary.memory;

import dev.modelsummary.compute.Exact;
import java.util.List;
import java.util.Objects;

/**
 * What a generating model keeps per token between steps: transformers 4.57's {@code DynamicCache(config=...)},
 * one layer per attention that caches, each holding keys {@code (batch, kv_heads, tokens, k_head_dim)} and values
 * {@code (batch, kv_heads, tokens, v_head_dim)}.
 *
 * @param layers every caching attention, decoder self-attention first, then cross-attention (encoder-decoders)
 */
public record KvCache(List<Layer> layers) {

    /** {@link Layer#crossTokens} of a cross-attention over an encoder that reads as many tokens as the decoder. */
    public static final long ENCODER_SEQ_LEN = -1;

    /**
     * One attention's cache.
     *
     * @param keyWidth    elements one token adds to the keys: {@code kv_heads x k_head_dim}
     * @param valueWidth  elements one token adds to the values: {@code kv_heads x v_head_dim}
     * @param window      0 for a full-attention layer; else its {@code sliding_window}: transformers'
     *                    {@code DynamicSlidingWindowLayer} keeps the last {@code window - 1} tokens
     * @param crossTokens 0 for self-attention; for cross-attention the encoder output's length, fixed (Whisper's
     *                    1500 frames) or {@link #ENCODER_SEQ_LEN}
     */
    public record Layer(long keyWidth, long valueWidth, long window, long crossTokens) {
        public Layer {
            if (keyWidth < 0 || valueWidth < 0 || window < 0 || crossTokens < ENCODER_SEQ_LEN) {
                throw new IllegalArgumentException("negative cache size");
            }
        }

        /** A full self-attention layer. */
        public static Layer full(long kvHeads, long headDim) {
            return new Layer(Exact.mul(kvHeads, headDim), Exact.mul(kvHeads, headDim), 0, 0);
        }

        /** A self-attention layer that caches at most {@code window - 1} tokens ({@code window} 0: full). */
        public static Layer sliding(long kvHeads, long headDim, long window) {
            return new Layer(Exact.mul(kvHeads, headDim), Exact.mul(kvHeads, headDim), window, 0);
        }

        /** Elements one cached token takes: keys and values. */
        public long elementsPerToken() {
            return Exact.add(keyWidth, valueWidth);
        }

        /**
         * Tokens held after a forward over {@code seqLen} tokens: all of them, the window's last
         * {@code window - 1} ({@code full_states[:, :, -window + 1:]}, which for a window of 1 is all), or the
         * encoder's length.
         */
        public long tokens(long seqLen) {
            if (crossTokens == ENCODER_SEQ_LEN) {
                return seqLen;
            }
            if (crossTokens > 0) {
                return crossTokens;
            }
            if (window > 1) {
                return Math.min(seqLen, window - 1);
            }
            return seqLen;
        }
    }

    public KvCache {
        layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    }

    /** Elements one decoded token adds to the self-attention caches (every layer, keys and values). */
    public long elementsPerToken() {
        long sum = 0;
        for (Layer layer : layers) {
            if (layer.crossTokens() == 0) {
                sum = Exact.add(sum, layer.elementsPerToken());
            }
        }
        return sum;
    }

    /**
     * Elements cached after one forward of {@code batch} sequences of {@code seqLen} tokens.
     *
     * @throws dev.modelsummary.compute.ComputeOverflowException past 2^63-1
     */
    public long elements(long batch, long seqLen) {
        long sum = 0;
        for (Layer layer : layers) {
            sum = Exact.add(sum, Exact.mul(layer.elementsPerToken(), layer.tokens(seqLen)));
        }
        return Exact.mul(sum, batch);
    }

    /** Whether some layer caches a bounded number of tokens (a sliding window or a fixed encoder length). */
    public boolean bounded() {
        return layers.stream().anyMatch(l -> l.window() > 1 || l.crossTokens() > 0);
    }
}
