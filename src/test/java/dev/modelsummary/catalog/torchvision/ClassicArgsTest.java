package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keyword arguments of the classic families (AlexNet, VGG, SqueezeNet, DenseNet, GoogLeNet, Inception, SSD)
 * that torchvision refuses or warns about, with torchvision's messages.
 */
class ClassicArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    private static Model build(String name, Map<String, String> args) {
        return CATALOG.build(name, args).orElseThrow();
    }

    @Test
    void weightsFixNumClasses() {
        assertThatThrownBy(() -> build("vgg11", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("vgg11: The parameter 'num_classes' expected value 1000 but got 10 instead.");
    }

    @Test
    void vggFeaturesWeightsHaveNoCategoriesSoLeaveNumClassesAlone() {
        Model model = build("vgg16", Map.of("weights", "IMAGENET1K_FEATURES", "num_classes", "10"));

        assertThat(model.tensors()).extracting(TensorEntry::name).endsWith("classifier.6.bias");
        assertThat(model.tensors().get(model.tensors().size() - 1).shape().dims()).containsExactly(10);
    }

    @Test
    void googlenetWeightsRefuseAuxLogitsFalseAndInitWeightsTrue() {
        assertThatThrownBy(() -> build("googlenet", Map.of("weights", "DEFAULT", "aux_logits", "false")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("googlenet: The parameter 'aux_logits' expected value True but got False instead.");
        assertThatThrownBy(() -> build("googlenet", Map.of("weights", "DEFAULT", "init_weights", "true")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("googlenet: The parameter 'init_weights' expected value False but got True instead.");
    }

    @Test
    void googlenetWarnsAboutUntrainedAuxHeadsOnly() {
        Model withAux = build("googlenet", Map.of("weights", "DEFAULT", "aux_logits", "true"));
        Model plain = build("googlenet", Map.of());

        assertThat(withAux.warnings()).containsExactly("auxiliary heads in the pretrained googlenet"
                + " model are NOT pretrained, so make sure to train them");
        // torchvision's FutureWarning about slow random initialisation does not apply: nothing is initialised.
        assertThat(plain.warnings()).isEmpty();
    }

    @Test
    void inceptionWeightsRefuseAuxLogitsFalse() {
        assertThatThrownBy(() -> build("inception_v3", Map.of("weights", "DEFAULT", "aux_logits", "false")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("inception_v3: The parameter 'aux_logits' expected value True but got False instead.");
    }

    @Test
    void ssdWeightsFixNumClassesButAcceptNone() {
        assertThatThrownBy(() -> build("ssd300_vgg16", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("ssd300_vgg16: The parameter 'num_classes' expected value 91 but got 10 instead.");
        assertThat(build("ssd300_vgg16", Map.of("weights", "DEFAULT", "num_classes", "None")).tensors())
                .isEqualTo(build("ssd300_vgg16", Map.of("weights", "DEFAULT")).tensors());
    }

    @Test
    void ssdRefusesTrainableLayersOutOfRangeWhenPretrained() {
        assertThatThrownBy(() -> build("ssd300_vgg16",
                Map.of("weights_backbone", "IMAGENET1K_FEATURES", "trainable_backbone_layers", "6")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("ssd300_vgg16: Trainable backbone layers should be in the range [0,5], got 6 ");
    }

    @Test
    void ssdWarnsThatTrainableLayersNeedPretrainedWeights() {
        Model model = build("ssd300_vgg16", Map.of("trainable_backbone_layers", "6"));

        assertThat(model.warnings()).singleElement().asString()
                .contains("falling back to trainable_backbone_layers=5 so that all layers are trainable");
        assertThat(model.tensors()).allMatch(t -> !t.isParameter() || t.trainable());
    }

    @Test
    void ssdRefusesAZeroPositiveFraction() {
        assertThatThrownBy(() -> build("ssd300_vgg16", Map.of("positive_fraction", "0")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("ssd300_vgg16: float division by zero");
    }
}
