package dev.modelsummary.summary;

import dev.modelsummary.compute.Architecture;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.memory.Accelerate;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.memory.MemoryTraits;
import dev.modelsummary.memory.ModuleNode;
import dev.modelsummary.memory.NameTree;
import dev.modelsummary.memory.Training;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.TensorEntry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much memory the model takes ({@code --memory}): its weights per dtype, accelerate's rows, training per
 * optimizer and precision, and inference at one input (weights, forward activations, KV cache), with
 * {@code --fits} what fits a budget. Conventions: {@code docs/memory.md}.
 *
 * @param weights    the parameters as stored and in each dtype
 * @param accelerate accelerate 1.15's {@code estimate-memory} rows by its rules
 * @param training   weights, gradients, optimizer states and master weights per optimizer and precision
 * @param inference  weights + activations + KV cache at the input, per dtype
 * @param fits       what fits the {@code --fits} budget, or null when none was given
 */
public record MemorySummary(Weights weights, AccelerateRows accelerate, List<Training.Row> training,
                            Inference inference, Fits fits) {

    /** The dtypes inference and {@code --fits} rows are given for, with their activation and cache bytes. */
    public enum Precision {
        STORED("as stored", 0),
        FLOAT32("float32", 4),
        FLOAT16("float16/bfloat16", 2),
        INT8("int8", 2),
        INT4("int4", 2);

        private final String label;
        private final int elementBytes;

        Precision(String label, int elementBytes) {
            this.label = label;
            this.elementBytes = elementBytes;
        }

        public String label() {
            return label;
        }

        /** Bytes of one activation or cache element: 4 in float32, else 2 (weight-only int8/int4 run in 16 bits). */
        public int elementBytesOf() {
            return elementBytes;
        }

        /** Bytes of one parameter, rounded up to a whole byte per model (int4: two per byte). */
        long weightBytes(Weights w) {
            switch (this) {
                case STORED:
                    return w.storedBytes();
                case FLOAT32:
                    return w.float32();
                case FLOAT16:
                    return w.float16();
                case INT8:
                    return w.int8();
                default:
                    return w.int4();
            }
        }
    }

    /**
     * The parameters (tied weights once, buffers apart).
     *
     * @param parameters  the parameter count
     * @param trainable   the trainable ones
     * @param storedBytes their bytes as stored
     * @param byDtype     their bytes as stored, per dtype (a GGUF's own mix of block types)
     * @param bufferBytes the buffers' bytes as stored, apart
     * @param storedElementBytes bytes of one activation element when running as stored: the parameters' main
     *                    floating dtype, 2 for quantized or integer weights
     */
    public record Weights(long parameters, long trainable, long storedBytes, List<DTypeStat> byDtype,
                          long bufferBytes, int storedElementBytes) {
        public long float32() {
            return Exact.mul(parameters, 4);
        }

        public long float16() {
            return Exact.mul(parameters, 2);
        }

        public long int8() {
            return parameters;
        }

        /** Two parameters per byte, rounded up. */
        public long int4() {
            return parameters / 2 + parameters % 2;
        }
    }

    /**
     * accelerate's table.
     *
     * @param fromArchitecture whether the module tree and no-split classes are the model's (else a tree spelled
     *                         by the file's tensor names: no class is known, so leaves are the layers)
     * @param noSplitModules   {@code _no_split_modules}
     * @param largestLayer     {@code get_max_layer_size} in float32 bytes
     * @param float32Bytes     {@code compute_module_sizes(...)[""]} in float32, parameters only
     * @param rows             float32, float16, int8, int4, as {@code gather_data} makes them
     */
    public record AccelerateRows(boolean fromArchitecture, List<String> noSplitModules,
                                 Accelerate.LargestLayer largestLayer, long float32Bytes, List<AccelerateRow> rows) {
    }

    /** One row of accelerate's table: sizes divided as the CLI divides them (exact), training as it estimates. */
    public record AccelerateRow(Accelerate.Dtype dtype, BigDecimal largestLayer, BigDecimal total,
                                Accelerate.TrainingUsage training) {
    }

    /**
     * Inference at one input.
     *
     * @param input          what one forward pass runs on; null for a weight file (no forward pass)
     * @param activations    forward activation elements at {@code input} (every leaf module's outputs, as
     *                       {@code --compute} counts them); -1 when unknown
     * @param partial        null, or why the forward pass stopped early (a detector's NMS): activations are a
     *                       lower bound
     * @param kvCache        the cache one forward leaves, or null for a model that keeps none
     * @param kvTokens       the decoder tokens the cache holds after that forward
     * @param kvElements     its elements (keys and values, every layer, the batch)
     * @param rows           per precision: weights + activations + KV cache
     */
    public record Inference(ModelInput input, long activations, String partial, KvCache kvCache, long kvTokens,
                            long kvElements, List<InferenceRow> rows) {
    }

    /** One inference row; activation and cache bytes are 0 when unknown. */
    public record InferenceRow(Precision precision, long weights, int elementBytes, long activationBytes,
                               long kvBytes) {
        public long total() {
            return Exact.add(Exact.add(weights, activationBytes), kvBytes);
        }
    }

    /**
     * What fits {@code --fits}.
     *
     * @param budget bytes
     * @param rows   one per inference precision and per training row
     */
    public record Fits(long budget, List<FitRow> rows) {
    }

    /**
     * One {@code --fits} row.
     *
     * @param mode      {@code inference} or the training row's optimizer and precision
     * @param dtype     the precision's label
     * @param needed    bytes at the input asked for (training: its row plus activations)
     * @param maxBatch  the largest batch that fits at the sequence length asked for; null when unknown (no forward
     *                  pass), 0 when not even one fits
     * @param maxSeqLen the largest sequence length that fits at the batch asked for (text models); null otherwise
     * @param capped    whether a maximum is the search's ceiling ({@code 2^31}), not a memory limit
     * @param batchLimit  whether the model refuses one more in the batch (not memory)
     * @param seqLenLimit whether the model refuses one more token (its position table, not memory: GPT-2's 1024)
     */
    public record FitRow(String mode, String dtype, long needed, boolean fits, Long maxBatch, Long maxSeqLen,
                         boolean capped, boolean batchLimit, boolean seqLenLimit) {
    }

    /** The parameters' figures, from a summary. */
    public static Weights weights(Summary summary) {
        Map<DType, long[]> byDtype = new LinkedHashMap<>();
        for (TensorEntry t : summary.layers()) {
            long[] d = byDtype.computeIfAbsent(t.dtype(), k -> new long[3]);
            d[0]++;
            d[1] = Exact.add(d[1], t.numel());
            d[2] = Exact.add(d[2], t.bytes());
        }
        List<DTypeStat> stats = new ArrayList<>();
        byDtype.forEach((dtype, d) -> stats.add(new DTypeStat(dtype, (int) d[0], d[1], d[2])));
        return new Weights(summary.parameters().count(), summary.parameters().trainable(),
                summary.parameters().bytes(), List.copyOf(stats), summary.buffers().bytes(),
                storedElementBytes(stats));
    }

    /** The parameters' main floating dtype's size, at least 2 (float8 and quantized weights run in 16 bits). */
    private static int storedElementBytes(List<DTypeStat> stats) {
        return Math.max(2, DTypeStat.mainFloating(stats).map(DType::blockBytes).orElse(2));
    }

    /** accelerate's rows for a model: its architecture's tree and no-split classes, else its tensor names'. */
    public static AccelerateRows accelerate(Summary summary) {
        Architecture architecture = summary.model().architecture();
        ModuleNode root = architecture == null ? NameTree.of(summary.model().tensors()) : architecture.modules();
        MemoryTraits traits = architecture == null ? MemoryTraits.NONE : architecture.memoryTraits();
        Accelerate.LargestLayer largest = Accelerate.largestLayer(root, summary.layers(), traits.noSplitModules());
        long total = 0;
        for (TensorEntry t : summary.layers()) {
            total = Exact.add(total, Accelerate.float32Bytes(t));
        }
        List<AccelerateRow> rows = new ArrayList<>();
        for (Accelerate.Dtype dtype : Accelerate.Dtype.values()) {
            rows.add(new AccelerateRow(dtype, dtype.of(largest.bytes()), dtype.of(total),
                    Accelerate.trainingUsage(total, dtype)));
        }
        return new AccelerateRows(architecture != null, traits.noSplitModules(), largest, total, List.copyOf(rows));
    }
}
