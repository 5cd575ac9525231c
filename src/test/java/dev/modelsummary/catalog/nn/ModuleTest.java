package dev.modelsummary.catalog.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import org.junit.jupiter.api.Test;

class ModuleTest {

    private static Module net() {
        Module net = new Module();
        net.add("conv", Layers.conv2d(3, 8, 3));
        net.add("aux", Layers.linear(8, 2));
        net.add("bn", Layers.batchNorm(8));
        net.add("fc", Layers.linear(8, 10));
        return net;
    }

    @Test
    void replaceKeepsThePlaceAndNoneEmptiesIt() {
        Module net = net();
        net.replace("aux", null);
        net.replace("conv", Layers.conv2d(3, 4, 1, 1, 1, false));

        assertThat(net.tensors()).extracting(TensorEntry::name).containsExactly("conv.weight", "bn.weight", "bn.bias",
                "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "fc.weight", "fc.bias");
        assertThat(net.tensors().get(0).shape().dims()).containsExactly(4, 3, 1, 1);
        assertThat(net.childrenWithEmptyPlaces()).containsKeys("conv", "aux", "bn", "fc");
        assertThatThrownBy(() -> net.replace("head", null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> net.add("fc", Layers.linear(1, 1))).isInstanceOf(IllegalStateException.class);
    }

    /** A module of its own Java class, named after it as torch names a class after itself. */
    private static final class Bottleneck extends Module {
    }

    @Test
    void classNameIsTheJavaClassUnlessTheModuleIsNamedOtherwise() {
        assertThat(new Bottleneck().className()).isEqualTo("Bottleneck");
        assertThat(new Module() { }.className()).isEqualTo("Module");
        assertThat(new Bottleneck().className("QuantizableBottleneck").className())
                .isEqualTo("QuantizableBottleneck");
        assertThat(Layers.conv2d(3, 8, 3).className()).isEqualTo("Conv2d");
        assertThat(Layers.conv3d(3, 8, 1, 3, 3, 1, false).className("Conv3DNoTemporal").className())
                .isEqualTo("Conv3DNoTemporal");
        // the last name set wins, whichever call set it
        assertThat(new Bottleneck().className("A").forwardAs("B", (t, x) -> x).className()).isEqualTo("B");
        assertThat(new Bottleneck().forwardAs("B", (t, x) -> x).className("A").className()).isEqualTo("A");
    }

    @Test
    void requiresGradFreezesMatchingParametersOnly() {
        Module net = net();
        net.requiresGrad(name -> !name.startsWith("fc."), false);

        assertThat(net.tensors()).filteredOn(TensorEntry::isParameter).extracting(TensorEntry::name, TensorEntry::trainable)
                .containsExactly(tuple("conv.weight", false),
                        tuple("conv.bias", false),
                        tuple("aux.weight", false),
                        tuple("aux.bias", false),
                        tuple("bn.weight", false),
                        tuple("bn.bias", false),
                        tuple("fc.weight", true),
                        tuple("fc.bias", true));
        assertThat(net.tensors()).filteredOn(t -> t.role() == Role.BUFFER).allMatch(t -> !t.trainable());
    }

    @Test
    void frozenBatchNormHoldsFourBuffersAndNoParameter() {
        assertThat(Layers.frozenBatchNorm2d(5).tensors()).allMatch(t -> t.role() == Role.BUFFER)
                .extracting(TensorEntry::name).containsExactly("weight", "bias", "running_mean", "running_var");
    }

    @Test
    void convolutionsCheckGroupsAndStoreTransposedWeightsInputFirst() {
        assertThat(Layers.convTranspose2d(256, 91, 2, 2, 1, true).tensors().get(0).shape().dims())
                .containsExactly(256, 91, 2, 2);
        assertThat(Layers.conv3d(3, 64, 3, 7, 7, 1, false).tensors().get(0).shape().dims())
                .containsExactly(64, 3, 3, 7, 7);
        assertThat(Layers.conv2d(32, 64, 3, 32, false).tensors().get(0).shape().dims()).containsExactly(64, 1, 3, 3);
        assertThatThrownBy(() -> Layers.conv2d(30, 64, 3, 4, false)).hasMessage("in_channels must be divisible by groups");
        assertThatThrownBy(() -> Layers.groupNorm(32, 100)).hasMessage("num_channels must be divisible by num_groups");
    }
}
