package dev.modelsummary.summary;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Form;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the reports show, computed once from a {@link Model}. Pure: no I/O.
 *
 * <p>"Layers" are parameter tensors, as {@code named_parameters()} yields them: buffers are apart, and a tied
 * weight (an entry that aliases an earlier one) is counted once, because PyTorch de-duplicates shared
 * parameters there too.
 *
 * @param model      the model summarized
 * @param layers     parameter tensors in source order, tied duplicates left out
 * @param parameters totals over {@code layers}
 * @param buffers    totals over buffers (tied duplicates left out)
 * @param forms      parameter tensors by form: always Vector and Matrix, then each other rank present, in the
 *                   original report's order
 * @param dtypes     parameters and buffers by dtype, in order of first appearance
 * @param compute    what a forward pass costs ({@code --compute}), or null when not asked for
 * @param memory     how much memory it takes ({@code --memory}), or null when not asked for
 * @param experts    the parameters one token runs through, for a mixture of experts; else null
 * @param tensorTable whether reports list every tensor (the default), or give the totals alone ({@code --summary})
 */
public record Summary(Model model, List<TensorEntry> layers, Totals parameters, Totals buffers,
                      List<FormStat> forms, List<DTypeStat> dtypes, ComputeSummary compute, MemorySummary memory,
                      ExpertSummary experts, boolean tensorTable) {

    /**
     * @throws TotalsOverflowException when a tensor's byte size or a total passes 2^63 - 1
     */
    public static Summary of(Model model) {
        try {
            return summarize(model);
        } catch (ArithmeticException e) {
            throw new TotalsOverflowException("Element or byte totals pass 2^63 - 1, more than any real model "
                    + "holds.", e);
        }
    }

    private static Summary summarize(Model model) {
        List<TensorEntry> layers = new ArrayList<>();
        Totals parameters = Totals.ZERO;
        Totals buffers = Totals.ZERO;
        Map<Form, long[]> forms = new TreeMap<>(Form.REPORT_ORDER);
        forms.put(Form.VECTOR, new long[2]);
        forms.put(Form.MATRIX, new long[2]);
        Map<DType, long[]> dtypes = new LinkedHashMap<>();
        for (TensorEntry t : model.tensors()) {
            if (t.aliasOf() != null) {
                continue;
            }
            long numel = t.numel();
            long bytes = t.bytes();
            long[] d = dtypes.computeIfAbsent(t.dtype(), k -> new long[3]);
            d[0]++;
            d[1] = Math.addExact(d[1], numel);
            d[2] = Math.addExact(d[2], bytes);
            if (t.role() == Role.BUFFER) {
                buffers = buffers.plus(numel, false, bytes);
                continue;
            }
            layers.add(t);
            parameters = parameters.plus(numel, t.trainable(), bytes);
            long[] f = forms.computeIfAbsent(t.form(), k -> new long[2]);
            f[0]++;
            f[1] = Math.addExact(f[1], numel);
        }
        // the stored total (parameters and buffers) must fit too: every report prints it
        Math.addExact(parameters.bytes(), buffers.bytes());
        List<FormStat> formStats = new ArrayList<>();
        forms.forEach((form, v) -> formStats.add(new FormStat(form, (int) v[0], v[1])));
        List<DTypeStat> dtypeStats = new ArrayList<>();
        dtypes.forEach((dtype, v) -> dtypeStats.add(new DTypeStat(dtype, (int) v[0], v[1], v[2])));
        List<TensorEntry> parameterList = List.copyOf(layers);
        return new Summary(model, parameterList, parameters, buffers, List.copyOf(formStats),
                List.copyOf(dtypeStats), null, null, ExpertSummary.of(model, parameterList), true);
    }

    /** This summary with what a forward pass costs. */
    public Summary withCompute(ComputeSummary newCompute) {
        return new Summary(model, layers, parameters, buffers, forms, dtypes, newCompute, memory, experts,
                tensorTable);
    }

    /** This summary with how much memory the model takes. */
    public Summary withMemory(MemorySummary newMemory) {
        return new Summary(model, layers, parameters, buffers, forms, dtypes, compute, newMemory, experts,
                tensorTable);
    }

    /** This summary as its totals alone: reports leave out the per-tensor table ({@code --summary}). */
    public Summary withoutTensorTable() {
        return new Summary(model, layers, parameters, buffers, forms, dtypes, compute, memory, experts, false);
    }

    public String name() {
        return model.name();
    }

    /** Parameter and buffer bytes together: what a state dict stores. Checked to fit when summarized. */
    public long storedBytes() {
        return parameters.bytes() + buffers.bytes();
    }

    /**
     * Stored bits per parameter, {@code parameter bytes × 8 / parameters}, rounded half-even to two decimals:
     * 32.00 for float32, about 4.5 for a Q4_K GGUF. Empty when there are no parameters.
     */
    public Optional<BigDecimal> bitsPerParameter() {
        if (parameters.count() == 0) {
            return Optional.empty();
        }
        return Optional.of(BigDecimal.valueOf(parameters.bytes()).multiply(BigDecimal.valueOf(8))
                .divide(BigDecimal.valueOf(parameters.count()), 2, RoundingMode.HALF_EVEN));
    }
}
