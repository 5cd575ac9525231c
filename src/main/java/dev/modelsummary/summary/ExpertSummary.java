package dev.modelsummary.summary;

import dev.modelsummary.memory.MoeRouting;
import dev.modelsummary.model.Model;
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

    /** The experts of a model whose architecture routes tokens; null for a dense model or a weight file alone. */
    static ExpertSummary of(Model model, List<TensorEntry> parameters) {
        if (model.architecture() == null || model.architecture().memoryTraits().moe() == null) {
            return null;
        }
        MoeRouting routing = model.architecture().memoryTraits().moe();
        return new ExpertSummary(routing, routing.active(parameters));
    }
}
