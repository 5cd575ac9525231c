package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;
import java.util.Objects;

/**
 * What a model is run on: an image or video batch ({@code pixel_values}, {@code (N, C, [T,] H, W)}) or a batch
 * of token ids ({@code input_ids}, {@code (batch, seq_len)}). The first dimension is always the batch.
 *
 * @param kind  what the tensor holds, which decides how the command line may change it
 * @param shape the input tensor's shape
 */
public record ModelInput(Kind kind, Shape shape) {

    /** What an input tensor holds, and its layout as messages and reports name them. */
    public enum Kind {
        /** Images. */
        IMAGE("images", "(N, C, H, W)"),
        /** Video clips. */
        VIDEO("video clips", "(N, C, T, H, W)"),
        /** Audio features (Whisper's {@code input_features}). */
        AUDIO("audio features", "(N, mel bins, frames)"),
        /** Token ids; the model reads them as integers. */
        TEXT("token ids", "(batch, seq_len)");

        private final String noun;
        private final String layout;

        Kind(String noun, String layout) {
            this.noun = noun;
            this.layout = layout;
        }

        /** {@code images}. */
        public String noun() {
            return noun;
        }

        /** {@code (N, C, H, W)}. */
        public String layout() {
            return layout;
        }

        /** {@code images (N, C, H, W)}. */
        public String describe() {
            return noun + " " + layout;
        }
    }

    /**
     * The sequence length transformers models run at when none is given: long enough for attention's quadratic
     * term to show, short enough for every config's position table (BERT's 512, GPT-2's 1024).
     */
    public static final long DEFAULT_SEQ_LEN = 128;

    public ModelInput {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(shape, "shape");
        if (shape.rank() == 0) {
            throw new IllegalArgumentException("an input has a batch dimension");
        }
    }

    public static ModelInput image(long channels, long height, long width) {
        return new ModelInput(Kind.IMAGE, Shape.of(1, channels, height, width));
    }

    public static ModelInput video(long channels, long frames, long height, long width) {
        return new ModelInput(Kind.VIDEO, Shape.of(1, channels, frames, height, width));
    }

    public static ModelInput text(long batch, long seqLen) {
        return new ModelInput(Kind.TEXT, Shape.of(batch, seqLen));
    }

    public long batch() {
        return shape.dim(0);
    }

    /** This input with batch {@code n}. */
    public ModelInput withBatch(long n) {
        long[] dims = shape.dims();
        dims[0] = n;
        return new ModelInput(kind, Shape.of(dims));
    }

    /** This input's tensor element count, the figure torchinfo's "Input size" is made of. */
    public long elements() {
        return Exact.numel(shape);
    }

    /** Bytes of the input tensor: token ids are int64, as a tokenizer returns them; pixels are in the model dtype. */
    public long bytes(int modelElementBytes) {
        return Exact.mul(elements(), kind == Kind.TEXT ? Long.BYTES : modelElementBytes);
    }
}
