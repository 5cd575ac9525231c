package dev.modelsummary.model;

import java.math.BigInteger;
import java.util.List;

/**
 * A mixture of experts: each token runs through {@code expertsPerToken} of the {@code experts} routed experts of
 * every sparse block; everything else (attention, router, shared experts, embeddings, head) runs for every token.
 *
 * <p>A routed expert's parameters are the ones under a module named {@code experts} (an {@code nn.ModuleList} of
 * expert MLPs, {@code mlp.experts.3.w1.weight}, or one module holding every expert stacked on the first dimension,
 * gpt-oss's {@code mlp.experts.gate_up_proj}); shared experts ({@code shared_expert}, {@code shared_experts}) are
 * other names and count as always active.
 *
 * @param experts         routed experts per sparse block ({@code num_local_experts}, {@code num_experts},
 *                        {@code n_routed_experts})
 * @param expertsPerToken experts each token is sent to ({@code num_experts_per_tok})
 */
public record MoeRouting(long experts, long expertsPerToken) {

    /** The module name routed experts live under, in every family. */
    public static final String EXPERTS_MODULE = "experts";
    /** llama.cpp's stacked expert tensors: {@code ffn_gate_exps}, {@code ffn_up_exps}, {@code ffn_down_exps}. */
    private static final String GGUF_STACKED_SUFFIX = "_exps";
    /** llama.cpp's older per-expert tensors, {@code blk.N.ffn_gate.E.weight}: these names then the expert. */
    private static final java.util.Set<String> GGUF_PER_EXPERT = java.util.Set.of("ffn_gate", "ffn_up", "ffn_down");

    public MoeRouting {
        if (experts <= 0 || expertsPerToken <= 0 || expertsPerToken > experts) {
            throw new IllegalArgumentException("top-" + expertsPerToken + " of " + experts + " experts");
        }
    }

    /**
     * Whether a parameter belongs to a routed expert: it lives under a module named {@code experts}
     * (transformers), or it is one of GGUF's stacked expert tensors ({@code blk.N.ffn_gate_exps.weight}, any
     * {@code *_exps}) or llama.cpp's older one-tensor-per-expert names ({@code blk.N.ffn_gate.E.weight}).
     */
    public static boolean isRouted(String parameterName) {
        // index-based, no substring per part: this runs for every parameter of every mixture-of-experts model
        int end = parameterName.lastIndexOf('.');
        int from = 0;
        int previousFrom = -1;
        int previousEnd = -1;
        while (from < end) {
            int dot = parameterName.indexOf('.', from);
            if (isPart(parameterName, from, dot, EXPERTS_MODULE) || isStackedPart(parameterName, from, dot)
                    || previousFrom >= 0 && isDigits(parameterName, from, dot)
                    && isPerExpertName(parameterName, previousFrom, previousEnd)) {
                return true;
            }
            previousFrom = from;
            previousEnd = dot;
            from = dot + 1;
        }
        return false;
    }

    /** Whether the part {@code name[from, to)} is {@code part}. */
    private static boolean isPart(String name, int from, int to, String part) {
        return to - from == part.length() && name.startsWith(part, from);
    }

    /** Whether the part {@code name[from, to)} ends in {@link #GGUF_STACKED_SUFFIX}. */
    private static boolean isStackedPart(String name, int from, int to) {
        return to - from >= GGUF_STACKED_SUFFIX.length()
                && name.startsWith(GGUF_STACKED_SUFFIX, to - GGUF_STACKED_SUFFIX.length());
    }

    private static boolean isPerExpertName(String name, int from, int to) {
        for (String perExpert : GGUF_PER_EXPERT) {
            if (isPart(name, from, to, perExpert)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the part {@code name[from, to)} is a non-empty run of ASCII digits. */
    private static boolean isDigits(String name, int from, int to) {
        if (from == to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The parameters one token runs through: all of {@code parameters} but the routed experts', of which it runs
     * {@code expertsPerToken / experts} (every expert of a block has the same size, so this is
     * {@code expertsPerToken} experts of every sparse block, exactly).
     *
     * @param parameters parameter tensors, tied duplicates left out ({@code named_parameters()})
     */
    public Active active(List<TensorEntry> parameters) {
        long total = 0;
        long routed = 0;
        for (TensorEntry t : parameters) {
            total = Math.addExact(total, t.numel());
            if (isRouted(t.name())) {
                routed = Math.addExact(routed, t.numel());
            }
        }
        long activeRouted = BigInteger.valueOf(routed).multiply(BigInteger.valueOf(expertsPerToken))
                .divide(BigInteger.valueOf(experts)).longValueExact();
        return new Active(total, routed, total - routed + activeRouted);
    }

    /**
     * @param total  every parameter
     * @param routed the routed experts' parameters
     * @param active the parameters one token runs through
     */
    public record Active(long total, long routed, long active) {
    }
}
