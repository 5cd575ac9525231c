package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keyword arguments of raft_large and raft_small. */
class OpticalFlowArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void weightsLeaveTheArchitectureAlone() {
        assertThat(CATALOG.build("raft_small", Map.of("weights", "C_T_V1")).orElseThrow().tensors())
                .isEqualTo(CATALOG.build("raft_small").orElseThrow().tensors());
    }

    /** The builder passes its configuration to {@code _raft} itself: Python refuses it a second value. */
    @Test
    void configurationIsNotAnArgument() {
        assertThatThrownBy(() -> CATALOG.build("raft_large", Map.of("corr_block_radius", "3")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("raft_large takes no argument 'corr_block_radius'; it takes weights, progress.");
    }

    @Test
    void unknownWeightsAreRefused() {
        assertThatThrownBy(() -> CATALOG.build("raft_small", Map.of("weights", "C_T_SKHT_V2")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("raft_small: weights=");
    }
}
