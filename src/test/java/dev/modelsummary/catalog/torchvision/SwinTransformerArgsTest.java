package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Swin Transformer builders take and refuse keyword arguments as torchvision's do. */
class SwinTransformerArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void weightsFixTheNumberOfClasses() {
        assertThatThrownBy(() -> CATALOG.build("swin_v2_t", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("swin_v2_t: The parameter 'num_classes' expected value 1000 but got 10 instead.");
    }

    /** The builders pass stochastic_depth_prob themselves: a second one is a TypeError in torchvision. */
    @Test
    void stochasticDepthIsNotAnArgument() {
        assertThatThrownBy(() -> CATALOG.build("swin_t", Map.of("stochastic_depth_prob", "0.1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("swin_t takes no argument 'stochastic_depth_prob'");
    }

    /** int(dim * mlp_ratio) truncates: 96 * 1.3 = 124.8 gives 124 hidden units. */
    @Test
    void mlpRatioTruncatesTheHiddenWidth() {
        Model model = CATALOG.build("swin_t", Map.of("mlp_ratio", "1.3")).orElseThrow();

        TensorEntry firstMlp = model.tensors().stream()
                .filter(t -> t.name().equals("features.1.0.mlp.0.weight")).findFirst().orElseThrow();
        assertThat(firstMlp.shape().dims()).containsExactly(124, 96);
    }
}
