package dev.modelsummary.memory;

import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * What training holds besides activations, per optimizer and precision, for the model as asked for (its head
 * included, tied weights once): weights, gradients and optimizer states of the trainable parameters, and in
 * mixed precision the float32 master copy the optimizer steps on. The states follow each optimizer's
 * {@code state} initialisation:
 *
 * <ul>
 *   <li>AdamW ({@code torch.optim.AdamW}): {@code exp_avg} and {@code exp_avg_sq}, float32, like the parameter.
 *   <li>SGD with momentum: one {@code momentum_buffer}, float32.
 *   <li>8-bit Adam (bitsandbytes {@code Adam8bit}/{@code AdamW8bit}, block-wise): {@code state1} and
 *       {@code state2} in uint8 and a float32 {@code absmax} per block of 256 for each; a tensor of fewer than
 *       {@code min_8bit_size} = 4096 elements keeps both states in float32.
 *   <li>Adafactor ({@code transformers.optimization.Adafactor}, its default {@code beta1=None}): a tensor of rank 2
 *       or more keeps the factored second moment, {@code exp_avg_sq_row} (shape[:-1]) and {@code exp_avg_sq_col}
 *       (shape[:-2] + shape[-1:]); a vector keeps {@code exp_avg_sq} whole; float32.
 * </ul>
 *
 * Per-tensor scalars (step counters, RMS) and shared quantization maps are left out: a few bytes per tensor.
 */
public final class Training {

    /** An optimizer and what its states take per trainable tensor. */
    public enum Optimizer {
        ADAMW("AdamW", "exp_avg + exp_avg_sq, 8 B/param"),
        SGD("SGD (momentum)", "momentum_buffer, 4 B/param"),
        ADAM_8BIT("8-bit Adam", "2 x uint8 + 2 x float32 absmax per 256 elements, ~2.03 B/param "
                + "(tensors under 4096 elements: 8 B/param)"),
        ADAFACTOR("Adafactor", "factored exp_avg_sq, 4 B x (rows + cols) per matrix (vectors: 4 B/param)");

        private final String label;
        private final String states;

        Optimizer(String label, String states) {
            this.label = label;
            this.states = states;
        }

        public String label() {
            return label;
        }

        /** How its states are counted, for the formula column. */
        public String statesFormula() {
            return states;
        }

        /** Optimizer-state bytes for one trainable tensor of {@code shape}. */
        long stateBytes(Shape shape) {
            long n = shape.numel();
            switch (this) {
                case ADAMW:
                    return Math.multiplyExact(n, 8);
                case SGD:
                    return Math.multiplyExact(n, 4);
                case ADAM_8BIT:
                    if (n < MIN_8BIT_SIZE) {
                        return Math.multiplyExact(n, 8);
                    }
                    long blocks = n / BLOCK_SIZE + (n % BLOCK_SIZE == 0 ? 0 : 1);
                    return Math.addExact(Math.multiplyExact(n, 2), Math.multiplyExact(blocks, 8));
                case ADAFACTOR:
                    if (shape.rank() < 2) {
                        return Math.multiplyExact(n, 4);
                    }
                    long cols = shape.dim(shape.rank() - 1);
                    long rows = n == 0 ? 0 : n / cols; // prod(shape[:-1])
                    long outer = shape.dim(shape.rank() - 2) == 0 ? 0 : rows / shape.dim(shape.rank() - 2);
                    return Math.multiplyExact(Math.addExact(rows, Math.multiplyExact(outer, cols)), 4);
                default:
                    throw new AssertionError(this);
            }
        }
    }

    /** Weights and gradients in float32, or 16-bit with a float32 master copy. */
    public enum Precision {
        FLOAT32("float32", 4, 0), MIXED("mixed bf16/fp16", 2, 4);

        private final String label;
        private final int weightBytes;
        private final int masterBytes;

        Precision(String label, int weightBytes, int masterBytes) {
            this.label = label;
            this.weightBytes = weightBytes;
            this.masterBytes = masterBytes;
        }

        public String label() {
            return label;
        }

        /** What a row of this precision holds per parameter besides optimizer states. */
        public String formula() {
            return weightBytes + " B weights + " + weightBytes + " B gradients"
                    + (masterBytes > 0 ? " + " + masterBytes + " B float32 master weights" : "");
        }

        /** Bytes of one weight, gradient or activation element. */
        public int elementBytes() {
            return weightBytes;
        }
    }

    /** bitsandbytes' {@code min_8bit_size}: smaller tensors keep 32-bit states. */
    static final long MIN_8BIT_SIZE = 4096;
    /** bitsandbytes' block size for block-wise optimizer states. */
    static final long BLOCK_SIZE = 256;

    /**
     * One training row.
     *
     * @param weights     every parameter in the precision's weight dtype
     * @param gradients   one per trainable parameter, in the weight dtype
     * @param states      the optimizer's states of the trainable parameters
     * @param master      the float32 copy of the trainable parameters (mixed precision), else 0
     */
    public record Row(Optimizer optimizer, Precision precision, long weights, long gradients, long states,
                      long master) {
        /** Everything but activations. */
        public long total() {
            return Math.addExact(Math.addExact(weights, gradients), Math.addExact(states, master));
        }

        /** How the row is counted: {@code 4 B weights + 4 B gradients + exp_avg + exp_avg_sq: 8 B/param}. */
        public String formula() {
            return precision.formula() + " + " + optimizer.statesFormula();
        }
    }

    private Training() {
    }

    /**
     * Every optimizer in both precisions.
     *
     * @param parameters parameter tensors, tied duplicates left out; gradients, states and master copies are kept
     *                   for the trainable ones only
     */
    public static List<Row> rows(List<TensorEntry> parameters) {
        long all = 0;
        long trainable = 0;
        long[] states = new long[Optimizer.values().length];
        for (TensorEntry t : parameters) {
            all = Math.addExact(all, t.numel());
            if (!t.trainable()) {
                continue;
            }
            trainable = Math.addExact(trainable, t.numel());
            for (Optimizer o : Optimizer.values()) {
                states[o.ordinal()] = Math.addExact(states[o.ordinal()], o.stateBytes(t.shape()));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Optimizer o : Optimizer.values()) {
            for (Precision p : Precision.values()) {
                rows.add(new Row(o, p, Math.multiplyExact(all, p.weightBytes),
                        Math.multiplyExact(trainable, p.weightBytes), states[o.ordinal()],
                        Math.multiplyExact(trainable, p.masterBytes)));
            }
        }
        return rows;
    }
}
