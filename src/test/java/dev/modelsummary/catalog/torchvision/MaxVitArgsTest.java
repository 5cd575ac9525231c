package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** maxvit_t takes and refuses keyword arguments as torchvision's does. */
class MaxVitArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void weightsFixTheNumberOfClasses() {
        assertThatThrownBy(() -> CATALOG.build("maxvit_t", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("maxvit_t: The parameter 'num_classes' expected value 1000 but got 10 instead.");
    }

    /** int(64 * 0.001) = 0 channels: the depthwise convolution gets groups=0. */
    @Test
    void anExpansionRatioLeavingNoChannelsIsRefused() {
        assertThatThrownBy(() -> CATALOG.build("maxvit_t", Map.of("expansion_ratio", "0.001")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("maxvit_t: groups must be a positive integer");
    }

    /** The builder passes stochastic_depth_prob itself: a second one is a TypeError in torchvision. */
    @Test
    void stochasticDepthIsNotAnArgument() {
        assertThatThrownBy(() -> CATALOG.build("maxvit_t", Map.of("stochastic_depth_prob", "0.1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("maxvit_t takes no argument 'stochastic_depth_prob'");
    }
}
