package dev.modelsummary.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.MoeRouting;
import dev.modelsummary.model.TensorEntry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The five MoE families' {@code moe(config)} against the parameters a real one-token forward of transformers
 * 4.57.6 ran through ({@code tools/fixtures/memory/kv_moe_goldens.py}: forward hooks on every module, each module's
 * own parameters counted once). gpt-oss holds every expert of a layer in one {@code experts} module that runs
 * whole, so its golden is the hooks' count without that module plus {@code k / E} of it.
 */
class MoeActiveGoldenTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.modelsummary.memory.MemoryGoldens#moeCases")
    void activeParametersAreWhatOneTokenRunsThrough(String name, JsonNode c) {
        Model model = MemoryGoldens.build(c);
        MoeRouting moe = model.architecture().memoryTraits().moe();
        assertThat(moe).isEqualTo(new MoeRouting(c.get("experts").asLong(), c.get("experts_per_token").asLong()));
        List<TensorEntry> parameters = parameters(model);
        MoeRouting.Active active = moe.active(parameters);
        long stacked = c.get("stacked_experts_parameters").asLong();
        long expected = c.get("hooked_parameters").asLong() + stacked * moe.expertsPerToken() / moe.experts();
        assertThat(active.total()).isEqualTo(c.get("total_parameters").asLong());
        assertThat(active.active()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.modelsummary.memory.MemoryGoldens#moeCases")
    void routedAreTheExpertsAndNeitherTheRouterNorASharedExpert(String name, JsonNode c) {
        List<TensorEntry> parameters = parameters(MemoryGoldens.build(c));
        long routed = 0;
        for (TensorEntry p : parameters) {
            String n = p.name();
            boolean expert = n.matches("model\\.layers\\.\\d+\\.(mlp|block_sparse_moe)\\.experts\\..+");
            assertThat(MoeRouting.isRouted(n)).as(n).isEqualTo(expert);
            if (n.contains("shared_expert") || n.contains(".gate.") || n.contains(".router.")) {
                assertThat(MoeRouting.isRouted(n)).as(n).isFalse();
            }
            routed += expert ? p.numel() : 0;
        }
        assertThat(routed).isPositive();
    }

    @Test
    void aNameThatOnlyEndsInExpertsOrContainsItInAWordIsNotRouted() {
        assertThat(MoeRouting.isRouted("model.layers.0.mlp.experts.gate_up_proj")).isTrue();
        assertThat(MoeRouting.isRouted("model.layers.0.mlp.experts.3.w1.weight")).isTrue();
        assertThat(MoeRouting.isRouted("model.layers.0.mlp.shared_experts.gate_proj.weight")).isFalse();
        assertThat(MoeRouting.isRouted("model.layers.0.mlp.shared_expert.up_proj.weight")).isFalse();
        assertThat(MoeRouting.isRouted("experts")).isFalse();
        assertThat(MoeRouting.isRouted("model.myexperts.weight")).isFalse();
    }

    /** {@code named_parameters()}: parameters, each tied tensor once. */
    private static List<TensorEntry> parameters(Model model) {
        return model.tensors().stream().filter(t -> t.isParameter() && t.alias().isEmpty()).toList();
    }
}
