package dev.modelsummary.summary;

import dev.modelsummary.compute.ComputeException;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.memory.Training;
import dev.modelsummary.model.Shape;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Assembles a {@link MemorySummary}: inference at the input asked for and, with a budget, the largest batch and
 * sequence length that fit. Activations come from forward passes on shapes ({@link Probe}); a search for a largest
 * size first solves the cost's exact form (activations are affine in the batch and quadratic in the sequence
 * length for every model here) and then checks the answer with real forward passes at it and one past it, falling
 * back to a bisection of real forward passes when the check fails.
 */
public final class MemoryEstimator {
    /** The largest batch or sequence length searched: far beyond any real memory. */
    public static final long CEILING = 1L << 31;

    /** Forward activations of the model at an input. */
    @FunctionalInterface
    public interface Probe {
        /**
         * @throws ComputeException where torch would refuse the input or a count passes 2^63-1
         */
        Forward run(ModelInput input);
    }

    /**
     * One forward pass's activations.
     *
     * @param activations leaf-module output elements
     * @param partial     null, or why it stopped early (then activations are a lower bound)
     */
    public record Forward(long activations, String partial) {
    }

    private final Summary summary;
    private final Probe probe;
    private final KvCache kvCache;
    /** Activations by input shape (the kind never changes within a model); records' own hashCode is an
     * invokedynamic bootstrap on its first call, too slow for a run this short. */
    private final Map<Shape, Long> seen = new HashMap<>();

    private MemoryEstimator(Summary summary, Probe probe, KvCache kvCache) {
        this.summary = summary;
        this.probe = probe;
        this.kvCache = kvCache;
    }

    /**
     * The memory summary of {@code summary}'s model.
     *
     * @param input  the input inference runs on, or null for a model without a forward pass
     * @param probe  runs the forward pass, or null for a model without one
     * @param budget {@code --fits} bytes, or null
     * @throws dev.modelsummary.compute.ComputeOverflowException when a total passes 2^63-1
     * @throws ComputeException where torch refuses the input asked for
     */
    public static MemorySummary of(Summary summary, ModelInput input, Probe probe, Long budget) {
        return new MemoryEstimator(summary, input == null ? null : probe, kvCache(summary)).estimate(input, budget);
    }

    /**
     * Inference as stored at {@code input}, given that input's forward {@code activations}: the site's Inference
     * column, without the training and accelerate tables it does not show.
     *
     * @throws dev.modelsummary.compute.ComputeOverflowException when a total passes 2^63-1
     */
    public static long storedInference(Summary summary, ModelInput input, long activations) {
        MemoryEstimator estimator = new MemoryEstimator(summary, in -> new Forward(activations, null),
                kvCache(summary));
        return estimator.inference(MemorySummary.weights(summary), input).rows().get(0).total();
    }

    /** The KV cache the model's library keeps, or null (no architecture, or none kept). */
    private static KvCache kvCache(Summary summary) {
        var architecture = summary.model().architecture();
        return architecture == null ? null : architecture.memoryTraits().kvCache();
    }

    private MemorySummary estimate(ModelInput input, Long budget) {
        MemorySummary.Weights weights = MemorySummary.weights(summary);
        List<Training.Row> training = Training.rows(summary.layers());
        MemorySummary.Inference inference = inference(weights, input);
        MemorySummary.Fits fits = budget == null ? null : fits(weights, training, inference, budget);
        return new MemorySummary(weights, MemorySummary.accelerate(summary), training, inference, fits);
    }

    private MemorySummary.Inference inference(MemorySummary.Weights weights, ModelInput input) {
        long activations = -1;
        String partial = null;
        if (probe != null) {
            Forward forward = probe.run(input);
            activations = forward.activations();
            partial = forward.partial();
            seen.put(input.shape(), activations);
        }
        long tokens = input == null || kvCache == null ? 0 : decoderTokens(input);
        long kvElements = tokens == 0 ? 0 : kvCache.elements(input.batch(), tokens);
        List<MemorySummary.InferenceRow> rows = new ArrayList<>();
        for (MemorySummary.Precision p : MemorySummary.Precision.values()) {
            int eb = elementBytes(p, weights);
            rows.add(new MemorySummary.InferenceRow(p, p.weightBytes(weights), eb,
                    activations < 0 ? 0 : Exact.mul(activations, eb), Exact.mul(kvElements, eb)));
        }
        return new MemorySummary.Inference(input, activations, partial, kvCache, tokens, kvElements,
                List.copyOf(rows));
    }

    /**
     * The tokens the decoder's cache holds after the forward pass: the sequence length of a text input; a model
     * run on pixels or audio (Whisper) decodes the one token {@code --compute} traces it with.
     */
    private static long decoderTokens(ModelInput input) {
        return input.kind() == ModelInput.Kind.TEXT ? input.shape().dim(1) : 1;
    }

    private static int elementBytes(MemorySummary.Precision p, MemorySummary.Weights weights) {
        return p == MemorySummary.Precision.STORED ? weights.storedElementBytes() : p.elementBytesOf();
    }

    private MemorySummary.Fits fits(MemorySummary.Weights weights, List<Training.Row> training,
                                    MemorySummary.Inference inference, long budget) {
        List<MemorySummary.FitRow> rows = new ArrayList<>();
        for (MemorySummary.InferenceRow row : inference.rows()) {
            rows.add(fit("inference", row.precision().label(), row.weights(), row.elementBytes(), true,
                    inference, budget));
        }
        for (Training.Row row : training) {
            rows.add(fit("training " + row.optimizer().label(), row.precision().label(), row.total(),
                    row.precision().elementBytes(), false, inference, budget));
        }
        return new MemorySummary.Fits(budget, List.copyOf(rows));
    }

    /** One row: static bytes plus, per element of activations (and of the cache when inferring), {@code eb}. */
    private MemorySummary.FitRow fit(String mode, String dtype, long fixed, int eb, boolean withCache,
                                     MemorySummary.Inference inference, long budget) {
        ModelInput input = inference.input();
        long activations = Math.max(inference.activations(), 0);
        long cache = withCache ? inference.kvElements() : 0;
        long needed = Exact.add(fixed, Exact.mul(Exact.add(activations, cache), eb));
        boolean fits = needed <= budget;
        if (input == null || probe == null) {
            return new MemorySummary.FitRow(mode, dtype, needed, fits, null, null, false, false, false);
        }
        LongPredicate batchFits = b -> fitsAt(input.withBatch(b), fixed, eb, withCache, budget);
        long maxBatch = largest(batchFits, batchGuess(input, fixed, eb, withCache, budget));
        boolean batchLimit = maxBatch < CEILING && activations(input.withBatch(maxBatch + 1)) == null;
        Long maxSeq = null;
        boolean seqLimit = false;
        if (input.kind() == ModelInput.Kind.TEXT) {
            LongPredicate seqFits = s -> fitsAt(ModelInput.text(input.batch(), s), fixed, eb, withCache, budget);
            maxSeq = largest(seqFits, seqGuess(input, fixed, eb, withCache, budget));
            seqLimit = maxSeq < CEILING && activations(ModelInput.text(input.batch(), maxSeq + 1)) == null;
        }
        boolean capped = maxBatch == CEILING || (maxSeq != null && maxSeq == CEILING);
        return new MemorySummary.FitRow(mode, dtype, needed, fits, maxBatch, maxSeq, capped, batchLimit, seqLimit);
    }

    /** Whether the row fits at {@code input}: false where the model refuses it or a count overflows. */
    private boolean fitsAt(ModelInput input, long fixed, int eb, boolean withCache, long budget) {
        Long activations = activations(input);
        if (activations == null) {
            return false;
        }
        BigInteger cost = BigInteger.valueOf(fixed).add(BigInteger.valueOf(eb).multiply(
                BigInteger.valueOf(activations).add(withCache ? kvElements(input) : BigInteger.ZERO)));
        return cost.compareTo(BigInteger.valueOf(budget)) <= 0;
    }

    private BigInteger kvElements(ModelInput input) {
        if (kvCache == null) {
            return BigInteger.ZERO;
        }
        long tokens = decoderTokens(input);
        long perSequence = kvCache.elements(1, tokens);
        return BigInteger.valueOf(perSequence).multiply(BigInteger.valueOf(input.batch()));
    }

    /** Activations at {@code input}, or null where the model refuses it. */
    private Long activations(ModelInput input) {
        if (seen.containsKey(input.shape())) {
            return seen.get(input.shape());
        }
        Long value;
        try {
            value = probe.run(input).activations();
        } catch (ComputeException | ArithmeticException e) {
            value = null;
        }
        seen.put(input.shape(), value);
        return value;
    }

    /** The batch the affine form {@code a(1) + (b - 1) (a(2) - a(1))} says is the largest; -1 when unknown. */
    private long batchGuess(ModelInput input, long fixed, int eb, boolean withCache, long budget) {
        Long a1 = activations(input.withBatch(1));
        Long a2 = activations(input.withBatch(2));
        if (a1 == null || a2 == null) {
            return -1;
        }
        BigInteger c0 = BigInteger.valueOf(a1).subtract(BigInteger.valueOf(a2 - a1));
        BigInteger c1 = BigInteger.valueOf(a2 - a1).add(withCache ? kvElements(input.withBatch(1))
                : BigInteger.ZERO);
        return bisect(x -> cost(fixed, eb, c0, c1, BigInteger.ZERO, x).compareTo(BigInteger.valueOf(budget)) <= 0);
    }

    /** The sequence length the quadratic through a(1), a(2), a(3) says is the largest; -1 when unknown. */
    private long seqGuess(ModelInput input, long fixed, int eb, boolean withCache, long budget) {
        long batch = input.batch();
        Long a1 = activations(ModelInput.text(batch, 1));
        Long a2 = activations(ModelInput.text(batch, 2));
        Long a3 = activations(ModelInput.text(batch, 3));
        if (a1 == null || a2 == null || a3 == null) {
            return -1;
        }
        // a(s) = c0 + c1 s + c2 s^2 through three points; 2 c2 = a3 - 2 a2 + a1
        BigInteger twoC2 = BigInteger.valueOf(a3).subtract(BigInteger.valueOf(a2).shiftLeft(1))
                .add(BigInteger.valueOf(a1));
        if (twoC2.testBit(0)) {
            return -1;
        }
        BigInteger c2 = twoC2.shiftRight(1);
        BigInteger c1 = BigInteger.valueOf(a2 - a1).subtract(c2.multiply(BigInteger.valueOf(3)));
        BigInteger c0 = BigInteger.valueOf(a1).subtract(c1).subtract(c2);
        return bisect(s -> {
            BigInteger cache = withCache ? kvElements(ModelInput.text(batch, s)) : BigInteger.ZERO;
            BigInteger cost = cost(fixed, eb, c0, c1, c2, s).add(BigInteger.valueOf(eb).multiply(cache));
            return cost.compareTo(BigInteger.valueOf(budget)) <= 0;
        });
    }

    private static BigInteger cost(long fixed, int eb, BigInteger c0, BigInteger c1, BigInteger c2, long x) {
        BigInteger bx = BigInteger.valueOf(x);
        BigInteger elements = c0.add(c1.multiply(bx)).add(c2.multiply(bx).multiply(bx));
        return BigInteger.valueOf(fixed).add(BigInteger.valueOf(eb).multiply(elements));
    }

    /**
     * The largest {@code x} in [1, CEILING] where {@code fits} holds, 0 when none; {@code guess} is checked first
     * (it fits and one past it does not), then real bisection.
     */
    private static long largest(LongPredicate fits, long guess) {
        if (guess >= 1 && fits.test(guess) && (guess == CEILING || !fits.test(guess + 1))) {
            return guess;
        }
        if (guess == 0 && !fits.test(1)) {
            return 0;
        }
        return bisect(fits);
    }

    /** The largest {@code x} in [1, CEILING] with {@code fits(x)}, for a monotone {@code fits}; 0 when none. */
    private static long bisect(LongPredicate fits) {
        if (!fits.test(1)) {
            return 0;
        }
        long lo = 1;
        long hi = CEILING;
        if (fits.test(hi)) {
            return hi;
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (fits.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
