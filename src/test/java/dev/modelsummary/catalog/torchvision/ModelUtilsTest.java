package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.TensorEntry;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelUtilsTest {

    /** Values computed by torchvision 0.14.1's own {@code _make_divisible}. */
    @ParameterizedTest
    @CsvSource({"24.0, 8, , 24", "5.6, 8, , 8", "1664.0, 8, , 1664", "3.0, 8, , 8", "90, 8, , 88", "91, 8, , 88",
        "67.5, 8, , 64", "10, 8, 16, 16", "50.0, 16, , 48"})
    void makeDivisibleRoundsAsTorchvision(double v, long divisor, Long minValue, long expected) {
        assertThat(ModelUtils.makeDivisible(v, divisor, minValue)).isEqualTo(expected);
    }

    @Test
    void makeDivisibleRefusesChannelCountsNoTensorCanHave() {
        assertThatThrownBy(() -> ModelUtils.makeDivisible(32 * 1e300, 8))
                .hasMessage("a channel count of 3.2e+301 is too large");
        assertThatThrownBy(() -> ModelUtils.makeDivisible(Double.NaN, 8)).hasMessage("a channel count of nan is too large");
    }

    @Test
    void intermediateLayerGetterKeepsChildrenUpToTheLastReturnedLayer() {
        Module model = new Module();
        model.add("conv1", Layers.conv2d(3, 8, 3));
        model.add("layer1", Layers.conv2d(8, 8, 3));
        model.add("layer2", Layers.conv2d(8, 8, 3));
        model.add("fc", Layers.linear(8, 10));

        Module getter = ModelUtils.intermediateLayerGetter(model, Set.of("layer1"));

        assertThat(getter.tensors()).extracting(TensorEntry::name)
                .containsExactly("conv1.weight", "conv1.bias", "layer1.weight", "layer1.bias");
    }
}
