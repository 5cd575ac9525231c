package dev.modelsummary.summary;

import dev.modelsummary.model.Model;
import dev.modelsummary.model.MoeRouting;
import dev.modelsummary.model.TensorEntry;
import java.util.List;

/**
 * A mixture of experts' parameters: all of them, and the ones one token runs through (attention, routers, shared
 * experts, embeddings and head whole; {@code expertsPerToken} of the {@code experts} routed experts of every
 * sparse block).
 *
 * @param routing how tokens are routed
 * @param active  total, routed and active parameter counts
 */
public record ExpertSummary(MoeRouting routing, MoeRouting.Active active) {

    /**
     * The experts of a model whose architecture (or, for a weight file alone, whose header: GGUF's
     * {@code expert_count}) routes tokens and that has routed experts' tensors; null for a dense model.
     */
    static ExpertSummary of(Model model, List<TensorEntry> parameters) {
        MoeRouting routing = model.architecture() != null ? model.architecture().memoryTraits().moe()
                : model.details().experts();
        if (routing == null) {
            return null;
        }
        MoeRouting.Active active = routing.active(parameters);
        return active.routed() == 0 ? null : new ExpertSummary(routing, active);
    }
}
